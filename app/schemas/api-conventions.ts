import { z } from 'zod'

/**
 * `?limit=&cursor=` of every /api/v1 list: the server parses with it and the OpenAPI document
 * describes its parameters from it. The cursor is opaque (base64url) and only ever comes from a
 * previous page's `nextCursor`.
 */
export const PageQuerySchema = z.object({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(200, 'limit must be at most 200')
    .default(50)
    .describe('Items per page, 1–200 (default 50)'),
  cursor: z
    .string()
    .max(2000, 'cursor is not one this API issued')
    .regex(/^[A-Za-z0-9_-]+$/, 'cursor is not one this API issued')
    .optional()
    .describe("Opaque: the previous page's nextCursor. Send the same filters with it"),
})
export type PageQuery = z.infer<typeof PageQuerySchema>

/** What a list answers besides `data`. */
export const NextCursorSchema = z
  .string()
  .nullable()
  .describe('Pass as ?cursor= for the next page; null on the last page (also sent as Link: <…>; rel="next")')

/** The `Idempotency-Key` header of a create: printable, 1–255 characters. */
export const IdempotencyKeySchema = z
  .string()
  .min(1, 'Idempotency-Key may not be empty')
  .max(255, 'Idempotency-Key must be at most 255 characters')
  .regex(/^[\x20-\x7e]+$/, 'Idempotency-Key may hold printable ASCII characters only')
  .describe('Any unique string (a UUID is ideal). Retrying a create with the same key and body within 24 h replays the first answer')

/** One entity tag as this API issues them: `"<row version>-<digest of the representation>"`. */
export const ETAG_PATTERN = /^(?:W\/)?"(\d{1,18})-[0-9a-f]{1,64}"$/
