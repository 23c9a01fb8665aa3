/**
 * Which /api/v1 operations follow which convention (cursor pages, ETags, conditional updates,
 * idempotent creates, rate limits), and what that adds to their OpenAPI operations. Kept apart
 * from the ENDPOINTS blocks in openapi.ts: the document builder applies it to every operation,
 * and app/api/conventions.test.ts checks these lists against the route sources.
 */
import { z } from 'zod'
import { IdempotencyKeySchema, NextCursorSchema, PageQuerySchema } from '#app/schemas/api-conventions.ts'

const op = (method: string, path: string) => `${method} ${path}`

/** GET lists answering `{ data, nextCursor }` with `?limit=&cursor=` (pageJson in the route). */
export const PAGED = new Set(
  [
    '/api/v1/approved',
    '/api/v1/capabilities',
    '/api/v1/initiatives',
    '/api/v1/initiatives/{id}/comments',
    '/api/v1/initiatives/{id}/stances',
    '/api/v1/integrations',
    '/api/v1/metrics',
    '/api/v1/metrics/{key}/actuals',
    '/api/v1/metrics/{key}/targets',
    '/api/v1/narratives',
    '/api/v1/narratives/{id}/audit',
    '/api/v1/narratives/{id}/comments',
    '/api/v1/narratives/{id}/commitments',
    '/api/v1/narratives/{id}/requirements',
    '/api/v1/narratives/{id}/versions',
    '/api/v1/notifications',
    '/api/v1/search',
    '/api/v1/systems',
  ].map((p) => op('get', p)),
)

/** Single objects whose GET sends an ETag and answers 304 to a matching If-None-Match. */
export const ETAGGED = new Set(
  [
    '/api/v1/capabilities/{id}',
    '/api/v1/initiatives/{id}',
    '/api/v1/integrations/{id}',
    '/api/v1/metrics/{key}',
    '/api/v1/narratives/{id}',
    '/api/v1/systems/{id}',
  ].map((p) => op('get', p)),
)

/** Updates that honour If-Match (412 when stale) and answer the new ETag. */
export const CONDITIONAL = new Set(
  [
    '/api/v1/capabilities/{id}',
    '/api/v1/initiatives/{id}',
    '/api/v1/integrations/{id}',
    '/api/v1/metrics/{key}',
    '/api/v1/systems/{id}',
  ].flatMap((p) => [op('patch', p), op('put', p)]),
)

/** Creates that honour Idempotency-Key. */
export const IDEMPOTENT = new Set(
  [
    '/api/v1/capabilities',
    '/api/v1/initiatives',
    '/api/v1/initiatives/{id}/comments',
    '/api/v1/initiatives/{id}/stances',
    '/api/v1/integrations',
    '/api/v1/inventory/import',
    '/api/v1/metrics',
    '/api/v1/metrics/import',
    '/api/v1/narratives',
    '/api/v1/narratives/{id}/acknowledge',
    '/api/v1/narratives/{id}/comments',
    '/api/v1/narratives/{id}/commitments',
    '/api/v1/narratives/{id}/requirements',
    '/api/v1/narratives/{id}/reviews',
    '/api/v1/systems',
  ].map((p) => op('post', p)),
)

type JsonSchema = Record<string, unknown>
const jsonSchema = (s: z.ZodType, io: 'input' | 'output') => {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12', reused: 'inline' }) as JsonSchema
  delete out.$schema
  return out
}

const header = (description: string, schema: JsonSchema = { type: 'string' }) => ({ description, schema })
const RATE_HEADERS = {
  'RateLimit-Limit': header('Requests the token may send at once (the bucket size)', { type: 'integer' }),
  'RateLimit-Remaining': header('Requests left right now', { type: 'integer' }),
  'RateLimit-Reset': header('Seconds until the bucket is full again', { type: 'integer' }),
}
const ETAG_HEADER = header('`"<version>-<digest>"`: send it back as If-Match to update only this version')
const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }

export const CONVENTION_STATUS_TEXT: Record<number, string> = {
  304: 'Not modified: If-None-Match names the current ETag',
  409: 'Conflict (with Idempotency-Key: a request with this key is still running)',
  412: 'If-Match is stale: nothing was changed; `detail` and the ETag header name the current ETag',
  422: 'Idempotency-Key was used with another request',
  429: 'Too many requests with this token: retry after Retry-After seconds',
}

