/**
 * The bad-input corpus: every API endpoint (walked from the OpenAPI registry, which a test keeps
 * complete) and every form route (walked from app/routes) gets wrong types, missing fields, huge
 * strings, unicode edge cases, SQL/HTML/script injection strings, huge JSON, deep JSON and
 * malformed bodies, over real HTTP as the workspace owner (who may do the most). Nothing may
 * answer 5xx or bring the server down; invalid input stores nothing; hostile-but-valid text is
 * stored verbatim. Prints how many inputs were tried, per kind. (Random, truncated and corrupted
 * y-websocket messages: server/collab/hostile.test.ts, which prints its own count.)
 *
 * The requests of a walk are independent, so they go CONCURRENCY at a time, and the API walks
 * (test/bad-input.test.ts) and the form walk (test/bad-input-forms.test.ts) are two files that run
 * side by side: about a minute instead of a quarter of an hour, with every input kept.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { z } from 'zod'
import * as Y from 'yjs'
import { ENDPOINTS, type Endpoint } from '#app/api/openapi.ts'
import type { Sql } from '#db/client.ts'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildNarrative, buildWorkspace, type WorkspaceFixture } from '#test/factories.ts'
import { startApp, type RunningApp } from '#test/routes.ts'
import { createCapability } from '#app/services/inventory/capabilities.server.ts'
import { createIntegration } from '#app/services/inventory/integrations.server.ts'
import { createSystem } from '#app/services/inventory/systems.server.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { createInitiative } from '#app/services/roadmap.server.ts'
import { IntegrationInputSchema, SystemInputSchema } from '#app/schemas/inventory.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { InitiativeInputSchema } from '#app/schemas/roadmap.ts'

let sql: Sql

/** Hostile but valid text: stored as typed when a field takes free text. */
const HOSTILE_STRINGS = [
  "'; drop table narratives; --",
  "' or '1'='1",
  '1; select pg_sleep(5)',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}} ${7*7} <%= 7*7 %>',
  '../../etc/passwd',
  'Ω≈ç√∫˜µ≤≥÷ 東京 مرحبا עברית',
  'e\u0301 \u200b\u200d\u202e reversed \ufeff',
  '💥🧨👩‍👩‍👧‍👦🏳️‍🌈',
  '\ud800 lone surrogate',
  'null',
  'NaN',
  ' '.repeat(50),
  // Control characters other than NUL are text (app/utils/http.server.test.ts): kept as typed.
  '\u0001\u0002\u0007\b\u001b[31m',
]
/** Text PostgreSQL cannot store (NUL): always refused. */
const NUL_STRINGS = ['a\u0000b', '\u0000']
/** NUL and other control characters. */
const CONTROL_STRINGS = [...NUL_STRINGS, '\u0001\u0002\u0007\b\u001b[31m']
const HUGE = 'x'.repeat(300_000)
/**
 * Far over any field limit (and over PostgreSQL's btree row limit), yet cheap: what each field
 * gets. The heavy inputs (HUGE, deep and 3 MB bodies) go once per endpoint, not once per field,
 * so the file runs in minutes on the 2-core CI machine while keeping every category.
 */
const LONG = 'x'.repeat(10_000)

/** Values of the wrong type for any field. */
const WRONG_TYPES: unknown[] = [null, true, 0, -1, 1e308, -0.5, [], [1, 'a'], {}, { $gt: '' }, 'x', '', HUGE]

function deepJson(depth: number) {
  return '['.repeat(depth) + ']'.repeat(depth)
}

