import { describe, expect, it } from 'vitest'
import { refused } from '#test/refused.ts'
import { useTestDatabase } from '#test/db.ts'
import { buildNarrative, buildWorkspace, type WorkspaceFixture } from '#test/factories.ts'
import { countSubPeriods, periodKey, periodLabel, periodOf, periodRange, shiftPeriod, today } from '#app/domain/periods.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { addCommitment, listCommitmentsFor } from '#app/services/metrics/commitments.server.ts'
import { getMetricContext, updateMetricSettings } from '#app/services/metrics/context.server.ts'
import { createMetric, getMetricDetailFor, updateMetric } from '#app/services/metrics/dictionary.server.ts'
import { importCsv } from '#app/services/metrics/import.server.ts'
import { getReviewFor } from '#app/services/metrics/review.server.ts'
import { getDashboardFor, getFunnelFor, getSeriesFor, getStandingFor } from '#app/services/metrics/series.server.ts'
import { BatchError, listStoredValuesFor, putValues } from '#app/services/metrics/values.server.ts'

const db = await useTestDatabase()

async function metric(ws: WorkspaceFixture, input: Partial<Record<string, unknown>> & { key: string }) {
  return createMetric(
    ws.editor.actor,
    MetricInputSchema.parse({ name: input.key, unit: 'count', direction: 'higher', indicator: 'lagging', aggregation: 'sum', ...input }),
  )
}

const count = async (metricId: string) =>
  (await db.sql<{ n: number }[]>`select count(*)::int as n from metric_values where metric_id = ${metricId}`)[0]!.n

describe('the dictionary', () => {
  it('creates metrics with a first definition version; keys are unique per workspace', async () => {
    const ws = await buildWorkspace()
    const m = await metric(ws, { key: 'pipeline', unit: 'currency', currency: 'usd' })
    expect(m).toMatchObject({ key: 'pipeline', currency: 'USD', version: 1 })
    const dup = await refused(metric(ws, { key: 'pipeline' }))
    expect(dup.status).toBe(409)
    // Another workspace may use the same key.
    const other = await buildWorkspace()
    await expect(metric(other, { key: 'pipeline' })).resolves.toMatchObject({ key: 'pipeline' })
  })

  it('starts a new version when the definition changes, not when the owner or north-star pin does', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'revenue', unit: 'currency', currency: 'USD' })
    await metric(ws, { key: 'mqls' })
    expect((await updateMetric(ws.owner.actor, 'mqls', { northStar: false, ownerFunction: 'marketing', goalKey: 'revenue' })).version).toBe(
      1,
    )
    const m = await updateMetric(ws.owner.actor, 'mqls', { definition: 'Leads scored 60+ by the MAP, deduplicated' })
    expect(m.version).toBe(2)
    const detail = await getMetricDetailFor(ws.commenter.actor, 'mqls')
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1])
    expect(detail.versions[0]!.changedByName).toBe(ws.owner.name)
    expect(detail.goal?.key).toBe('revenue')
    expect((await refused(updateMetric(ws.owner.actor, 'mqls', { goalKey: 'mqls' }))).fieldErrors?.goalKey).toBeDefined()
  })

  it('is written by owners and editors only, and a foreign key is a 404', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'mqls' })
    expect(
      (
        await refused(
          createMetric(
            ws.commenter.actor,
            MetricInputSchema.parse({ key: 'x1', name: 'X', unit: 'count', direction: 'higher', indicator: 'leading', aggregation: 'sum' }),
          ),
        )
      ).status,
    ).toBe(403)
    expect((await refused(putValues(ws.reader.actor, 'mqls', 'actual', [{ period: '2026-11', value: 1 }]))).status).toBe(403)
    const other = await buildWorkspace()
    expect((await refused(putValues(other.owner.actor, 'mqls', 'actual', [{ period: '2026-11', value: 1 }]))).status).toBe(404)
    expect((await refused(getSeriesFor(other.owner.actor, 'mqls', { granularity: 'month' }))).status).toBe(404)
  })
})

