import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { buildOpenApiDocument } from '#app/api/openapi.ts'

let cached: ReturnType<typeof buildOpenApiDocument> | null = null

/** GET /api/v1/openapi.json — the OpenAPI 3.1 document (public: it holds no data). */
export function loader(_args: LoaderFunctionArgs) {
  cached ??= buildOpenApiDocument()
  return json(cached, { headers: { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' } })
}
