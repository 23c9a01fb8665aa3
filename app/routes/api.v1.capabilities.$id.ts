import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { notFound } from '#app/domain/errors.ts'
import { CapabilityInputSchema, InventoryIdSchema } from '#app/schemas/inventory.ts'
import { capabilityDetailJson, deleteCapability, getCapabilityFor, updateCapability } from '#app/services/inventory.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJsonObject } from '#app/utils/http.server.ts'

function capabilityId(params: { id?: string }) {
  const parsed = InventoryIdSchema.safeParse(params.id)
  if (!parsed.success) throw notFound('Capability')
  return parsed.data
}

/** GET /api/v1/capabilities/ID → { id, name, description, support: [{ systemId, level, note }] } */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const c = await getCapabilityFor(actor, capabilityId(params))
    return json(capabilityDetailJson(c))
  })
}

/** PATCH /api/v1/capabilities/ID { name?, description? } → the capability with its support; DELETE → 204 (requirements naming it become unknown). */
export async function action({ request, params }: ActionFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const id = capabilityId(params)
    if (request.method === 'PATCH' || request.method === 'PUT') {
      const current = await getCapabilityFor(actor, id)
      const body = await readJsonObject(request, 16 * 1024)
      await updateCapability(
        actor,
        id,
        parseOrThrow(CapabilityInputSchema, { name: current.name, description: current.description, ...body }),
      )
      const c = await getCapabilityFor(actor, id)
      return json(capabilityDetailJson(c))
    }
    if (request.method === 'DELETE') {
      await deleteCapability(actor, id)
      return new Response(null, { status: 204 })
    }
    return methodNotAllowed()
  })
}
