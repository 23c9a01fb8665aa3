/**
 * The /api/v1 conventions over real HTTP (createApp + the built Remix handler, real PostgreSQL):
 * cursor pages, ETag / If-Match / If-None-Match, Idempotency-Key. Rate limits:
 * app/utils/rate-limit.server.test.ts (they configure the process-wide limiter).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildNarrative, buildWorkspace, uniq, type WorkspaceFixture } from '#test/factories.ts'
import { callRoute, startApp, type RunningApp } from '#test/routes.ts'
import { action as capabilitiesAction } from '#app/routes/api.v1.capabilities._index.ts'

const db = await useTestDatabase()
const sql = db.sql
let app: RunningApp
let ws: WorkspaceFixture
let token: string

beforeAll(async () => {
  app = await startApp({ sql })
  ws = await buildWorkspace()
  token = await buildApiToken(ws.owner)
})
afterAll(() => app?.close())

type Page = { data: { id: string; name?: string }[]; nextCursor: string | null }

/** Follows nextCursor from `first` to the end; returns every page. */
async function walk(first: string, tok = token) {
  const pages: { body: Page; link: string | null }[] = []
  let url: string | null = first
  while (url) {
    const res: Response = await app.fetch(url, { token: tok })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Page
    const link = res.headers.get('Link')
    pages.push({ body, link })
    if (body.nextCursor) {
      // The Link header and nextCursor point at the same next page.
      expect(link).toBe(`<${new URL(`${url}`, 'http://x').pathname}?${nextQuery(url, body.nextCursor)}>; rel="next"`)
    } else expect(link).toBeNull()
    url = body.nextCursor ? `${url.split('?')[0]}?${nextQuery(url, body.nextCursor)}` : null
    expect(pages.length).toBeLessThan(50)
  }
  return pages
}

function nextQuery(url: string, cursor: string) {
  const params = new URL(url, 'http://x').searchParams
  params.set('cursor', cursor)
  return params.toString()
}

async function problemOf(res: Response) {
  expect(res.headers.get('Content-Type')).toContain('application/problem+json')
  return (await res.json()) as { status: number; detail: string; errors?: Record<string, string[]>; currentETag?: string }
}

