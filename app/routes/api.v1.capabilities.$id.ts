import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { type Actor, canEditInventory } from '#app/domain/policies.ts'
import { CapabilityInputSchema, InventoryIdSchema } from '#app/schemas/inventory.ts'
import { capabilityDetailJson } from '#app/api/inventory.ts'
import { deleteCapability, getCapabilityFor, updateCapability } from '#app/services/inventory/capabilities.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { conditionalUpdate, currentVersion, jsonWithETag } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJsonObject, requireParam } from '#app/utils/http.server.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

async function capabilityBody(actor: Actor, id: string) {
  return capabilityDetailJson(await getCapabilityFor(actor, id))
}

/** GET /api/v1/capabilities/ID → { id, name, description, support: [{ systemId, level, note }] } with its ETag. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InventoryIdSchema, 'Capability')
    const version = await currentVersion({ table: 'capabilities', id, workspaceId: actor.workspaceId })
    return jsonWithETag(request, version, await capabilityBody(actor, id))
  })
}

/**
 * PATCH /api/v1/capabilities/ID { name?, description? } [If-Match: ETag] → the capability with its
 * support and new ETag; DELETE → 204 (requirements naming it become unknown).
 */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = requireParam(params, 'id', InventoryIdSchema, 'Capability')
    if (request.method === 'PATCH' || request.method === 'PUT') {
      requireRight(actor, canEditInventory)
      const current = await getCapabilityFor(actor, id)
      const body = await readJsonObject(request, 16 * 1024)
      const input = parseOrThrow(CapabilityInputSchema, { name: current.name, description: current.description, ...body })
      return conditionalUpdate(
        request,
        { table: 'capabilities', id, workspaceId: actor.workspaceId },
        (ifMatch) => updateCapability(actor, id, input, ifMatch),
        () => capabilityBody(actor, id),
      )
    }
    if (request.method === 'DELETE') {
      await deleteCapability(actor, id)
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