/** Malformed, oversized and pathological bodies (sent as raw text). */
const RAW_BODIES: { label: string; body: string; type?: string }[] = [
  { label: 'truncated JSON', body: '{"title": "a' },
  { label: 'not JSON', body: 'title=a&template=b' },
  { label: 'NUL byte', body: '\u0000' },
  { label: 'empty', body: '' },
  { label: 'BOM + JSON', body: '\ufeff{}' },
  { label: 'deep JSON (10k)', body: deepJson(10_000) },
  { label: 'deep JSON (200k)', body: deepJson(200_000) },
  { label: 'deep object', body: '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) },
  { label: 'huge JSON (3 MB)', body: JSON.stringify({ title: 'x'.repeat(3 * 1024 * 1024) }) },
  { label: 'many keys', body: JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))) },
  { label: '__proto__', body: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}' },
  {
    label: 'binary',
    body: String.fromCharCode(...Array.from({ length: 512 }, (_, i) => (i * 37) % 256)),
    type: 'application/octet-stream',
  },
  { label: 'wrong content type', body: '{}', type: 'text/html' },
]

/**
 * Inputs that once answered 500 (issue 13), sent as they were found: a base64 anchor of 1 mod 4
 * characters (the pattern let it through, `atob` threw) and control characters in `redirectTo`.
 */
const ONCE_500 = {
  anchors: [
    { anchorStart: 'QUJDQ', anchorEnd: 'QUJDRA==' },
    { anchorStart: 'QUJDRA==', anchorEnd: 'A' },
  ],
  redirectTo: ['/\n/evil.example', '/home\r\nSet-Cookie: x=1', '/\t/evil.example', '/\u0000'],
}
const commentStart = (anchor: { anchorStart: string; anchorEnd: string }) => ({ intent: 'start', quote: 'x', body: 'x', ...anchor })

/** What each input is, for the count. */
type Kind =
  | 'wrong types'
  | 'missing fields'
  | 'huge strings'
  | 'control characters and NUL'
  | 'unicode edge cases'
  | 'SQL/HTML/script injection'
  | 'huge JSON'
  | 'deep JSON'
  | 'malformed bodies'
  | 'malformed ids in URLs'
  | 'wrong intents'
  | 'forged Host and X-Forwarded-* headers'
  | 'inputs that once answered 500'

const INJECTION = new Set(HOSTILE_STRINGS.slice(0, 7))
/** The kind of a value put in a field or a query parameter. */
function kindOf(v: unknown): Kind {
  if (typeof v !== 'string' || v === '' || v === 'x' || v === '-1' || v === '1e999' || v === '[]') return 'wrong types'
  if (v.length >= 5000) return 'huge strings'
  if (CONTROL_STRINGS.includes(v)) return 'control characters and NUL'
  if (INJECTION.has(v) || v === "' or 1=1") return 'SQL/HTML/script injection'
  return 'unicode edge cases'
}
function rawKind(label: string): Kind {
  return label.startsWith('deep') ? 'deep JSON' : label.startsWith('huge') || label === 'many keys' ? 'huge JSON' : 'malformed bodies'
}

/** Requests in flight at once: enough to overlap database round trips on a 2-core machine. */
const CONCURRENCY = 8

let app: RunningApp
let ws: WorkspaceFixture
let token: string
const ids: Record<string, string> = {}
let tried = 0
const byKind = new Map<Kind, number>()
const failures: string[] = []
/** The requests of the current walk, sent by `drain()`. */
let queue: (() => Promise<unknown>)[] = []

/** Queues one input; `drain()` sends the queue CONCURRENCY at a time. */
function send(
  kind: Kind,
  label: string,
  pathname: string,
  init: { method: string; body?: string; type?: string; cookie?: string; form?: Record<string, string>; headers?: Record<string, string> },
) {
  queue.push(() => sendNow(kind, label, pathname, init))
}

async function drain() {
  const jobs = queue
  queue = []
  let next = 0
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!()
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
}