describe('cursor pagination', () => {
  it('walks an in-memory list (capabilities) of more than `limit` items without repeats or gaps', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `Cap ${i} ${uniq()}`)
    for (const name of names) {
      const res = await app.fetch('/api/v1/capabilities', { token, json: { name, description: '' } })
      expect(res.status).toBe(201)
    }
    const all = (await (await app.fetch('/api/v1/capabilities?limit=200', { token })).json()) as Page
    const pages = await walk('/api/v1/capabilities?limit=3')
    expect(all.data.length).toBeGreaterThanOrEqual(7)
    expect(pages.length).toBe(Math.ceil(all.data.length / 3))
    expect(pages.slice(0, -1).every((p) => p.body.data.length === 3)).toBe(true)
    const walked = pages.flatMap((p) => p.body.data.map((c) => c.id))
    expect(new Set(walked).size).toBe(walked.length)
    expect(walked).toEqual(all.data.map((c) => c.id))
    expect(all.nextCursor).toBeNull()
  })

  it('walks a keyset list (narratives) whose rows share a sort time, even when rows change in between', async () => {
    const other = await buildWorkspace()
    const tok = await buildApiToken(other.owner)
    const ids: string[] = []
    for (let i = 0; i < 9; i++) ids.push((await buildNarrative(other.owner, { title: `Keyset ${i}` })).id)
    // Same updated_at for all: only the id tiebreak keeps pages apart.
    await sql`update narratives set updated_at = '2026-01-01T00:00:00.123456Z' where workspace_id = ${other.workspace.id}`
    const first = (await (await app.fetch('/api/v1/narratives?limit=4', { token: tok })).json()) as Page
    expect(first.data).toHaveLength(4)
    // A narrative touched after page 1 moves to the front: the walk goes on from where it was.
    await sql`update narratives set updated_at = now() where id = ${first.data[0]!.id}`
    const rest = await walk(`/api/v1/narratives?limit=4&cursor=${first.nextCursor}`, tok)
    const walked = [...first.data, ...rest.flatMap((p) => p.body.data)].map((n) => n.id)
    expect(new Set(walked).size).toBe(9)
    expect([...walked].sort()).toEqual([...ids].sort())
  })

  it('keeps filters working and binds a cursor to them', async () => {
    const other = await buildWorkspace()
    const tok = await buildApiToken(other.owner)
    for (let i = 0; i < 3; i++) await buildNarrative(other.owner, { title: `Approved ${i}`, status: 'approved' })
    await buildNarrative(other.owner, { title: 'A draft' })
    const pages = await walk('/api/v1/narratives?status=approved&limit=2', tok)
    expect(pages.flatMap((p) => p.body.data).length).toBe(3)
    const res = await app.fetch(`/api/v1/narratives?status=draft&limit=2&cursor=${pages[0]!.body.nextCursor}`, { token: tok })
    expect(res.status).toBe(400)
    expect((await problemOf(res)).errors?.cursor?.[0]).toMatch(/other filters/)
  })

  it('pages notifications by keyset, newest first', async () => {
    const rows = Array.from({ length: 5 }, () => ({
      workspace_id: ws.workspace.id,
      user_id: ws.owner.id,
      kind: 'mention',
      actor_id: ws.editor.id,
      excerpt: `n ${uniq()}`,
      created_at: new Date('2026-02-01T00:00:00Z'),
    }))
    await sql`insert into notifications ${sql(rows)}`
    const pages = await walk('/api/v1/notifications?limit=2')
    const walked = pages.flatMap((p) => p.body.data.map((n) => n.id))
    expect(walked.length).toBeGreaterThanOrEqual(5)
    expect(new Set(walked).size).toBe(walked.length)
  })

  it('refuses a malformed, foreign or tampered cursor and an out-of-range limit with a 400 naming the field', async () => {
    const cap = (await (await app.fetch('/api/v1/capabilities?limit=1', { token })).json()) as Page
    const tampered = Buffer.from(JSON.stringify({ l: 'narratives', f: 'x', k: ['1', "'; drop table narratives; --"] })).toString(
      'base64url',
    )
    const cases: [string, RegExp][] = [
      ['/api/v1/narratives?cursor=not*base64', /not one this API issued/],
      [`/api/v1/narratives?cursor=${Buffer.from('{"nope').toString('base64url')}`, /not one this API issued/],
      [`/api/v1/narratives?cursor=${cap.nextCursor}`, /another list/],
      [`/api/v1/narratives?cursor=${tampered}`, /other filters|not one this API issued/],
    ]
    for (const [url, message] of cases) {
      const res = await app.fetch(url, { token })
      expect(res.status, url).toBe(400)
      expect((await problemOf(res)).errors?.cursor?.[0], url).toMatch(message)
    }
    for (const limit of ['0', '201', 'ten']) {
      const res = await app.fetch(`/api/v1/systems?limit=${limit}`, { token })
      expect(res.status).toBe(400)
      expect((await problemOf(res)).errors?.limit).toBeTruthy()
    }
  })
})

