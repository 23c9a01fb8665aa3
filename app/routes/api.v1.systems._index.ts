import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { SystemInputSchema } from '#app/schemas/inventory.ts'
import type { SystemListItemJson } from '#app/schemas/responses.ts'
import { systemJson } from '#app/api/inventory.ts'
import { createSystem, getSystemFor, listSystemsFor } from '#app/services/inventory/systems.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { idempotent, pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

/** GET /api/v1/systems[?limit=&cursor=] → { data: [system], nextCursor } (live systems of the token's workspace, by name). */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const page = pageInMemory(request, await listSystemsFor(actor), { list: 'systems', key: (s) => [s.name.toLowerCase(), s.id] })
    return pageJson({
      ...page,
      data: page.data.map((s): SystemListItemJson => ({
        ...systemJson(s),
        capabilities: s.capabilities,
        integrations: s.integrations,
        dependentNarratives: s.dependents,
      })),
    })
  })
}

/** POST /api/v1/systems { name, category, lifecycle, … } → 201 system. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    requireRight(actor, canEditInventory)
    return idempotent(request, actor, async () => {
      const input = parseOrThrow(SystemInputSchema, await readJson(request, 64 * 1024))
      const id = await createSystem(actor, input)
      const { system } = await getSystemFor(actor, id)
      return json(systemJson(system), { status: 201, headers: { Location: `/api/v1/systems/${id}` } })
    })
  })
}
