import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { z } from 'zod'
import { invalid } from '#app/domain/errors.ts'
import { searchReferences } from '#app/services/narrative-links.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { api } from '#app/utils/http.server.ts'

const QuerySchema = z.object({
  trigger: z.enum(['hash', 'dollar']),
  q: z.string().max(80).default(''),
})

/** GET /resources/typeahead?trigger=hash|dollar&q= → the editor's `#` (capabilities, systems) or `$` (metrics) choices. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return api(async () => {
    const url = new URL(request.url)
    const query = QuerySchema.safeParse(Object.fromEntries(url.searchParams))
    if (!query.success) throw invalid('Some fields need attention', z.flattenError(query.error).fieldErrors as Record<string, string[]>)
    return json({ options: await searchReferences(actor, query.data) }, { headers: { 'Cache-Control': 'private, no-store' } })
  })
}