describe('ETag and If-Match', () => {
  async function newSystem() {
    const res = await app.fetch('/api/v1/systems', {
      token,
      json: { name: `Sys ${uniq()}`, category: 'crm', lifecycle: 'active' },
    })
    expect(res.status).toBe(201)
    return ((await res.json()) as { id: string }).id
  }

  it('sends an ETag, answers 304 to a matching If-None-Match, refuses a stale If-Match with 412 and changes nothing', async () => {
    const id = await newSystem()
    const get = await app.fetch(`/api/v1/systems/${id}`, { token })
    const etag = get.headers.get('ETag')!
    expect(etag).toMatch(/^"\d+-[0-9a-f]+"$/)
    expect((await app.fetch(`/api/v1/systems/${id}`, { token, headers: { 'If-None-Match': etag } })).status).toBe(304)

    const ok = await app.fetch(`/api/v1/systems/${id}`, { token, method: 'PATCH', json: { notes: 'first' }, headers: { 'If-Match': etag } })
    expect(ok.status).toBe(200)
    const newTag = ok.headers.get('ETag')!
    expect(newTag).not.toBe(etag)
    // The old tag no longer matches a GET.
    expect((await app.fetch(`/api/v1/systems/${id}`, { token, headers: { 'If-None-Match': etag } })).status).toBe(200)

    const stale = await app.fetch(`/api/v1/systems/${id}`, {
      token,
      method: 'PATCH',
      json: { notes: 'second' },
      headers: { 'If-Match': etag },
    })
    expect(stale.status).toBe(412)
    const p = await problemOf(stale)
    const current = (await app.fetch(`/api/v1/systems/${id}`, { token })).headers.get('ETag')!
    expect(p.detail).toContain(current)
    expect(p.currentETag).toBe(current)
    const [row] = await sql<[{ notes: string }]>`select notes from systems where id = ${id}`
    expect(row.notes).toBe('first')

    // No If-Match: unconditional. A malformed one: 400.
    expect((await app.fetch(`/api/v1/systems/${id}`, { token, method: 'PATCH', json: { notes: 'third' } })).status).toBe(200)
    const bad = await app.fetch(`/api/v1/systems/${id}`, { token, method: 'PATCH', json: { notes: 'x' }, headers: { 'If-Match': 'abc' } })
    expect(bad.status).toBe(400)
  })

  it('lets exactly one of several concurrent updates with the same If-Match win', async () => {
    const id = await newSystem()
    const etag = (await app.fetch(`/api/v1/systems/${id}`, { token })).headers.get('ETag')!
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        app.fetch(`/api/v1/systems/${id}`, { token, method: 'PATCH', json: { notes: `writer ${i}` }, headers: { 'If-Match': etag } }),
      ),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 412)).toHaveLength(5)
    const winner = (await results[statuses.indexOf(200)]!.json()) as { notes: string }
    const [row] = await sql<[{ notes: string }]>`select notes from systems where id = ${id}`
    expect(row.notes).toBe(winner.notes)
  })

  it('covers capabilities, integrations, metrics, initiatives and narratives (GET ETag, stale PATCH 412)', async () => {
    const cap = (await (await app.fetch('/api/v1/capabilities', { token, json: { name: `C ${uniq()}`, description: '' } })).json()) as {
      id: string
    }
    const metricKey = `m_${uniq()}`
    const metric = await app.fetch('/api/v1/metrics', {
      token,
      json: {
        key: metricKey,
        name: 'Signups',
        definition: 'New accounts',
        unit: 'count',
        direction: 'higher',
        indicator: 'lagging',
        aggregation: 'sum',
      },
    })
    expect(metric.status).toBe(201)
    const init = await app.fetch('/api/v1/initiatives', { token, json: { title: `I ${uniq()}`, timeframe: 'now', effort: 'M' } })
    expect(init.status).toBe(201)
    const initId = ((await init.json()) as { id: string }).id
    const [from, to] = [await newSystem(), await newSystem()]
    const integration = await app.fetch('/api/v1/integrations', {
      token,
      json: { fromSystemId: from, toSystemId: to, direction: 'one_way', objects: ['leads'], frequency: 'daily', status: 'active' },
    })
    expect(integration.status).toBe(201)
    const integrationId = ((await integration.json()) as { id: string }).id
    const targets: [string, unknown][] = [
      [`/api/v1/integrations/${integrationId}`, { status: 'broken' }],
      [`/api/v1/capabilities/${cap.id}`, { description: 'changed' }],
      [`/api/v1/metrics/${metricKey}`, { name: 'Changed' }],
      [`/api/v1/initiatives/${initId}`, { title: 'Changed' }],
    ]
    for (const [url, patch] of targets) {
      const etag = (await app.fetch(url, { token })).headers.get('ETag')!
      expect(etag, url).toMatch(/^"\d+-/)
      expect((await app.fetch(url, { token, method: 'PATCH', json: patch, headers: { 'If-Match': etag } })).status, url).toBe(200)
      expect((await app.fetch(url, { token, method: 'PATCH', json: patch, headers: { 'If-Match': etag } })).status, url).toBe(412)
    }
    // A key that cannot be a metric's is a 404 (it once reached a query and failed on NUL); a
    // malformed escape is refused before the route (400).
    for (const [bad, status] of [
      ['%00', 404],
      ['a'.repeat(80), 404],
      ['x%C3%28', 400],
    ] as const) {
      expect((await app.fetch(`/api/v1/metrics/${bad}`, { token })).status, bad).toBe(status)
    }
    const n = await buildNarrative(ws.owner)
    expect((await app.fetch(`/api/v1/narratives/${n.id}`, { token })).headers.get('ETag')).toMatch(/^"\d+-/)
  })
})

