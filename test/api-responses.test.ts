/**
 * The OpenAPI document matches reality: the real app answers every documented endpoint (reads,
 * creates, updates and deletes, with a real token against a real database) and each JSON answer
 * is checked twice against what the document says:
 *  - parsed with the endpoint's zod response schema (strict objects: an extra or a missing field
 *    fails), the schema the service's JSON builder is typed with;
 *  - validated with Ajv (JSON Schema 2020-12, what OpenAPI 3.1 uses) against the schema in the
 *    served /api/v1/openapi.json, so a field that zod → JSON Schema would document differently
 *    (a format, a nullable, an enum) fails too. Ajv is a dev dependency for this check only.
 * An endpoint without a response schema, or one this walk does not call, fails the last tests.
 */
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { toBase64 } from '#app/document/anchors.ts'
import { assessRequirement } from '#app/services/feasibility.server.ts'
import { ENDPOINTS, type Endpoint, type Method } from '#app/api/openapi.ts'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildWorkspace, PASSWORD, uniq, type WorkspaceFixture } from '#test/factories.ts'
import { startApp, type RunningApp } from '#test/routes.ts'

const db = await useTestDatabase()

/** Documented but not called here: printing a PDF needs Chromium (test/read-view.test.ts covers it). */
const NOT_WALKED = new Set(['get /api/v1/narratives/{id}/export.pdf'])

let app: RunningApp
let ws: WorkspaceFixture
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> }
const tokens: Record<'owner' | 'editor' | 'commenter', string> = { owner: '', editor: '', commenter: '' }
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)

/** What each call checked: `get /api/v1/narratives/{id}` → the statuses seen. */
const walked = new Map<string, number[]>()