async function sendNow(
  kind: Kind,
  label: string,
  pathname: string,
  init: { method: string; body?: string; type?: string; cookie?: string; form?: Record<string, string>; headers?: Record<string, string> },
) {
  tried++
  byKind.set(kind, (byKind.get(kind) ?? 0) + 1)
  let res: Response
  try {
    res = await app.fetch(pathname, {
      method: init.method,
      ...(init.form ? { form: init.form, cookie: init.cookie } : { token, body: init.body }),
      headers: { ...(init.body !== undefined ? { 'Content-Type': init.type ?? 'application/json' } : {}), ...init.headers },
    })
  } catch (e) {
    failures.push(`${label}: the request failed (${(e as Error).message})`)
    return 0
  }
  await res.arrayBuffer()
  if (res.status >= 500) failures.push(`${label}: ${res.status}`)
  // No answer may point a client at a host the request named (cache poisoning, reset links).
  const location = res.headers.get('Location') ?? ''
  if (/evil\.example|:5432/.test(location)) failures.push(`${label}: redirected to ${location}`)
  return res.status
}

/** The path of an endpoint with real ids of the walked workspace. */
function realPath(e: Endpoint) {
  const kind = e.path.split('/')[3]!
  const id = {
    narratives: ids.narrative,
    systems: ids.system,
    capabilities: ids.capability,
    integrations: ids.integration,
    initiatives: ids.initiative,
  }[kind]
  return e.path
    .replace('{id}', id ?? crypto.randomUUID())
    .replace('{key}', ids.metricKey!)
    .replace('{vid}', crypto.randomUUID())
}

const BAD_IDS = [
  'not-a-uuid',
  '%00',
  "'%20or%201=1--",
  encodeURIComponent('<script>'),
  'x'.repeat(3000),
  '00000000-0000-0000-0000-000000000000',
  '%F0%9F%92%A5',
]

/** JSON Schema property names of an endpoint's body (objects; unions merged). */
function bodyFields(e: Endpoint): string[] {
  if (!e.body || e.body === 'csv') return []
  const schema = z.toJSONSchema(e.body, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>
    oneOf?: { properties?: Record<string, unknown> }[]
    anyOf?: { properties?: Record<string, unknown> }[]
    items?: { properties?: Record<string, unknown> }
  }
  const parts = [schema, ...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.items ? [schema.items] : [])]
  return [...new Set(parts.flatMap((p) => Object.keys(p.properties ?? {})))]
}

