/**
 * The convention lists that the OpenAPI document is built from match what the route modules do:
 * a list route that pages, an object route that sends ETags, an update that honours If-Match or a
 * create that honours Idempotency-Key without its entry (or the reverse) fails here.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument, ENDPOINTS } from './openapi.ts'
import { CONDITIONAL, ETAGGED, IDEMPOTENT, PAGED } from './conventions.ts'

const ROUTES = path.resolve(import.meta.dirname, '../routes')
const SHARED: Record<string, string> = {
  'api.v1.metrics.$key.actuals.ts': 'metrics.server.ts',
  'api.v1.metrics.$key.targets.ts': 'metrics.server.ts',
}
const source = (route: string) =>
  SHARED[route] ? readFileSync(path.resolve(import.meta.dirname, SHARED[route]), 'utf8') : readFileSync(path.join(ROUTES, route), 'utf8')

describe('the API conventions', () => {
  it('are listed for exactly the operations whose routes implement them', () => {
    const mismatches: string[] = []
    for (const e of ENDPOINTS) {
      const src = source(e.route)
      const key = `${e.method} ${e.path}`
      const check = (listed: boolean, implemented: boolean, what: string) => {
        if (listed !== implemented)
          mismatches.push(`${key}: ${what} ${listed ? 'listed but not implemented' : 'implemented but not listed'}`)
      }
      if (e.method === 'get') {
        check(PAGED.has(key), /pageJson\(/.test(src), 'paging')
        check(ETAGGED.has(key), /jsonWithETag\(/.test(src), 'ETag')
      }
      if (e.method === 'patch' || e.method === 'put') check(CONDITIONAL.has(key), /conditionalUpdate\(/.test(src), 'If-Match')
      if (e.method === 'post') check(IDEMPOTENT.has(key), /idempotent\(/.test(src), 'Idempotency-Key')
    }
    expect(mismatches).toEqual([])
  })

  it('are documented: page parameters and nextCursor, ETag headers, 304/409/412/422/429', () => {
    const doc = buildOpenApiDocument() as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string; in: string }[]
            responses: Record<string, { headers?: object; content?: Record<string, { schema: { properties?: object } }> }>
          }
        >
      >
    }
    const list = doc.paths['/api/v1/narratives']!.get!
    expect(list.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'status', 'owner', 'q']))
    expect(list.responses['200']!.content!['application/json']!.schema.properties).toHaveProperty('nextCursor')
    expect(list.responses['200']!.headers).toHaveProperty('Link')
    const search = doc.paths['/api/v1/search']!.get!
    expect(search.parameters?.filter((p) => p.name === 'limit')).toHaveLength(1)
    const get = doc.paths['/api/v1/systems/{id}']!.get!
    expect(get.responses).toHaveProperty('304')
    expect(get.responses['200']!.headers).toHaveProperty('ETag')
    const patch = doc.paths['/api/v1/systems/{id}']!.patch!
    expect(patch.parameters?.map((p) => p.name)).toContain('If-Match')
    expect(patch.responses).toHaveProperty('412')
    const create = doc.paths['/api/v1/systems']!.post!
    expect(create.parameters?.map((p) => p.name)).toContain('Idempotency-Key')
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['409', '422', '429']))
    expect(doc.paths['/api/v1/tokens']!.post!.responses['201']!.headers ?? {}).not.toHaveProperty('RateLimit-Limit')
  })
})
