/** The metrics API through its route modules, with real Requests, Bearer tokens and PostgreSQL. */
import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildMember, buildNarrative, buildWorkspace } from '#test/factories.ts'
import { callRoute } from '#test/routes.ts'
import * as index from '#app/routes/api.v1.metrics._index.ts'
import * as one from '#app/routes/api.v1.metrics.$key.ts'
import * as actuals from '#app/routes/api.v1.metrics.$key.actuals.ts'
import * as targets from '#app/routes/api.v1.metrics.$key.targets.ts'
import * as series from '#app/routes/api.v1.metrics.$key.series.ts'
import * as importer from '#app/routes/api.v1.metrics.import.ts'
import * as commitments from '#app/routes/api.v1.narratives.$id.commitments.ts'

const db = await useTestDatabase()

async function setup() {
  const ws = await buildWorkspace()
  const token = await buildApiToken(ws.owner)
  const auth = { Authorization: `Bearer ${token}` }
  const res = await callRoute(index.action, '/api/v1/metrics', {
    headers: auth,
    json: {
      key: 'mql_to_sql',
      name: 'MQL→SQL conversion',
      unit: 'percent',
      direction: 'higher',
      indicator: 'leading',
      aggregation: 'average',
    },
  })
  expect(res.status).toBe(201)
  return { ws, auth }
}

const stored = async (workspaceId: string) =>
  (await db.sql<{ n: number }[]>`select count(*)::int as n from metric_values where workspace_id = ${workspaceId}`)[0]!.n

