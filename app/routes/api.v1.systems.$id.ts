import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { DeleteSystemQuerySchema, InventoryIdSchema } from '#app/schemas/inventory.ts'
import type { SystemDetailJson } from '#app/schemas/responses.ts'
import { deleteSystem, getSystemFor, integrationJson, patchSystem, systemJson } from '#app/services/inventory.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJsonObject } from '#app/utils/http.server.ts'

function systemId(params: { id?: string }) {
  const parsed = InventoryIdSchema.safeParse(params.id)
  if (!parsed.success) throw notFound('System')
  return parsed.data
}

/** GET /api/v1/systems/ID → system with its capabilities, integrations, data quality and dependents. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const d = await getSystemFor(actor, systemId(params))
    return json({
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
    } satisfies SystemDetailJson)
  })
}

/**
 * PATCH /api/v1/systems/ID { …fields } → the updated system (fields left out keep their values).
 * DELETE /api/v1/systems/ID[?confirm=true] → 204; 409 with what would break when requirements rely on it.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = systemId(params)
    if (request.method === 'PATCH' || request.method === 'PUT') {
      await patchSystem(actor, id, await readJsonObject(request, 64 * 1024))
      return json(systemJson((await getSystemFor(actor, id)).system))
    }
    if (request.method === 'DELETE') {
      const query = parseOrThrow(DeleteSystemQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
      await deleteSystem(actor, id, { confirm: query.confirm === 'true' })
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
