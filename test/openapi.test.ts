/**
 * The OpenAPI document covers every API route file and every method it answers, names no route
 * that does not exist, and validates as OpenAPI 3.1. A new app/routes/api.v1.* file (or a new
 * method in one) without an entry in app/api/openapi.ts fails here.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument, ENDPOINTS } from '#app/api/openapi.ts'
import { useTestDatabase } from '#test/db.ts'
import { startApp } from '#test/routes.ts'

const ROUTES = path.resolve(import.meta.dirname, '../app/routes')
/** Not an endpoint: the catch-all that answers problem+json 404 for unknown API paths. */
const NOT_ENDPOINTS = new Set(['api.v1.$.ts'])

/** '/api/v1/narratives/{id}/comments' from 'api.v1.narratives.$id.comments.ts'. */
function pathOf(file: string) {
  const segments = file
    .replace(/\.tsx?$/, '')
    .replace(/\[\.\]/g, '~dot~')
    .split('.')
    .filter((s) => s !== '_index')
    .map((s) => s.replace(/~dot~/g, '.').replace(/^\$(\w+)$/, '{$1}'))
  return '/' + segments.join('/')
}

/** The methods a route file answers, read from its source (loader → GET; the methods its action checks). */
function methodsOf(file: string) {
  const source = readFileSync(path.join(ROUTES, file), 'utf8')
  const methods = new Set<string>()
  const loader = /export (async function loader|const loader = )/.test(source)
  if (loader && !/export const loader = \(\) => methodNotAllowed\(\)/.test(source)) methods.add('get')
  for (const [, m] of source.matchAll(/request\.method [!=]== '(\w+)'/g)) methods.add(m!.toLowerCase())
  // The metric value routes delegate to shared handlers.
  if (/putStoredValues/.test(source)) methods.add('put')
  return methods
}

/** Methods accepted as aliases of a documented one (PATCH routes also take PUT; stances take PUT for POST). */
const ALIASES: Record<string, string[]> = { put: ['patch', 'post'], post: ['put'] }

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument()
  const files = readdirSync(ROUTES).filter((f) => f.startsWith('api.v1.') && !NOT_ENDPOINTS.has(f))

  it('has an entry for every API route file and every method it answers', () => {
    const missing: string[] = []
    for (const file of files) {
      const p = pathOf(file)
      const documented = (doc.paths as Record<string, Record<string, unknown>>)[p]
      if (!documented) {
        missing.push(`${file}: ${p}`)
        continue
      }
      for (const m of methodsOf(file)) {
        if (documented[m]) continue
        if ((ALIASES[m] ?? []).some((alias) => documented[alias])) continue
        missing.push(`${file}: ${m.toUpperCase()} ${p}`)
      }
    }
    expect(missing, 'add these to ENDPOINTS in app/api/openapi.ts').toEqual([])
    expect(files.length).toBeGreaterThanOrEqual(28)
  })

  it('names only route files that exist, each at the path the file serves', () => {
    for (const e of ENDPOINTS) {
      expect(files, e.route).toContain(e.route)
      expect(pathOf(e.route), e.route).toBe(e.path)
    }
  })

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc))
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    // The validator is not a rubber stamp: a parameter without `in` is refused.
    const broken = structuredClone(doc) as { paths: Record<string, Record<string, Record<string, unknown>>> }
    broken.paths['/api/v1/me']!.get!.parameters = [{ name: 'x', schema: { type: 'string' } }]
    expect((await new Validator().validate(broken)).valid).toBe(false)
  })

  it('describes request bodies and query strings with the zod schemas the routes parse with', () => {
    const post = (doc.paths['/api/v1/narratives'] as Record<string, { requestBody: { content: Record<string, { schema: unknown }> } }>)
      .post!
    expect(post.requestBody.content['application/json']!.schema).toMatchObject({
      type: 'object',
      properties: { title: { type: 'string', maxLength: 200 }, template: { enum: ['strategy', 'prfaq', 'qbr', 'blank'] } },
      required: ['title', 'template'],
    })
    const search = (doc.paths['/api/v1/search'] as Record<string, { parameters: { name: string; required: boolean }[] }>).get!
    expect(search.parameters.map((p) => [p.name, p.required])).toEqual([
      ['q', true],
      ['type', false],
      ['limit', false],
      ['cursor', false],
    ])
  })
})

describe('GET /api/v1/openapi.json and /api/docs', () => {
  const db = useTestDatabase()
  it('serves the document and a readable reference page without a token', async () => {
    const app = await startApp({ sql: (await db).sql })
    try {
      const res = await app.fetch('/api/v1/openapi.json')
      expect(res.status).toBe(200)
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> }
      expect(doc.openapi).toBe('3.1.0')
      expect(Object.keys(doc.paths).length).toBe(new Set(ENDPOINTS.map((e) => e.path)).size)
      const page = await app.fetch('/api/docs')
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('Accord API')
      expect(html).toContain('/api/v1/narratives/{id}/comments')
      expect(html).not.toMatch(/<script[^>]+src="https?:/)
    } finally {
      await app.close()
    }
    // The first request of a fresh app loads the whole server build: ~20 s on a busy machine.
  }, 90_000)
})