const COUNTED = [
  'narratives',
  'systems',
  'capabilities',
  'integrations',
  'metrics',
  'initiatives',
  'requirements',
  'comment_threads',
  'comments',
  'stances',
  'metric_commitments',
  'api_tokens',
  'memberships',
]
async function counts() {
  const out: Record<string, number> = {}
  for (const t of COUNTED) {
    const exists = await sql<{ ok: boolean }[]>`select to_regclass(${t}) is not null as ok`
    if (!exists[0]!.ok) continue
    const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from ${sql(t)}`
    out[t] = n
  }
  return out
}

/**
 * Opens this file's database, starts the app and builds the walked workspace before the tests;
 * after them, prints the inputs tried per kind. Call at the top of a test file.
 */
export async function useCorpus(walks: string) {
  const db = await useTestDatabase()
  sql = db.sql
  beforeAll(async () => {
    app = await startApp({ sql })
    ws = await buildWorkspace()
    token = await buildApiToken(ws.owner)
    const owner = ws.owner.actor
    ids.narrative = (await buildNarrative(ws.owner, { title: 'Corpus draft' })).id
    ids.system = await createSystem(owner, SystemInputSchema.parse({ name: 'Corpus CRM', category: 'crm', lifecycle: 'active' }))
    const other = await createSystem(
      owner,
      SystemInputSchema.parse({ name: 'Corpus MAP', category: 'marketing_automation', lifecycle: 'active' }),
    )
    ids.capability = await createCapability(owner, { name: 'Corpus capability', description: '' })
    ids.integration = await createIntegration(
      owner,
      IntegrationInputSchema.parse({
        fromSystemId: ids.system,
        toSystemId: other,
        direction: 'one_way',
        objects: 'contacts',
        frequency: 'daily',
        status: 'active',
      }),
    )
    ids.initiative = (
      await createInitiative(owner, InitiativeInputSchema.parse({ title: 'Corpus initiative', timeframe: 'next', effort: 'M' }))
    ).id
    const metric = await createMetric(
      owner,
      MetricInputSchema.parse({
        key: 'corpus_pipeline',
        name: 'Corpus pipeline',
        unit: 'count',
        direction: 'higher',
        indicator: 'lagging',
        aggregation: 'sum',
      }),
    )
    ids.metricKey = 'corpus_pipeline'
    void metric
  }, 60_000)
  afterAll(async () => {
    await app?.close()
    console.log(
      [
        `bad-input corpus (${walks}): ${tried} inputs tried, by kind:`,
        ...[...byKind].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `  ${kind}: ${n}`),
      ].join('\n'),
    )
  })
}

/** Invalid input to every API endpoint is refused with a 4xx and stores nothing. */
export async function walkApiInvalid() {
  const before = await counts()
  const start = tried
  for (const e of ENDPOINTS) {
    const method = e.method.toUpperCase()
    const label = `${method} ${e.path}`
    const p = realPath(e)
    if (e.path.includes('{'))
      for (const bad of BAD_IDS)
        send('malformed ids in URLs', `${label} id=${bad.slice(0, 20)}`, e.path.replace(/\{\w+\}/g, bad), {
          method,
          body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
        })
    if (e.query) {
      const names = Object.keys(
        (z.toJSONSchema(e.query, { io: 'input', unrepresentable: 'any' }) as { properties?: object }).properties ?? {},
      )
      for (const name of names)
        for (const v of [...CONTROL_STRINGS, 'x'.repeat(5000), '-1', '1e999', '[]', "' or 1=1"])
          send(kindOf(v), `${label} ?${name}=${JSON.stringify(v).slice(0, 20)}`, `${p}?${new URLSearchParams({ [name]: v })}`, {
            method,
            body: e.body && e.body !== 'csv' ? '{}' : undefined,
          })
    }
    if (!e.body) continue
    if (e.body === 'csv') {
      for (const raw of RAW_BODIES)
        send(rawKind(raw.label), `${label} ${raw.label}`, `${p}${e.path.includes('inventory') ? '?kind=systems' : ''}`, {
          method,
          body: raw.body,
          type: raw.type ?? 'text/csv',
        })
      continue
    }
    // Whole bodies of the wrong type, or missing every field.
    for (const v of WRONG_TYPES.filter((v) => v !== HUGE))
      send(
        typeof v === 'object' && v !== null && !Array.isArray(v) ? 'missing fields' : 'wrong types',
        `${label} body=${JSON.stringify(v).slice(0, 20)}`,
        p,
        { method, body: JSON.stringify(v) },
      )
    for (const raw of RAW_BODIES) send(rawKind(raw.label), `${label} ${raw.label}`, p, { method, body: raw.body, type: raw.type })
    // Every field: far over any limit, NUL characters (each alone in an otherwise empty body);
    // then every field at once 300k long (the heavy sample, once per endpoint).
    const fields = bodyFields(e)
    for (const field of fields)
      for (const v of [LONG, ...NUL_STRINGS])
        send(kindOf(v), `${label} ${field}=${JSON.stringify(v).slice(0, 12)}`, p, { method, body: JSON.stringify({ [field]: v }) })
    if (fields.length)
      send('huge strings', `${label} every field 300k`, p, {
        method,
        body: JSON.stringify(Object.fromEntries(fields.map((f) => [f, HUGE]))),
      })
  }
  for (const anchor of ONCE_500.anchors)
    send(
      'inputs that once answered 500',
      `POST comments ${anchor.anchorStart}/${anchor.anchorEnd}`,
      `/api/v1/narratives/${ids.narrative}/comments`,
      {
        method: 'POST',
        body: JSON.stringify(commentStart(anchor)),
      },
    )
  await drain()
  console.log(`bad-input corpus (invalid, API): ${tried - start} requests`)
  expect(failures, 'requests answered 5xx (or broke the connection)').toEqual([])
  expect(await counts(), 'invalid input stored nothing').toEqual(before)
}

/** Wrong types and hostile text in every field of every API endpoint: never a 5xx; hostile text is stored verbatim. */
export async function walkApiHostile() {
  const start = tried
  for (const e of ENDPOINTS) {
    if (!e.body || e.body === 'csv') continue
    const method = e.method.toUpperCase()
    const p = realPath(e)
    for (const field of bodyFields(e))
      for (const v of [...WRONG_TYPES.filter((v) => v !== HUGE), ...HOSTILE_STRINGS])
        send(kindOf(v), `${method} ${e.path} ${field}=${JSON.stringify(v).slice(0, 20)}`, p, {
          method,
          body: JSON.stringify({ [field]: v }),
        })
  }
  await drain()
  // Hostile text where it is valid: round-trips exactly (no escaping, truncation or mangling on the way).
  for (const title of HOSTILE_STRINGS.filter((s) => s.trim() && !s.includes('\ud800'))) {
    tried++
    byKind.set(kindOf(title), (byKind.get(kindOf(title)) ?? 0) + 1)
    const res = await app.fetch('/api/v1/narratives', { token, json: { title, template: 'blank' } })
    expect(res.status, title).toBe(201)
    const { id } = (await res.json()) as { id: string }
    const read = (await (await app.fetch(`/api/v1/narratives/${id}`, { token })).json()) as { title: string }
    expect(read.title).toBe(title.trim())
  }
  console.log(`bad-input corpus (wrong types and hostile text, API): ${tried - start} requests`)
  expect(failures, 'requests answered 5xx (or broke the connection)').toEqual([])
}

/** Every form route survives wrong intents, hostile and oversized fields. */
export async function walkForms() {
  const start = tried
  let formIntents = 0
  const routes = path.resolve(import.meta.dirname, '../app/routes')
  const files = readdirSync(routes).filter(
    (f) => /\.tsx$/.test(f) && /export (async function|const) action/.test(readFileSync(path.join(routes, f), 'utf8')),
  )
  const pathOf = (f: string) =>
    '/' +
    f
      .replace(/\.tsx$/, '')
      .split('.')
      .filter((s) => s !== '_app' && s !== '_index')
      .map((s) => s.replace(/_$/, ''))
      .map(
        (s) =>
          ({
            $id: f.includes('roadmap') ? ids.initiative : f.includes('systems') ? ids.system : ids.narrative,
            $key: ids.metricKey,
            $token: 'x'.repeat(32),
          })[s] ?? s,
      )
      .join('/') +
    // An index route under a layout with its own path takes posts at `?index` (else the layout does).
    (f.includes('._index.') ? '?index' : '')
  // Sign-in and sign-up throttle failed attempts (seconds each by design) and sign-out ends the
  // session: server/app.test.ts and app/utils/http.server.test.ts probe those.
  const skip = new Set(['logout.tsx', 'login.tsx', 'signup.tsx'])
  for (const f of files.filter((f) => !skip.has(f))) {
    // The route and the schemas it imports: issue 7's review/version intents (request-review, decide,
    // save-version, restore-version…) and the comment intents (blocking…) live in app/schemas, not in
    // the route file; their fields are the schemas' keys.
    const own = readFileSync(path.join(routes, f), 'utf8')
    const schemas = [...own.matchAll(/from '#app\/(schemas\/[\w-]+\.ts)'/g)].map((m) =>
      readFileSync(path.resolve(routes, '..', m[1]!), 'utf8'),
    )
    const source = [own, ...schemas].join('\n')
    const fields = [
      ...new Set([
        ...[...own.matchAll(/name="([a-zA-Z_]+)"/g)].map((m) => m[1]!),
        ...schemas.flatMap((text) => [...text.matchAll(/^\s+([a-zA-Z_]+): (?:z\b|[A-Z]\w*Schema)/gm)].map((m) => m[1]!)),
      ]),
    ].filter((n) => n !== 'password' && n !== 'intent')
    const intents = [...new Set([...source.matchAll(/z\.literal\('([a-z_-]+)'\)/g)].map((m) => m[1]!)), 'no-such-intent', '']
    const target = pathOf(f)
    const cookie = ws.owner.cookie
    formIntents += intents.length
    // The heavy sample once per route; every intent gets every other category.
    send('huge strings', `POST ${target} every field 200k`, target, {
      method: 'POST',
      cookie,
      form: { intent: intents[0]!, ...Object.fromEntries(fields.map((n) => [n, HUGE.slice(0, 200_000)])) },
    })
    for (const intent of intents)
      for (const v of [LONG, ...CONTROL_STRINGS, ...HOSTILE_STRINGS.slice(0, 6), '-1', '1e999', ''])
        send(
          intent === 'no-such-intent' || intent === '' ? 'wrong intents' : kindOf(v),
          `POST ${target} intent=${intent} v=${JSON.stringify(v).slice(0, 16)}`,
          target,
          {
            method: 'POST',
            cookie,
            form: { intent, ...Object.fromEntries(fields.map((n) => [n, v])) },
          },
        )
  }
  for (const anchor of ONCE_500.anchors)
    send('inputs that once answered 500', `POST /narratives/ID start ${anchor.anchorStart}`, `/narratives/${ids.narrative}`, {
      method: 'POST',
      cookie: ws.owner.cookie,
      form: commentStart(anchor),
    })
  // A right password, so the sign-in reaches the redirect (wrong ones are throttled, see above).
  for (const redirectTo of ONCE_500.redirectTo)
    send('inputs that once answered 500', `POST /login redirectTo=${JSON.stringify(redirectTo)}`, '/login', {
      method: 'POST',
      form: { email: ws.owner.email, password: ws.owner.password, redirectTo },
    })
  await drain()
  console.log(`bad-input corpus (forms): ${tried - start} requests over ${files.length - skip.size} form routes, ${formIntents} intents`)
  expect(failures, 'form posts answered 5xx (or broke the connection)').toEqual([])
  const health = await app.fetch('/healthz')
  expect(health.status).toBe(200)
}

/**
 * Forged Host and X-Forwarded-* headers on every API read and on the pages that print or redirect:
 * the server takes its origin from APP_URL and its listening address, never from a request, so
 * nothing answers 5xx or names the forged host.
 */
export async function walkForgedHeaders() {
  const start = tried
  const forged: Record<string, string>[] = [
    { 'X-Forwarded-Host': 'evil.example' },
    { 'X-Forwarded-Host': 'evil.example:4444', 'X-Forwarded-Proto': 'https' },
    { 'X-Forwarded-Host': '127.0.0.1:5432' },
    { 'X-Forwarded-Host': 'a b\\c' },
    { 'X-Forwarded-Host': 'evil.example:99999999999' },
    { 'X-Forwarded-Proto': 'javascript', 'X-Forwarded-For': 'not-an-address' },
    { 'X-Forwarded-For': '1.2.3.4, 5.6.7.8, ' + 'x'.repeat(4000) },
    { Forwarded: 'for=evil;host=evil.example;proto=https' },
  ]
  const pages = [
    ...ENDPOINTS.filter((e) => e.method === 'get').map((e) => realPath(e)),
    `/read/${ids.narrative}/export.pdf`,
    `/read/${ids.narrative}`,
    '/login?redirectTo=%2Fhome',
    '/home',
  ]
  for (const p of pages)
    for (const headers of forged)
      send('forged Host and X-Forwarded-* headers', `GET ${p} ${JSON.stringify(headers).slice(0, 60)}`, p, { method: 'GET', headers })
  await drain()
  console.log(`bad-input corpus (forged headers): ${tried - start} requests`)
  expect(failures, 'requests answered 5xx, broke the connection or redirected to the forged host').toEqual([])
}

/** A block as @lexical/yjs stores it: a Y.XmlText with the node's properties as attributes, holding one text node. */
export function lexicalBlock(type: string, attributes: Record<string, unknown>, text: string): Y.XmlText {
  const block = new Y.XmlText()
  const element = { __type: type, __format: 0, __style: '', __indent: 0, __dir: null, __textFormat: 0, __textStyle: '', ...attributes }
  for (const [k, v] of Object.entries(element)) block.setAttribute(k, v as string)
  const node = new Y.Map<unknown>()
  for (const [k, v] of Object.entries({ __type: 'text', __format: 0, __style: '', __mode: 0, __detail: 0 })) node.set(k, v)
  block.insertEmbed(0, node)
  block.insert(1, text)
  return block
}

/** The first block of `type` in a Lexical-shaped root, and its first text node. */
function blockOf(root: Y.XmlText, type: string): { block: Y.XmlText; textNode: Y.Map<unknown> } {
  for (const op of root.toDelta() as { insert: unknown }[]) {
    if (!(op.insert instanceof Y.XmlText) || op.insert.getAttribute('__type') !== type) continue
    const first = (op.insert.toDelta() as { insert: unknown }[]).find((o) => o.insert instanceof Y.Map)
    if (first) return { block: op.insert, textNode: first.insert as Y.Map<unknown> }
  }
  throw new Error(`no ${type} with text in the document`)
}

/**
 * Crafted document changes (issue 13, findings 2, 4, 14): decodable Yjs updates whose attributes
 * would become markup, inline CSS or an unknown node in every editor and in the frozen HTML. Each
 * runs on a document holding a heading and a paragraph with text (lexicalBlock); the server must
 * refuse each with 1007 and store nothing (server/collab/hostile.test.ts sends them).
 */
export const HOSTILE_DOCUMENT_CHANGES: { name: string; change: (root: Y.XmlText) => void }[] = [
  { name: 'an unknown block __type', change: (root) => root.insertEmbed(0, lexicalBlock('script', {}, 'x')) },
  {
    name: 'an existing block turned into an unknown __type',
    change: (root) => blockOf(root, 'paragraph').block.setAttribute('__type', 'iframe'),
  },
  {
    name: '__tag = img src=x onerror=alert(1)',
    change: (root) => blockOf(root, 'heading').block.setAttribute('__tag', 'img src=x onerror=alert(1)'),
  },
  { name: '__tag = style', change: (root) => blockOf(root, 'heading').block.setAttribute('__tag', 'style') },
  {
    name: 'a new heading with __tag = style',
    change: (root) => root.insertEmbed(0, lexicalBlock('heading', { __tag: 'style' }, 'p{}')),
  },
  {
    name: 'a chip whose value closes a style and redirects',
    change: (root) => {
      const chip = new Y.Map<unknown>()
      const value = '</style><meta http-equiv=refresh content=0;url=//evil>'
      const props = {
        __type: 'chip',
        __format: 0,
        __style: '',
        __mode: 1,
        __detail: 0,
        __chipKind: 'metric',
        __refId: value,
        __refKey: value,
      }
      for (const [k, v] of Object.entries(props)) chip.set(k, v)
      blockOf(root, 'paragraph').block.insertEmbed(0, chip)
      blockOf(root, 'paragraph').block.insert(1, 'Pipeline')
    },
  },
  {
    name: 'a text __style overlay',
    change: (root) => blockOf(root, 'paragraph').textNode.set('__style', 'position:fixed;inset:0;z-index:99999;background:#fff'),
  },
  { name: 'a removed __type', change: (root) => blockOf(root, 'paragraph').block.removeAttribute('__type') },
]