describe('/api/v1/metrics', () => {
  it('creates, lists, reads and updates metrics; bad input is a 400 with field messages', async () => {
    const { auth } = await setup()
    const list = await callRoute(index.loader, '/api/v1/metrics', { headers: auth })
    expect(((await list.json()) as { data: { key: string }[] }).data.map((m) => m.key)).toEqual(['mql_to_sql'])
    const bad = await callRoute(index.action, '/api/v1/metrics', { headers: auth, json: { key: 'Bad Key!', unit: 'furlongs' } })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('Content-Type')).toContain('application/problem+json')
    expect(Object.keys(((await bad.json()) as { errors: Record<string, string[]> }).errors)).toEqual(
      expect.arrayContaining(['key', 'name', 'unit', 'direction', 'indicator', 'aggregation']),
    )
    const patched = await callRoute(one.action, '/api/v1/metrics/mql_to_sql', {
      method: 'PATCH',
      headers: auth,
      params: { key: 'mql_to_sql' },
      json: { definition: 'SQLs ÷ MQLs in the month' },
    })
    expect(((await patched.json()) as { version: number }).version).toBe(2)
    const read = await callRoute(one.loader, '/api/v1/metrics/mql_to_sql', { headers: auth, params: { key: 'mql_to_sql' } })
    expect(((await read.json()) as { versions: unknown[] }).versions).toHaveLength(2)
    expect((await callRoute(one.loader, '/api/v1/metrics/nope', { headers: auth, params: { key: 'nope' } })).status).toBe(404)
    expect((await callRoute(index.loader, '/api/v1/metrics')).status).toBe(401)
  })

  it('PUT actuals is idempotent per period; one bad row is a 400 listing every bad row, and saves none', async () => {
    const { ws, auth } = await setup()
    const put = (json: unknown) =>
      callRoute(actuals.action, '/api/v1/metrics/mql_to_sql/actuals', { method: 'PUT', headers: auth, params: { key: 'mql_to_sql' }, json })
    const first = await put([
      { period: '2026-10', value: 14 },
      { period: '2026-11', value: 15.5 },
    ])
    expect(await first.json()).toEqual({ inserted: 2, updated: 0, unchanged: 0 })
    expect(
      await (
        await put([
          { period: '2026-10', value: 14 },
          { period: '2026-11', value: 15.5 },
        ])
      ).json(),
    ).toEqual({ inserted: 0, updated: 0, unchanged: 2 })

    const bad = await put([
      { period: '2026-09', value: 13 },
      { period: '2026-Q5', value: 1 },
      { period: '2026-13', value: 1 },
      { period: '2026-12', value: 'lots' },
      { period: '2026-08', value: 250 },
      { period: '2026-09', value: 12 },
    ])
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as {
      detail: string
      rows: { row: number; column: string; reason: string }[]
      errors: Record<string, string[]>
    }
    expect(body.detail).toMatch(/5 of 6 rows need attention; nothing was saved/)
    expect(body.rows.map((r) => `${r.row}:${r.column}`)).toEqual(['2:period', '3:period', '4:value', '5:value', '6:period'])
    expect(body.errors['rows[1].period']).toBeDefined()
    expect(await stored(ws.workspace.id)).toBe(2)

    expect((await put({ period: '2026-10', value: 1 })).status).toBe(400)
    expect((await put([])).status).toBe(400)
    const malformed = await callRoute(actuals.action, '/api/v1/metrics/mql_to_sql/actuals', {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      params: { key: 'mql_to_sql' },
    })
    expect(malformed.status).toBe(400)
    expect((await callRoute(actuals.action, '/x', { method: 'POST', headers: auth, params: { key: 'mql_to_sql' }, json: [] })).status).toBe(
      405,
    )
  })

  it('answers the series with actual, target, attainment and health per period', async () => {
    const { auth } = await setup()
    await callRoute(actuals.action, '/x', {
      method: 'PUT',
      headers: auth,
      params: { key: 'mql_to_sql' },
      json: [
        { period: '2026-10', value: 15 },
        { period: '2026-11', value: 17 },
      ],
    })
    await callRoute(targets.action, '/x', {
      method: 'PUT',
      headers: auth,
      params: { key: 'mql_to_sql' },
      json: [{ period: '2026', value: 19 }],
    })
    const res = await callRoute(series.loader, '/api/v1/metrics/mql_to_sql/series?granularity=month&from=2026-10&to=2026-12', {
      headers: auth,
      params: { key: 'mql_to_sql' },
    })
    const body = (await res.json()) as {
      data: { period: string; actual: number | null; target: number; health: string; attainment: number | null }[]
    }
    expect(body.data.map((p) => [p.period, p.actual, p.target, p.health])).toEqual([
      ['2026-10', 15, 19, 'at_risk'],
      ['2026-11', 17, 19, 'behind'],
      ['2026-12', null, 19, 'unknown'],
    ])
    const quarter = await callRoute(series.loader, '/x?granularity=quarter&from=2026-Q4&to=2026-Q4', {
      headers: auth,
      params: { key: 'mql_to_sql' },
    })
    expect(((await quarter.json()) as { data: { actual: number; complete: boolean }[] }).data[0]).toMatchObject({
      actual: 16,
      complete: false,
    })
    expect((await callRoute(series.loader, '/x?granularity=fortnight', { headers: auth, params: { key: 'mql_to_sql' } })).status).toBe(400)
    expect((await callRoute(series.loader, '/x?from=2026-Q5', { headers: auth, params: { key: 'mql_to_sql' } })).status).toBe(400)
  })

  it('imports CSV: a dry run writes nothing, a file with an error saves nothing, a good file saves all', async () => {
    const { ws, auth } = await setup()
    const fetchLike = (csv: string, query: string) =>
      importer.action({
        request: new Request(`http://localhost/api/v1/metrics/import${query}`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'text/csv' },
          body: csv,
        }),
        params: {},
        context: {},
      })
    const good = 'metric,period,value\nmql_to_sql,2026-10,14\nmql_to_sql,2026-11,15.5\n'
    const dry = await fetchLike(good, '?dryRun=true')
    expect(dry.status).toBe(200)
    expect(((await dry.json()) as { summary: { new: number } }).summary.new).toBe(2)
    expect(await stored(ws.workspace.id)).toBe(0)

    const bad = await fetchLike(good + 'mql_to_sql,2026-12,250\nmql_to_sql,2026-10,14\n', '')
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { rows: { line: number; column: string; reason: string }[] }
    expect(body.rows.map((r) => `${r.line}:${r.column}`)).toEqual(['4:value', '5:period'])
    expect(await stored(ws.workspace.id)).toBe(0)

    const done = await fetchLike(good, '')
    expect(done.status).toBe(201)
    expect(await stored(ws.workspace.id)).toBe(2)
    expect((await fetchLike(good, '?dryRun=maybe')).status).toBe(400)
  })

  it('lists a narrative’s commitments; a foreign or malformed id is a 404', async () => {
    const { ws, auth } = await setup()
    const n = await buildNarrative(ws.owner)
    const add = await callRoute(commitments.action, '/x', {
      headers: auth,
      params: { id: n.id },
      json: { metricKey: 'mql_to_sql', baseline: 14, target: 19, dueOn: '2099-03-31' },
    })
    expect(add.status).toBe(201)
    const res = await callRoute(commitments.loader, '/x', { headers: auth, params: { id: n.id } })
    const body = (await res.json()) as {
      data: { metric: { key: string }; baseline: number; target: number }[]
      needsLeadingIndicator: boolean
    }
    expect(body.data).toEqual([
      expect.objectContaining({ metric: expect.objectContaining({ key: 'mql_to_sql' }), baseline: 14, target: 19 }),
    ])
    expect(body.needsLeadingIndicator).toBe(false)
    const other = await buildWorkspace()
    const foreign = { Authorization: `Bearer ${await buildApiToken(other.owner)}` }
    expect((await callRoute(commitments.loader, '/x', { headers: foreign, params: { id: n.id } })).status).toBe(404)
    expect((await callRoute(commitments.loader, '/x', { headers: auth, params: { id: 'nope' } })).status).toBe(404)
  })
})

