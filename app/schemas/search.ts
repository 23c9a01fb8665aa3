import { z } from 'zod'
import { SEARCH_TYPES } from '#app/domain/search.ts'

/** `?q=&type=&limit=` of the search page, the palette and GET /api/v1/search. */
export const SearchQuerySchema = z.object({
  q: z.string({ error: 'q is required' }).trim().max(200, 'Search must be at most 200 characters'),
  type: z
    .enum(SEARCH_TYPES, { error: `type must be one of ${SEARCH_TYPES.join(', ')}` })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(50, 'limit must be at most 50')
    .default(20),
})
export type SearchQuery = z.infer<typeof SearchQuerySchema>

/** One search result, as the API returns it (strict: see app/schemas/responses.ts). */
export const SearchResultSchema = z.strictObject({
  type: z.enum(SEARCH_TYPES),
  id: z.string(),
  title: z.string(),
  snippet: z.string().describe('Plain text around the best match'),
  snippet_html: z.string().describe('The snippet HTML-escaped, with each match wrapped in <mark>'),
  url: z.string().describe('Where the result opens in the app (relative to the app origin)'),
  rank: z.number().describe('Relevance; results come highest first'),
})
export type SearchResult = z.infer<typeof SearchResultSchema>

/** How many hits GET /api/v1/search pages through at most (best first). */
export const SEARCH_API_MAX = 200
