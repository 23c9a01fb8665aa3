import type { LoaderFunctionArgs } from '@remix-run/node'
import { SEARCH_API_MAX, SearchQuerySchema } from '#app/schemas/search.ts'
import { search, searchResultJson } from '#app/services/search.server.ts'
import { requireApiActor } from '#app/utils/auth.server.ts'
import { pageInMemory, pageJson } from '#app/utils/api-conventions.server.ts'
import { api, parseOrThrow } from '#app/utils/http.server.ts'

/** GET /api/v1/search?q=&type=&limit=&cursor= → { data: [{ type, id, title, snippet, snippet_html, url, rank }], nextCursor }, best first. */
export async function loader({ request }: LoaderFunctionArgs) {
  return api(async () => {
    const { actor } = await requireApiActor(request)
    const { limit: _l, cursor: _c, ...params } = Object.fromEntries(new URL(request.url).searchParams)
    const query = parseOrThrow(SearchQuerySchema.omit({ limit: true }), params)
    // Pages walk the best SEARCH_API_MAX hits: relevance further down is noise.
    const hits = (await search(actor, { ...query, limit: SEARCH_API_MAX })).map(searchResultJson)
    return pageJson(pageInMemory(request, hits, { list: 'search', key: (h) => [h.rank, h.type, h.id], desc: [true, false, false] }))
  })
}