describe('targets and actuals', () => {
  it('replaces a value written twice, keeps the old one in history, and changes nothing on an identical write', async () => {
    const ws = await buildWorkspace()
    const m = await metric(ws, { key: 'mqls' })
    expect(await putValues(ws.editor.actor, 'mqls', 'actual', [{ period: '2026-11', value: 100 }])).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
    })
    expect(await putValues(ws.editor.actor, 'mqls', 'actual', [{ period: '2026-11', value: 100 }])).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 1,
    })
    expect(
      await putValues(ws.editor.actor, 'mqls', 'actual', [
        { period: '2026-11', value: 120 },
        { period: '2026-10', value: '90' },
      ]),
    ).toEqual({ inserted: 1, updated: 1, unchanged: 0 })
    expect(await listStoredValuesFor(ws.editor.actor, 'mqls', 'actual')).toEqual([
      { period: '2026-10', granularity: 'month', value: 90 },
      { period: '2026-11', granularity: 'month', value: 120 },
    ])
    const history = (await getMetricDetailFor(ws.editor.actor, 'mqls')).history
    expect(history.map((h) => [h.period, h.oldValue, h.newValue])).toEqual(
      [
        ['2026-10', null, 90],
        ['2026-11', 100, 120],
        ['2026-11', null, 100],
      ]
        .sort((a, b) => 0 * (a.length - b.length))
        .slice(0, 3)
        .sort(() => 0) as never,
    )
    expect(await count(m.id)).toBe(2)
  })

  it('refuses a batch with any bad row, lists every bad row, and saves none of it', async () => {
    const ws = await buildWorkspace()
    const m = await metric(ws, { key: 'mql_to_sql', unit: 'percent', aggregation: 'average', indicator: 'leading' })
    const e = await refused(
      putValues(ws.editor.actor, 'mql_to_sql', 'actual', [
        { period: '2026-10', value: 14 },
        { period: '2026-Q5', value: 15 },
        { period: '2026-13', value: 15 },
        { period: '2026-11', value: 'abc' },
        { period: '2026-12', value: 250 },
        { period: '2026-10', value: 16 },
        { period: '2026-09', value: null },
        'nonsense',
      ]),
    )
    expect(e).toBeInstanceOf(BatchError)
    expect(e.status).toBe(400)
    const rows = (e as BatchError).rows
    expect(rows.map((r) => [r.row, r.column])).toEqual([
      [2, 'period'],
      [3, 'period'],
      [4, 'value'],
      [5, 'value'],
      [6, 'period'],
      [7, 'value'],
      [8, 'row'],
    ])
    expect(rows[0]!.reason).toMatch(/Q1 to Q4/)
    expect(rows[1]!.reason).toMatch(/01 to 12/)
    expect(rows[3]!.reason).toMatch(/between 0 and 100/)
    expect(rows[4]!.reason).toMatch(/duplicate of row 1/)
    expect(await count(m.id)).toBe(0)
  })

  it('treats 2026-3 and 2026-03 as the same period (a duplicate)', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'mqls' })
    const e = await refused(
      putValues(ws.editor.actor, 'mqls', 'target', [
        { period: '2026-3', value: 1 },
        { period: '2026-03', value: 2 },
      ]),
    )
    expect((e as BatchError).rows).toHaveLength(1)
  })
})

