import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { CapabilityInputSchema } from '#app/schemas/inventory.ts'
import { capabilityDetailJson } from '#app/api/inventory.ts'
import { createCapability, getCapabilityFor, listCapabilitiesFor } from '#app/services/inventory/capabilities.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/** GET /api/v1/capabilities[?limit=&cursor=] → { data: [{ id, name, description }], nextCursor } (the workspace taxonomy, by name). */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    return pageJson(
      pageInMemory(request, await listCapabilitiesFor(actor), { list: 'capabilities', key: (c) => [c.name.toLowerCase(), c.id] }),
    )
  })
}

/** POST /api/v1/capabilities { name, description } → 201 capability. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    requireRight(actor, canEditInventory)
    return idempotent(request, actor, async () => {
      const id = await createCapability(actor, parseOrThrow(CapabilityInputSchema, await readJson(request, 16 * 1024)))
      return json(capabilityDetailJson(await getCapabilityFor(actor, id)), {
        status: 201,
        headers: { Location: `/api/v1/capabilities/${id}` },
      })
    })
  })
}