function endpointFor(method: Method, pathname: string): Endpoint {
  const candidates = ENDPOINTS.filter(
    (e) => e.method === method && new RegExp(`^${e.path.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(pathname),
  )
  // A literal segment wins over a parameter (/metrics/import over /metrics/{key}).
  candidates.sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0))
  const e = candidates[0]
  if (!e) throw new Error(`${method.toUpperCase()} ${pathname} is not documented`)
  return e
}

/** Ajv's validator for the JSON Schema the served document gives for an endpoint's success answer. */
function documented(e: Endpoint) {
  return ajv.compile(doc.paths[e.path]![e.method]!.responses[String(e.ok.status)]!.content!['application/json']!.schema)
}

/**
 * Calls the API as `who` and checks the answer against the document; returns the parsed body.
 * The status must be the documented one, or one the description names ("201 when new, 200 when…").
 */
async function call<T = Record<string, unknown>>(
  method: Method,
  url: string,
  opts: { json?: unknown; csv?: string; as?: keyof typeof tokens; headers?: Record<string, string>; token?: string | null } = {},
): Promise<T> {
  const pathname = new URL(url, 'http://x').pathname
  const e = endpointFor(method, pathname)
  const res = await app.fetch(url, {
    method: method.toUpperCase(),
    token: opts.token === null ? undefined : (opts.token ?? tokens[opts.as ?? 'owner']),
    json: opts.json,
    body: opts.csv,
    headers: { ...(opts.csv ? { 'Content-Type': 'text/csv' } : {}), ...opts.headers },
  })
  const text = await res.text()
  const label = `${method.toUpperCase()} ${url} → ${res.status} ${text.slice(0, 500)}`
  expect(res.status === e.ok.status || e.ok.description.includes(String(res.status)), label).toBe(true)
  walked.set(`${e.method} ${e.path}`, [...(walked.get(`${e.method} ${e.path}`) ?? []), res.status])
  if (res.status === 204) {
    expect(text, label).toBe('')
    return undefined as T
  }
  expect(res.headers.get('Content-Type'), label).toMatch(/^application\/json/)
  const body = JSON.parse(text) as unknown
  expect(e.ok.schema, `${e.method} ${e.path} has no response schema`).toBeDefined()
  // 1. The zod schema the builder is typed with (strict objects).
  const parsed = e.ok.schema!.safeParse(body)
  expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), label).toEqual([])
  // 2. The JSON Schema the served document gives for this status.
  const validate = documented(e)
  expect(validate(body) ? [] : validate.errors!.map((x) => `${x.instancePath} ${x.message} ${JSON.stringify(x.params)}`), label).toEqual([])
  return body as T
}

/** A range of text as the editor anchors it (Yjs relative positions, base64). */
function anchor() {
  const ydoc = new Y.Doc()
  const root = ydoc.get('root', Y.XmlText)
  root.insert(0, 'Pipeline grows when sales and marketing share one goal.')
  const pos = (i: number, assoc: number) => toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(root, i, assoc)))
  return { anchorStart: pos(20, 0), anchorEnd: pos(39, -1), quote: 'sales and marketing' }
}

type Obj = Record<string, unknown> & { id: string }
type List<T = Obj> = { data: T[] }

beforeAll(async () => {
  app = await startApp({ sql: db.sql })
  ws = await buildWorkspace()
  ;[tokens.owner, tokens.editor, tokens.commenter] = await Promise.all([
    buildApiToken(ws.owner),
    buildApiToken(ws.editor),
    buildApiToken(ws.commenter),
  ])
  const res = await app.fetch('/api/v1/openapi.json')
  doc = (await res.json()) as typeof doc
})
afterAll(async () => {
  await app?.close()
})

describe('every documented answer matches the real one', () => {
  it('account, members and the document itself', async () => {
    const me = await call<{ role: string }>('get', '/api/v1/me')
    expect(me.role).toBe('owner')
    // Neither check is a rubber stamp: an extra field, or a missing one, is refused by both.
    const endpoint = endpointFor('get', '/api/v1/me')
    const { role: _role, ...missing } = me
    for (const wrong of [{ ...me, extra: 1 }, missing]) {
      expect(endpoint.ok.schema!.safeParse(wrong).success).toBe(false)
      expect(documented(endpoint)(wrong)).toBe(false)
    }
    await call('post', '/api/v1/tokens', {
      token: null,
      json: { email: ws.editor.email, password: PASSWORD, workspace: ws.workspace.name },
      headers: { 'x-accord-client-ip': `responses-${uniq()}` },
    })
    const members = await call<List<Obj & { role: string }>>('get', '/api/v1/members', { as: 'commenter' })
    expect(members.data.map((m) => m.role).sort()).toEqual(['commenter', 'editor', 'owner', 'reader'])
    await call('get', `/api/v1/members/${ws.editor.id}`)
    const changed = await call<{ function: string }>('patch', `/api/v1/members/${ws.editor.id}`, { json: { function: 'product' } })
    expect(changed.function).toBe('product')
    await call('get', '/api/v1/openapi.json', { token: null })
  })

  it('narratives, tech stack, feasibility, metrics, commitments, comments, review, versions, roadmap, inbox and search', async () => {
    const tag = uniq()
    // Narratives
    const narrative = await call<Obj>('post', '/api/v1/narratives', { json: { title: `Responses ${tag}`, template: 'strategy' } })
    await call('get', '/api/v1/narratives')
    await call('get', `/api/v1/narratives/${narrative.id}`)

    // Tech stack
    const crm = await call<Obj>('post', '/api/v1/systems', { json: { name: `CRM ${tag}`, category: 'crm', lifecycle: 'active' } })
    const map = await call<Obj>('post', '/api/v1/systems', {
      json: { name: `MAP ${tag}`, category: 'crm', lifecycle: 'active', ownerId: ws.owner.id, seatsPaid: 10, seatsUsed: 7 },
    })
    await call('patch', `/api/v1/systems/${crm.id}`, { json: { notes: 'The system of record' } })
    const capability = await call<Obj>('post', '/api/v1/capabilities', { json: { name: `Lead scoring ${tag}`, description: '' } })
    await call('patch', `/api/v1/capabilities/${capability.id}`, { json: { description: 'Scores leads' } })
    await call('put', `/api/v1/systems/${crm.id}/capabilities`, { json: { capability: capability.id, level: 'native', note: 'built in' } })
    const integration = await call<Obj>('post', '/api/v1/integrations', {
      json: { fromSystemId: crm.id, toSystemId: map.id, objects: ['contacts'], direction: 'one_way', frequency: 'daily', status: 'active' },
    })
    await call('patch', `/api/v1/integrations/${integration.id}`, { json: { status: 'broken' } })
    await call('get', '/api/v1/systems')
    await call('get', '/api/v1/capabilities')
    await call('get', `/api/v1/capabilities/${capability.id}`)
    await call('get', '/api/v1/integrations')
    await call('get', `/api/v1/integrations/${integration.id}`)
    await call('post', '/api/v1/inventory/import?kind=systems&dryRun=true', {
      csv: `name,category,lifecycle\nImported ${tag},crm,active\n`,
    })

    // Feasibility
    const requirement = await call<Obj>('post', `/api/v1/narratives/${narrative.id}/requirements`, {
      json: { kind: 'capability', capability: capability.name, system: crm.name },
    })
    await call('post', `/api/v1/narratives/${narrative.id}/requirements`, {
      json: { kind: 'flow', from: crm.name, to: map.name, objects: ['contacts'] },
    })
    // Assessments are made in the app (no API yet); the feasibility answer shows them.
    await assessRequirement(
      ws.owner.actor,
      { narrativeId: narrative.id, requirementId: requirement.id },
      {
        decision: 'accept_risk',
        effort: 'S',
        note: 'Fine for launch',
      },
    )
    await call('get', `/api/v1/narratives/${narrative.id}/requirements`)
    const feasibility = await call<{ requirements: { assessment: unknown }[] }>('get', `/api/v1/narratives/${narrative.id}/feasibility`)
    expect(feasibility.requirements.filter((r) => r.assessment !== null).length).toBe(1)
    const system = await call<{ dependents: unknown[]; integrations: unknown[] }>('get', `/api/v1/systems/${crm.id}`)
    expect(system.dependents.length).toBe(1)
    expect(system.integrations.length).toBe(1)

    // Metrics
    const key = `pipeline_${tag}`
    await call('post', '/api/v1/metrics', {
      json: { key, name: `Pipeline ${tag}`, unit: 'count', direction: 'higher', indicator: 'lagging', aggregation: 'sum' },
    })
    await call('patch', `/api/v1/metrics/${key}`, { json: { definition: 'Qualified pipeline created' } })
    await call('put', `/api/v1/metrics/${key}/targets`, { json: [{ period: '2026-01', value: 100 }] })
    await call('put', `/api/v1/metrics/${key}/actuals`, { json: [{ period: '2026-01', value: 80 }] })
    await call('post', '/api/v1/metrics/import?dryRun=true&granularity=month&kind=actual', {
      csv: `metric,period,value\n${key},2026-02,90\n`,
    })
    await call('get', '/api/v1/metrics')
    const detail = await call<{ versions: unknown[] }>('get', `/api/v1/metrics/${key}`)
    expect(detail.versions.length).toBe(2)
    await call('get', `/api/v1/metrics/${key}/targets`)
    await call('get', `/api/v1/metrics/${key}/actuals`)
    await call('get', `/api/v1/metrics/${key}/series?granularity=month&from=2026-01&to=2026-03`)
    await call('post', `/api/v1/narratives/${narrative.id}/commitments`, {
      json: { metricKey: key, baseline: 80, target: 120, dueOn: '2099-12-31', granularity: 'month' },
    })
    await call('get', `/api/v1/narratives/${narrative.id}/commitments`)

    // Comments (a reply by the editor notifies the owner)
    const thread = await call<{ threadId: string }>('post', `/api/v1/narratives/${narrative.id}/comments`, {
      json: { intent: 'start', ...anchor(), body: 'Is this right?' },
    })
    await call('post', `/api/v1/narratives/${narrative.id}/comments`, {
      as: 'editor',
      json: { intent: 'reply', threadId: thread.threadId, body: 'Yes' },
    })
    const reply = await call<{ commentId: string }>('post', `/api/v1/narratives/${narrative.id}/comments`, {
      as: 'editor',
      json: { intent: 'reply', threadId: thread.threadId, body: 'Or is it?' },
    })
    await call('post', `/api/v1/narratives/${narrative.id}/comments`, {
      as: 'editor',
      json: { intent: 'edit', commentId: reply.commentId, body: 'It is.' },
    })
    await call('post', `/api/v1/narratives/${narrative.id}/comments`, { json: { intent: 'resolve', threadId: thread.threadId } })
    const threads = await call<List<Obj & { comments: { editedAt: string | null }[] }>>(
      'get',
      `/api/v1/narratives/${narrative.id}/comments`,
    )
    expect(threads.data[0]!.comments.map((c) => c.editedAt !== null)).toEqual([false, false, true])

    // Review and approval of a narrative whose gate passes (a commitment, no requirements)
    const reviewed = await call<Obj>('post', '/api/v1/narratives', { json: { title: `Reviewed ${tag}`, template: 'blank' } })
    await call('post', `/api/v1/narratives/${reviewed.id}/commitments`, {
      json: { metricKey: key, baseline: 80, target: 120, dueOn: '2099-12-31' },
    })
    const none = await call<{ review: unknown }>('get', `/api/v1/narratives/${reviewed.id}/reviews`)
    expect(none.review).toBeNull()
    const requested = await call<{ versionId: string }>('post', `/api/v1/narratives/${reviewed.id}/reviews`, {
      json: { approverIds: [ws.owner.id, ws.editor.id] },
    })
    const open = await call<{ review: { approvers: unknown[] } }>('get', `/api/v1/narratives/${reviewed.id}/reviews`)
    expect(open.review.approvers.length).toBe(2)
    await call('post', `/api/v1/narratives/${reviewed.id}/reviews/current/decision`, {
      json: { decision: 'approve', versionId: requested.versionId },
      as: 'editor',
    })
    const decided = await call<{ approvedVersionId: string }>('post', `/api/v1/narratives/${reviewed.id}/reviews/current/decision`, {
      json: { decision: 'approve', versionId: requested.versionId },
    })
    expect(decided.approvedVersionId).toBeTruthy()
    await call('post', `/api/v1/narratives/${reviewed.id}/acknowledge`, { as: 'commenter' })
    const approved = await call<List>('get', '/api/v1/approved')
    expect(approved.data.map((n) => n.id)).toContain(reviewed.id)
    const versions = await call<List>('get', `/api/v1/narratives/${reviewed.id}/versions`)
    expect(versions.data.length).toBeGreaterThan(0)
    await call('get', `/api/v1/narratives/${reviewed.id}/versions/${decided.approvedVersionId}`)
    const audit = await call<List>('get', `/api/v1/narratives/${reviewed.id}/audit`)
    expect(audit.data.length).toBeGreaterThan(1)

    // Roadmap
    const initiative = await call<Obj>('post', '/api/v1/initiatives', {
      json: {
        title: `Initiative ${tag}`,
        timeframe: '2027-Q1',
        effort: 'M',
        ownerId: ws.owner.id,
        narrativeId: narrative.id,
        impacts: [{ metric: key, expectedChange: 6, confidence: 0.7 }],
      },
    })
    await call('patch', `/api/v1/initiatives/${initiative.id}`, { json: { description: 'Why now' } })
    await call('patch', `/api/v1/initiatives/${initiative.id}`, { json: { timeframe: 'next', index: 0 } })
    await call('post', `/api/v1/initiatives/${initiative.id}/stances`, { as: 'commenter', json: { stance: 'concern', reason: 'Timing' } })
    await call('post', `/api/v1/initiatives/${initiative.id}/stances`, { as: 'commenter', json: { stance: 'support', reason: 'Fine' } })
    await call('get', `/api/v1/initiatives/${initiative.id}/stances`)
    const discussion = await call<{ threadId: string }>('post', `/api/v1/initiatives/${initiative.id}/comments`, {
      json: { body: 'Let us do it' },
    })
    await call('post', `/api/v1/initiatives/${initiative.id}/comments`, {
      as: 'editor',
      json: { body: 'Agreed', threadId: discussion.threadId },
    })
    await call('get', `/api/v1/initiatives/${initiative.id}/comments`)
    const list = await call<List<Obj & { input: unknown[] }>>('get', '/api/v1/initiatives')
    expect(list.data.find((i) => i.id === initiative.id)!.input.length).toBe(1)
    await call('get', `/api/v1/initiatives/${initiative.id}`)

    // Inbox and search
    const inbox = await call<{ unread: number }>('get', '/api/v1/notifications')
    expect(inbox.unread).toBeGreaterThan(0)
    await call('get', '/api/v1/notifications?unread=true')
    await call('post', '/api/v1/notifications', { json: {} })
    const hits = await call<List<{ type: string }>>('get', `/api/v1/search?q=${tag}`)
    expect(new Set(hits.data.map((h) => h.type)).size).toBeGreaterThan(2)

    // Deletes answer 204 with no body
    await call('delete', `/api/v1/initiatives/${initiative.id}/stances`, { as: 'commenter' })
    await call('delete', `/api/v1/initiatives/${initiative.id}`)
    await call('delete', `/api/v1/narratives/${narrative.id}/requirements?id=${requirement.id}`)
    await call('delete', `/api/v1/integrations/${integration.id}`)
    await call('delete', `/api/v1/capabilities/${capability.id}`)
    await call('delete', `/api/v1/systems/${crm.id}?confirm=true`)
  })

  it('versions in HTML and Markdown answer the documented media types', async () => {
    const approved = await call<List<{ id: string; approvedVersionId: string }>>('get', '/api/v1/approved')
    const { id, approvedVersionId } = approved.data[0]!
    for (const [format, type] of [
      ['html', 'text/html'],
      ['markdown', 'text/markdown'],
    ] as const) {
      const res = await app.fetch(`/api/v1/narratives/${id}/versions/${approvedVersionId}?format=${format}`, { token: tokens.owner })
      expect(res.status).toBe(200)
      expect(res.headers.get('Content-Type')).toMatch(new RegExp(`^${type}`))
      expect(Object.keys(endpointFor('get', `/api/v1/narratives/${id}/versions/${approvedVersionId}`).ok.media ?? {})).toContain(type)
      await res.text()
    }
  })
})

describe('the walk covers the document', () => {
  it('every endpoint with a body documents it with a schema of strict objects', () => {
    const loose: string[] = []
    const walk = (s: unknown, at: string) => {
      if (!s || typeof s !== 'object') return
      const o = s as Record<string, unknown>
      if (o.type === 'object' && o.additionalProperties !== false && !('propertyNames' in o) && o.properties) loose.push(at)
      for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`)
    }
    for (const e of ENDPOINTS) {
      const where = `${e.method} ${e.path}`
      if (e.ok.status === 204) continue
      expect(e.ok.schema ?? e.ok.media, `${where} documents no response`).toBeDefined()
      if (!e.ok.schema || e.path === '/api/v1/openapi.json') continue
      walk(doc.paths[e.path]![e.method]!.responses[String(e.ok.status)]!.content!['application/json']!.schema, where)
    }
    expect(loose, 'objects that would accept any extra field').toEqual([])
  })

  it('every documented endpoint was called and answered as documented', () => {
    const missing = ENDPOINTS.map((e) => `${e.method} ${e.path}`).filter((k) => !walked.has(k) && !NOT_WALKED.has(k))
    expect(missing).toEqual([])
    expect(walked.size).toBe(ENDPOINTS.length - NOT_WALKED.size)
  })
})