describe('CSV import', () => {
  it('previews on a dry run without writing, then imports all rows in one go', async () => {
    const ws = await buildWorkspace()
    const mqls = await metric(ws, { key: 'mqls' })
    await metric(ws, { key: 'pipeline', unit: 'currency', currency: 'USD' })
    await putValues(ws.editor.actor, 'mqls', 'actual', [{ period: '2026-10', value: 1000 }])
    const csv = 'metric,period,value\nmqls,2026-10,1100\nmqls,2026-11,"1,240"\npipeline,2026-Q3,$4.1M\n'
    const dry = await importCsv(ws.editor.actor, csv, { dryRun: true, granularity: 'month', kind: 'actual' })
    expect(dry.summary).toMatchObject({ rows: 3, new: 2, changed: 1, errors: 0, metrics: 2 })
    expect(dry.rows[0]).toMatchObject({ line: 2, previous: 1000, change: 'changed', display: '1,100' })
    expect(await count(mqls.id)).toBe(1)
    const done = await importCsv(ws.editor.actor, csv, { dryRun: false, granularity: 'month', kind: 'actual' })
    expect(done.summary.rows).toBe(3)
    expect(await count(mqls.id)).toBe(2)
    const again = await importCsv(ws.editor.actor, csv, { dryRun: true, granularity: 'month', kind: 'actual' })
    expect(again.summary).toMatchObject({ unchanged: 3, new: 0, changed: 0 })
  })

  it('refuses the whole file when one row is bad, with line, column and reason for each', async () => {
    const ws = await buildWorkspace()
    const mqls = await metric(ws, { key: 'mqls' })
    await metric(ws, { key: 'win_rate', unit: 'percent', aggregation: 'average' })
    const csv = [
      'metric,period,value',
      'mqls,2026-10,1100',
      'nope,2026-10,1',
      'mqls,2026-Q5,1',
      'mqls,2026-13,1',
      'mqls,2026-11,Infinity',
      'win_rate,2026-10,250',
      'mqls,2026-10,1200',
      '"mqls",2026-W47,12',
    ].join('\n')
    const e = await refused(importCsv(ws.editor.actor, csv, { dryRun: false, granularity: 'month', kind: 'actual' }))
    const rows = (e as BatchError).rows
    expect(rows.map((r) => [r.line, r.column])).toEqual([
      [3, 'metric'],
      [4, 'period'],
      [5, 'period'],
      [6, 'value'],
      [7, 'value'],
      [8, 'period'],
    ])
    expect(rows[0]!.reason).toMatch(/unknown metric key "nope"/)
    expect(rows[5]!.reason).toMatch(/line 2 already sets/)
    expect(e.message).toMatch(/6 of 8 rows/)
    expect(await count(mqls.id)).toBe(0)
  })

  it('places dated rows in the period that contains the date and reads a kind column', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'mqls' })
    await importCsv(ws.editor.actor, 'metric,date,value,kind\nmqls,2026-11-29,10,actual\nmqls,2026-11-29,12,target\n', {
      dryRun: false,
      granularity: 'week',
      kind: 'actual',
    })
    expect(await listStoredValuesFor(ws.editor.actor, 'mqls', 'actual')).toEqual([{ period: '2026-W48', granularity: 'week', value: 10 }])
    expect(await listStoredValuesFor(ws.editor.actor, 'mqls', 'target')).toEqual([{ period: '2026-W48', granularity: 'week', value: 12 }])
  })

  it('refuses text after a closing quote with its line and column (it used to be glued onto the cell: "1,000000")', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'pipeline', unit: 'currency', currency: 'USD' })
    const csv = 'metric,period,value\npipeline,2026-10,1000\npipeline,2026-11,"1,000"000\n'
    const e = await refused(importCsv(ws.editor.actor, csv, { dryRun: true, granularity: 'month', kind: 'actual' }))
    expect((e as BatchError).rows).toEqual([
      { row: 1, line: 3, column: 'value', reason: expect.stringMatching(/^Line 3, column 3 \(value\): Text follows the closing quote/) },
    ])
  })

  it('stops at the value import row limit (50,000) with a 413, before checking any row', async () => {
    const ws = await buildWorkspace()
    const csv = 'metric,period,value\n' + 'nope,2026-11,1\n'.repeat(50_001)
    const e = await refused(importCsv(ws.editor.actor, csv, { dryRun: true, granularity: 'month', kind: 'actual' }))
    expect(e).toMatchObject({ status: 413, message: 'At most 50,000 rows per import' })
  })

  it('refuses a file without the needed columns', async () => {
    const ws = await buildWorkspace()
    const e = await refused(importCsv(ws.editor.actor, 'name,amount\nx,1', { dryRun: true, granularity: 'month', kind: 'actual' }))
    expect((e as BatchError).rows[0]!.reason).toMatch(/missing: metric, period \(or date\), value/)
  })
})