describe('Idempotency-Key', () => {
  const count = async (name: string) =>
    (await sql<[{ n: number }]>`select count(*)::int as n from capabilities where workspace_id = ${ws.workspace.id} and name = ${name}`)[0]
      .n

  it('replays the stored answer for the same key and body, creating one row', async () => {
    const key = `key-${uniq()}`
    const body = { name: `Idem ${uniq()}`, description: '' }
    const first = await app.fetch('/api/v1/capabilities', { token, json: body, headers: { 'Idempotency-Key': key } })
    const second = await app.fetch('/api/v1/capabilities', { token, json: body, headers: { 'Idempotency-Key': key } })
    expect(first.status).toBe(201)
    expect(second.status).toBe(201)
    expect(first.headers.get('Idempotent-Replayed')).toBeNull()
    expect(second.headers.get('Idempotent-Replayed')).toBe('true')
    expect(second.headers.get('Location')).toBe(first.headers.get('Location'))
    expect(await second.json()).toEqual(await first.json())
    expect(await count(body.name)).toBe(1)
  })

  it('refuses the same key with another body (422), and keys are per user', async () => {
    const key = `key-${uniq()}`
    const name = `Idem ${uniq()}`
    expect(
      (await app.fetch('/api/v1/capabilities', { token, json: { name, description: '' }, headers: { 'Idempotency-Key': key } })).status,
    ).toBe(201)
    const other = await app.fetch('/api/v1/capabilities', {
      token,
      json: { name: `${name} 2`, description: '' },
      headers: { 'Idempotency-Key': key },
    })
    expect(other.status).toBe(422)
    expect((await problemOf(other)).errors?.['Idempotency-Key']).toBeTruthy()
    expect(await count(`${name} 2`)).toBe(0)
    // Another member's same key is their own.
    const editorToken = await buildApiToken(ws.editor)
    const theirs = await app.fetch('/api/v1/capabilities', {
      token: editorToken,
      json: { name: `${name} e`, description: '' },
      headers: { 'Idempotency-Key': key },
    })
    expect(theirs.status).toBe(201)
  })

  it('never creates two rows for concurrent requests with one key (409 while the first runs, or its replay)', async () => {
    const key = `key-${uniq()}`
    const body = { name: `Race ${uniq()}`, description: '' }
    const results = await Promise.all(
      Array.from({ length: 6 }, () => app.fetch('/api/v1/capabilities', { token, json: body, headers: { 'Idempotency-Key': key } })),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    expect(results.filter((r) => r.status === 201 && r.headers.get('Idempotent-Replayed') === null)).toHaveLength(1)
    expect(await count(body.name)).toBe(1)
  })

  it('frees the key when the create fails, and refuses unusable keys with 400', async () => {
    const key = `key-${uniq()}`
    const name = `Retry ${uniq()}`
    expect((await app.fetch('/api/v1/capabilities', { token, json: { name: '' }, headers: { 'Idempotency-Key': key } })).status).toBe(400)
    expect(
      (await app.fetch('/api/v1/capabilities', { token, json: { name, description: '' }, headers: { 'Idempotency-Key': key } })).status,
    ).toBe(201)
    // (An empty header never reaches the app over HTTP: Express drops it. The helper refuses it: see below.)
    for (const bad of ['x'.repeat(256), 'tab\there']) {
      const res = await app.fetch('/api/v1/capabilities', {
        token,
        json: { name: `${name} ${uniq()}`, description: '' },
        headers: { 'Idempotency-Key': bad },
      })
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect((await problemOf(res)).errors?.['Idempotency-Key']).toBeTruthy()
    }
    const empty = await callRoute(capabilitiesAction, '/api/v1/capabilities', {
      json: { name: `${name} ${uniq()}`, description: '' },
      headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': '' },
    })
    expect(empty.status).toBe(400)
    expect(await count(`${name} e`)).toBe(0)
  })
})