describe('who records actuals', () => {
  it("finance records the actuals of finance-owned metrics (API and CSV) as a commenter; not targets, not others' metrics; readers never", async () => {
    const { ws, auth } = await setup()
    // Revenue is finance's; the MQL→SQL conversion from setup() belongs to no function.
    const created = await callRoute(index.action, '/api/v1/metrics', {
      headers: auth,
      json: {
        key: 'revenue',
        name: 'Revenue',
        unit: 'currency',
        currency: 'USD',
        direction: 'higher',
        indicator: 'lagging',
        aggregation: 'sum',
        ownerFunction: 'finance',
      },
    })
    expect(created.status).toBe(201)
    const finance = await buildMember(ws.owner, 'commenter', 'finance')
    const financeAuth = { Authorization: `Bearer ${await buildApiToken(finance)}` }
    const salesAuth = { Authorization: `Bearer ${await buildApiToken(ws.commenter)}` }
    const readerAuth = { Authorization: `Bearer ${await buildApiToken(await buildMember(ws.owner, 'reader', 'finance'))}` }
    const put = (route: typeof actuals | typeof targets, key: string, headers: Record<string, string>, rows: unknown) =>
      callRoute(route.action, `/api/v1/metrics/${key}/x`, { method: 'PUT', headers, params: { key }, json: rows })

    expect((await put(actuals, 'revenue', financeAuth, [{ period: '2026-11', value: 1_200_000 }])).status).toBe(200)
    expect(await stored(ws.workspace.id)).toBe(1)
    // Targets stay with owners and editors; other functions' metrics stay with them too.
    expect((await put(targets, 'revenue', financeAuth, [{ period: '2026-11', value: 1 }])).status).toBe(403)
    expect((await put(actuals, 'mql_to_sql', financeAuth, [{ period: '2026-11', value: 12 }])).status).toBe(403)
    expect((await put(actuals, 'revenue', salesAuth, [{ period: '2026-11', value: 1 }])).status).toBe(403)
    expect((await put(actuals, 'revenue', readerAuth, [{ period: '2026-11', value: 1 }])).status).toBe(403)
    // An unknown metric is a 404 before the body is read.
    expect((await put(actuals, 'nope', financeAuth, 'not json at all')).status).toBe(404)
    expect(await stored(ws.workspace.id)).toBe(1)

    const importAs = (headers: Record<string, string>, csv: string) =>
      importer.action({
        request: new Request('http://localhost/api/v1/metrics/import', {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'text/csv' },
          body: csv,
        }),
        params: {},
        context: {},
      })
    // A row finance may not write makes the whole file a 400 that saves nothing.
    const mixed = await importAs(
      financeAuth,
      'metric,period,value,kind\nrevenue,2026-10,1100000,actual\nmql_to_sql,2026-10,14,actual\nrevenue,2026,9000000,target\n',
    )
    expect(mixed.status).toBe(400)
    const body = (await mixed.json()) as { rows: { line: number; column: string; reason: string }[] }
    expect(body.rows.map((r) => `${r.line}:${r.column}:${r.reason}`)).toEqual([
      '3:metric:only owners and editors record actuals of mql_to_sql',
      '4:kind:only owners and editors set targets',
    ])
    expect(await stored(ws.workspace.id)).toBe(1)
    const ok = await importAs(financeAuth, 'metric,period,value\nrevenue,2026-10,1100000\n')
    expect(ok.status).toBe(201)
    expect(await stored(ws.workspace.id)).toBe(2)
    // Sales owns no metric here: no import at all.
    expect((await importAs(salesAuth, 'metric,period,value\nrevenue,2026-10,1\n')).status).toBe(403)
  })
})