describe('series, dashboard and settings', () => {
  it('gives actual, target, attainment and health per period, rolled up into fiscal quarters', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'pipeline', unit: 'currency', currency: 'USD' })
    await updateMetricSettings(ws.owner.actor, { fiscalYearStartMonth: 4, onTrackPercent: 95, atRiskPercent: 85, currency: 'USD' })
    await putValues(ws.editor.actor, 'pipeline', 'actual', [
      { period: '2026-04', value: 1.3e6 },
      { period: '2026-05', value: 1.4e6 },
      { period: '2026-06', value: 1.4e6 },
    ])
    await putValues(ws.editor.actor, 'pipeline', 'target', [{ period: 'FY27 Q1', value: 4.0e6 }])
    const { points } = await getSeriesFor(ws.reader.actor, 'pipeline', { granularity: 'quarter', from: '2027-Q1', to: '2027-Q1' })
    expect(points).toEqual([
      expect.objectContaining({ period: '2027-Q1', label: 'FY27 Q1', actual: 4.1e6, target: 4.0e6, health: 'on_track' }),
    ])
    const monthly = await getSeriesFor(ws.reader.actor, 'pipeline', { granularity: 'month', from: '2026-04', to: '2026-05' })
    expect(monthly.points.map((p) => Math.round(p.target!))).toEqual([1333333, 1333333])
  })

  it('re-dates quarter values when the fiscal year start changes', async () => {
    const ws = await buildWorkspace()
    const m = await metric(ws, { key: 'deals' })
    await putValues(ws.editor.actor, 'deals', 'target', [{ period: '2027-Q1', value: 10 }])
    const dates = async () =>
      (await db.sql<{ s: string }[]>`select to_char(starts_on, 'YYYY-MM-DD') as s from metric_values where metric_id = ${m.id}`)[0]!.s
    expect(await dates()).toBe('2027-01-01')
    await updateMetricSettings(ws.owner.actor, { fiscalYearStartMonth: 2, onTrackPercent: 90, atRiskPercent: 70, currency: 'EUR' })
    expect(await dates()).toBe('2026-02-01')
    expect(
      (
        await refused(
          updateMetricSettings(ws.editor.actor, { fiscalYearStartMonth: 2, onTrackPercent: 90, atRiskPercent: 70, currency: 'EUR' }),
        )
      ).status,
    ).toBe(403)
  })

  it('puts north-star metrics first on the dashboard and reads every metric in one pass', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'mqls' })
    await metric(ws, { key: 'revenue', unit: 'currency', currency: 'USD', northStar: true })
    const d = await getDashboardFor(ws.reader.actor)
    expect(d.metrics.map((m) => m.metric.key)).toEqual(['revenue', 'mqls'])
    expect(d.metrics[0]!.series).toHaveLength(12)
  })
})

