import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { SearchQuerySchema } from '#app/schemas/search.ts'
import { search } from '#app/services/search.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { api, parseOrThrow } from '#app/utils/http.server.ts'

/** GET /resources/search?q= → the command palette's results for the signed-in member. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return api(async () => {
    const query = parseOrThrow(SearchQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const hits = await search(actor, { ...query, limit: Math.min(query.limit, 30) })
    return json({ q: query.q, hits }, { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
