import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { SystemInputSchema } from '#app/schemas/inventory.ts'
import type { SystemListItemJson } from '#app/schemas/responses.ts'
import { createSystem, getSystemFor, listSystemsFor, systemJson } from '#app/services/inventory.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

/** GET /api/v1/systems → { data: [system] } (live systems of the token's workspace, by name). */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const rows = await listSystemsFor(actor)
    return json({
      data: rows.map(
        (s) =>
          ({
            ...systemJson(s),
            capabilities: s.capabilities,
            integrations: s.integrations,
            dependentNarratives: s.dependents,
          }) satisfies SystemListItemJson,
      ),
    })
  })
}

/** POST /api/v1/systems { name, category, lifecycle, … } → 201 system. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const input = parseOrThrow(SystemInputSchema, await readJson(request, 64 * 1024))
    const id = await createSystem(actor, input)
    const { system } = await getSystemFor(actor, id)
    return json(systemJson(system), { status: 201, headers: { Location: `/api/v1/systems/${id}` } })
  })
}