describe('commitments and reviews', () => {
  it('compares a flow’s quarter to date at its pace, and says a passed target plainly', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'pipeline', unit: 'currency', currency: 'USD', indicator: 'lagging' })
    const { calendar } = await getMetricContext(ws.editor.actor)
    // Only the first month of the current quarter has an actual: the quarter runs, one month of it in.
    const quarter = periodOf(today(), 'quarter', calendar)
    const first = periodOf(periodRange(quarter, calendar).start, 'month', calendar)
    await putValues(ws.editor.actor, 'pipeline', 'actual', [{ period: periodKey(first), value: 1.4e6 }])
    const n = await buildNarrative(ws.editor)
    await addCommitment(ws.editor.actor, n.id, {
      metricKey: 'pipeline',
      baseline: 4.0e6,
      target: 4.6e6,
      granularity: 'quarter',
      dueOn: '2099-03-31',
      note: '',
    })
    const [c] = (await listCommitmentsFor(ws.editor.actor, n.id)).commitments
    const share = 1 / countSubPeriods(quarter, 'month', calendar)
    expect(c!.current).toBe(1.4e6)
    expect(c!.currentPeriod).toBe(`${periodLabel(quarter)} to date`)
    // $1.4M in a third of the quarter is a pace of $4.2M a quarter: a third of the way, not a fall.
    expect(c!.pace).toBeCloseTo(1.4e6 / share)
    expect(c!.progress).toBeCloseTo((1.4e6 / share - 4.0e6) / 0.6e6)
    expect(c!.passed).toBe(false)

    const m = await buildNarrative(ws.editor)
    await addCommitment(ws.editor.actor, m.id, {
      metricKey: 'pipeline',
      baseline: 1.0e6,
      target: 1.2e6,
      granularity: 'month',
      dueOn: '2099-03-31',
      note: '',
    })
    const [passed] = (await listCommitmentsFor(ws.editor.actor, m.id)).commitments
    expect(passed!.progress).toBeGreaterThan(1)
    expect(passed!.passed).toBe(true)
    expect(passed!.health).toBe('on_track')
  })

  it('gives the metric page the same standing as the dashboard, whatever the chart’s granularity', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'pipeline', unit: 'currency', currency: 'USD', indicator: 'lagging' })
    const { calendar } = await getMetricContext(ws.editor.actor)
    const now = periodOf(today(), 'month', calendar)
    const months = [-4, -3, -2, -1, 0].map((i) => shiftPeriod(now, i, calendar))
    await putValues(
      ws.editor.actor,
      'pipeline',
      'actual',
      months.map((p, i) => ({ period: periodKey(p), value: 1e6 + i * 1e5 })),
    )
    const standing = await getStandingFor(ws.reader.actor, 'pipeline')
    const dashboard = (await getDashboardFor(ws.reader.actor)).metrics.find((d) => d.metric.key === 'pipeline')!
    expect(standing).toEqual(dashboard.latest)
    // The current month has its actual: that is where the metric stands, on the page as in the chips.
    expect(standing?.period).toBe(periodKey(now))
    expect(standing?.actual).toBe(1.4e6)
    expect((await refused(getStandingFor(ws.reader.actor, 'nope'))).status).toBe(404)
  })

  it('lists a narrative’s commitments with progress and flags one that cites only lagging metrics', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'pipeline', unit: 'currency', currency: 'USD', indicator: 'lagging' })
    await metric(ws, { key: 'mql_to_sql', unit: 'percent', aggregation: 'average', indicator: 'leading' })
    const n = await buildNarrative(ws.editor)
    await addCommitment(ws.editor.actor, n.id, {
      metricKey: 'pipeline',
      baseline: 4.0e6,
      target: 4.6e6,
      granularity: 'quarter',
      dueOn: '2099-03-31',
      note: '',
    })
    let list = await listCommitmentsFor(ws.commenter.actor, n.id)
    expect(list.needsLeadingIndicator).toBe(true)
    expect(list.can.edit).toBe(false)
    await addCommitment(ws.editor.actor, n.id, {
      metricKey: 'mql_to_sql',
      baseline: 14,
      target: 19,
      granularity: 'month',
      dueOn: '2099-03-31',
      note: '',
    })
    list = await listCommitmentsFor(ws.editor.actor, n.id)
    expect(list.needsLeadingIndicator).toBe(false)
    expect(list.commitments.map((c) => [c.metric.key, c.metricVersion])).toEqual([
      ['pipeline', 1],
      ['mql_to_sql', 1],
    ])
    expect(
      (
        await refused(
          addCommitment(ws.commenter.actor, n.id, {
            metricKey: 'pipeline',
            baseline: 1,
            target: 2,
            granularity: 'month',
            dueOn: '2099-01-01',
            note: '',
          }),
        )
      ).status,
    ).toBe(403)
    expect(
      (
        await refused(
          addCommitment(ws.editor.actor, n.id, {
            metricKey: 'mql_to_sql',
            baseline: 14,
            target: 250,
            granularity: 'month',
            dueOn: '2099-01-01',
            note: '',
          }),
        )
      ).fieldErrors?.target,
    ).toBeDefined()
    // Readers see approved narratives only; a draft's commitments are a 404 to them.
    expect((await refused(listCommitmentsFor(ws.reader.actor, n.id))).status).toBe(404)
  })

  it('reviews a month: metrics against target, leading and lagging apart, movers', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'mqls', indicator: 'leading' })
    await metric(ws, { key: 'revenue', unit: 'currency', currency: 'USD' })
    await putValues(ws.editor.actor, 'mqls', 'actual', [
      { period: '2026-09', value: 100 },
      { period: '2026-10', value: 150 },
    ])
    await putValues(ws.editor.actor, 'mqls', 'target', [{ period: '2026-10', value: 140 }])
    const r = await getReviewFor(ws.reader.actor, { cadence: 'month', period: '2026-10' })
    expect(r.periodLabel).toBe('Oct 2026')
    expect(r.leading.map((x) => [x.metric.key, x.point.actual, x.point.health, x.improved])).toEqual([['mqls', 150, 'on_track', true]])
    expect(r.lagging.map((x) => x.metric.key)).toEqual(['revenue'])
    expect(r.movers.map((x) => x.metric.key)).toEqual(['mqls'])
  })
})

describe('funnel', () => {
  it('reads MQL → accepted → SQL with conversion rates, and leads accepted and rejected as counts', async () => {
    const ws = await buildWorkspace()
    await metric(ws, { key: 'mqls', funnelStep: '1' })
    await metric(ws, { key: 'leads_accepted', funnelStep: '2' })
    await metric(ws, { key: 'leads_rejected', direction: 'lower' })
    await metric(ws, { key: 'sqls', funnelStep: '3' })
    for (const [key, value] of [
      ['mqls', 1000],
      ['leads_accepted', 520],
      ['leads_rejected', 480],
      ['sqls', 155],
    ] as const)
      await putValues(ws.editor.actor, key, 'actual', [{ period: '2026-10', value }])
    const f = await getFunnelFor(ws.reader.actor, { granularity: 'month', period: '2026-10' })
    expect(f.steps.map((s) => [s.key, s.value, s.conversion === null ? null : Math.round(s.conversion * 1000) / 10])).toEqual([
      ['mqls', 1000, null],
      ['leads_accepted', 520, 52],
      ['sqls', 155, 29.8],
    ])
    expect(f.leads).toEqual({ accepted: 520, rejected: 480, acceptedKey: 'leads_accepted', rejectedKey: 'leads_rejected', rate: 0.52 })
  })
})
