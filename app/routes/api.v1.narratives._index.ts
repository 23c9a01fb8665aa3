import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { CreateNarrativeSchema, NarrativeListQuerySchema } from '#app/schemas/narratives.ts'
import { createNarrative, listNarrativesFor } from '#app/services/narratives.server.ts'
import { narrativeDetailJson, narrativeJson } from '#app/services/narrative-json.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, methodNotAllowed, parseOrThrow, readJson } from '#app/utils/http.server.ts'

/** GET /api/v1/narratives?status=&owner=&q= */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const filter = parseOrThrow(NarrativeListQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const rows = await listNarrativesFor(actor, filter)
    return json({ data: rows.map((n) => narrativeJson(n)) })
  })
}

/** POST /api/v1/narratives { title, template } → 201 narrative. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed()
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const input = parseOrThrow(CreateNarrativeSchema, await readJson(request, 64 * 1024))
    const n = await createNarrative(actor, input)
    return json(narrativeDetailJson(n), { status: 201, headers: { Location: `/api/v1/narratives/${n.id}` } })
  })
}
