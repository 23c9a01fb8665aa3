import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { type Actor, canEditInventory } from '#app/domain/policies.ts'
import { DeleteSystemQuerySchema, InventoryIdSchema } from '#app/schemas/inventory.ts'
import type { SystemDetailJson } from '#app/schemas/responses.ts'
import { integrationJson, systemJson } from '#app/api/inventory.ts'
import { deleteSystem, getSystemFor, patchSystem } from '#app/services/inventory/systems.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { conditionalUpdate, currentVersion, jsonWithETag } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJsonObject, requireParam } from '#app/utils/http.server.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

/** GET /api/v1/systems/ID → system with its capabilities, integrations, data quality and dependents, with its ETag. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InventoryIdSchema, 'System')
    const version = await currentVersion({ table: 'systems', id, workspaceId: actor.workspaceId })
    return jsonWithETag(request, version, await systemBody(actor, id))
  })
}

async function systemBody(actor: Actor, id: string) {
  const d = await getSystemFor(actor, id)
  return {
    ...systemJson(d.system),
    capabilities: d.support
      .filter((s) => s.level !== 'none')
      .map((s) => ({ id: s.capability.id, name: s.capability.name, level: s.level, note: s.note })),
    integrations: d.integrations.map(integrationJson),
    dataQuality: d.figures.map((f) => ({
      id: f.id,
      object: f.object,
      measure: f.measure,
      field: f.field || null,
      value: f.value,
      asOf: f.asOf,
    })),
    dependents: d.dependents.map((n) => ({
      narrativeId: n.narrativeId,
      title: n.title,
      status: n.narrativeStatus,
      requirements: n.requirements,
    })),
  } satisfies SystemDetailJson
}

/**
 * PATCH /api/v1/systems/ID { …fields } [If-Match: ETag] → the updated system with its new ETag (fields left out keep
 * their values).
 * DELETE /api/v1/systems/ID[?confirm=true] → 204; 409 with what would break when requirements rely on it.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InventoryIdSchema, 'System')
    if (request.method === 'PATCH' || request.method === 'PUT') {
      requireRight(actor, canEditInventory)
      await requireRow(actor, 'systems', { id })
      const patch = await readJsonObject(request, 64 * 1024)
      return conditionalUpdate(
        request,
        { table: 'systems', id, workspaceId: actor.workspaceId },
        (ifMatch) => patchSystem(actor, id, patch, ifMatch),
        () => systemBody(actor, id),
        ({ capabilities: _c, integrations: _i, dataQuality: _d, dependents: _n, ...system }) => system,
      )
    }
    if (request.method === 'DELETE') {
      const query = parseOrThrow(DeleteSystemQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
      await deleteSystem(actor, id, { confirm: query.confirm === 'true' })
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
