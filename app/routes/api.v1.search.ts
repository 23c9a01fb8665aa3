import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { SearchQuerySchema } from '#app/schemas/search.ts'
import { search, searchResultJson } from '#app/services/search.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { api, parseOrThrow } from '#app/utils/http.server.ts'

/** GET /api/v1/search?q=&type=&limit= → { data: [{ type, id, title, snippet, snippet_html, url, rank }] }, best first. */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const query = parseOrThrow(SearchQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const hits = await search(actor, query)
    return json({ data: hits.map(searchResultJson) })
  })
}