interface Operation {
  parameters?: { name: string; in: string }[]
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: JsonSchema }> }>
  description?: string
}

function addResponse(o: Operation, status: number) {
  const text = CONVENTION_STATUS_TEXT[status]
  const existing = o.responses[String(status)]
  if (!existing) {
    o.responses[String(status)] = {
      description: text ?? 'Invalid input (problem+json with `errors` per field)',
      ...(status === 304 ? {} : { content: PROBLEM }),
    }
  } else if (text && !existing.description.includes(text)) {
    existing.description = `${existing.description}; or: ${text}`
  }
}

function addParameter(o: Operation, p: { name: string; in: string; [k: string]: unknown }) {
  o.parameters = [...(o.parameters ?? []).filter((x) => !(x.name === p.name && x.in === p.in)), p]
}

/** Adds the conventions' parameters, headers and statuses to one operation of the document. */
export function applyConventions(method: string, path: string, o: Operation, opts: { public?: boolean; okStatus: number }) {
  const key = op(method, path)
  const ok = o.responses[String(opts.okStatus)]!
  if (!opts.public) {
    ok.headers = { ...ok.headers, ...RATE_HEADERS }
    addResponse(o, 429)
    o.responses['429']!.headers = { 'Retry-After': header('Seconds to wait', { type: 'integer' }), ...RATE_HEADERS }
  }
  if (PAGED.has(key)) {
    const page = jsonSchema(PageQuerySchema, 'input') as { properties: Record<string, JsonSchema> }
    for (const [name, schema] of Object.entries(page.properties)) {
      addParameter(o, { name, in: 'query', required: false, description: schema.description, schema })
    }
    ok.headers = { ...ok.headers, Link: header('`<…?cursor=…>; rel="next"` when there is a next page') }
    const body = ok.content?.['application/json']?.schema as { properties?: Record<string, unknown>; required?: string[] } | undefined
    if (body?.properties) {
      body.properties.nextCursor = jsonSchema(NextCursorSchema, 'output')
      body.required = [...new Set([...(body.required ?? []), 'nextCursor'])]
    }
    addResponse(o, 400)
  }
  if (ETAGGED.has(key)) {
    addParameter(o, {
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'An ETag of this object: 304 without a body when it is still current',
      schema: { type: 'string' },
    })
    ok.headers = { ...ok.headers, ETag: ETAG_HEADER }
    addResponse(o, 304)
  }
  if (CONDITIONAL.has(key)) {
    addParameter(o, {
      name: 'If-Match',
      in: 'header',
      required: false,
      description:
        'The ETag you read: the update is applied only if the object is still at that version (else 412, nothing changed). Without it the update is unconditional.',
      schema: { type: 'string' },
    })
    ok.headers = { ...ok.headers, ETag: header('The updated object’s new ETag') }
    addResponse(o, 400)
    addResponse(o, 412)
  }
  if (IDEMPOTENT.has(key)) {
    const schema = jsonSchema(IdempotencyKeySchema, 'input')
    addParameter(o, { name: 'Idempotency-Key', in: 'header', required: false, description: schema.description, schema })
    ok.headers = {
      ...ok.headers,
      'Idempotent-Replayed': header('`true` when this is the stored answer of an earlier request with the same key (nothing was created)'),
    }
    addResponse(o, 400)
    addResponse(o, 409)
    addResponse(o, 422)
  }
}

/** The conventions paragraph of the document's description. */
export const CONVENTIONS_DESCRIPTION =
  ' Lists take `?limit=` (1–200, default 50) and `?cursor=` (the previous page’s `nextCursor`, sent with the same filters) and answer `{ data, nextCursor }` plus `Link: <…>; rel="next"`. Single objects send an `ETag`; updates take `If-Match` (412 when stale; without it they are unconditional) and `If-None-Match` answers 304. Creates take an `Idempotency-Key` header: a retry with the same key and body within 24 h replays the first answer (`Idempotent-Replayed: true`); another body is a 422, a retry while the first still runs a 409. Each token has a rate limit (token bucket, per server instance): every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`; over it, 429 with `Retry-After`.'
