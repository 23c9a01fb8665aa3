/**
 * Metrics benchmark: 200 metrics × 5 years of weekly actuals (52,200 values) plus quarterly
 * targets in a fresh PostgreSQL database, then the loads a person waits for: the dictionary
 * dashboard (every metric's last 12 months, rolled up from weeks), one metric's 5-year weekly
 * series, a quarterly review, and a CSV import preview. Target: a dashboard load under 50 ms.
 * Run: `tsx bench/metrics.ts` (RUNS=50 by default). A benchmark, not a test: it prints figures.
 */
import { performance } from 'node:perf_hooks'
import { randomBytes } from 'node:crypto'
import { migrate } from '#db/migrate.ts'
import { openDatabase, useDatabase } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { signUp } from '#app/services/accounts.server.ts'
import { previewImport } from '#app/services/metrics/import.server.ts'
import { getReviewFor } from '#app/services/metrics/review.server.ts'
import { getDashboardFor, getSeriesFor } from '#app/services/metrics/series.server.ts'
import { formatDate, periodKey, periodOf, periodRange, periodsBetween, shiftPeriod, today, type Period } from '#app/domain/periods.ts'
import { adminSql, urlFor } from '../test/pg.ts'

const METRICS = 200
const YEARS = 5
const RUNS = Number(process.env.RUNS ?? 50)
const TARGET_MS = 50

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b)
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length }
}

async function time(label: string, runs: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn() // warm the pool, the JIT and PostgreSQL's caches
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    samples.push(performance.now() - t)
  }
  const s = stats(samples)
  console.log(
    `${label.padEnd(44)} p50 ${s.p50.toFixed(1).padStart(6)} ms   p95 ${s.p95.toFixed(1).padStart(6)} ms   max ${s.max.toFixed(1).padStart(6)} ms`,
  )
  return s
}

const name = `accord_bench_metrics_${randomBytes(3).toString('hex')}`
const admin = adminSql()
await admin.unsafe(`create database ${name}`)
const db = await openDatabase({ url: urlFor(name), dataDir: '', max: 10 })
useDatabase(db)
try {
  await migrate(db.sql)
  const { user, workspace } = await signUp({
    name: 'Bench',
    email: `bench-${randomBytes(3).toString('hex')}@example.test`,
    password: 'correct horse battery',
    workspaceName: 'Bench',
  })
  const actor = { userId: user.id, workspaceId: workspace.id, role: 'owner' as const }
  const cal = { startMonth: 2 }
  await q.upsertMetricSettings(db.sql, workspace.id, {
    fiscalYearStartMonth: 2,
    onTrackThreshold: 0.95,
    atRiskThreshold: 0.85,
    currency: 'USD',
  })

  const lastWeek = shiftPeriod(periodOf(today(), 'week', cal), -1, cal)
  const weeks = periodsBetween(shiftPeriod(lastWeek, -(YEARS * 52 - 1), cal), lastWeek, cal)
  const quarters = periodsBetween(periodOf(periodRange(weeks[0]!, cal).start, 'quarter', cal), periodOf(today(), 'quarter', cal), cal)
  const write = (p: Period, metricId: string, value: number): q.ValueWrite => {
    const r = periodRange(p, cal)
    return { metricId, period: periodKey(p), granularity: p.granularity, startsOn: formatDate(r.start), endsOn: formatDate(r.end), value }
  }
  let t0 = performance.now()
  const ids: string[] = []
  for (let i = 0; i < METRICS; i++) {
    const unit = i % 5 === 0 ? 'percent' : i % 5 === 1 ? 'currency' : 'count'
    const row = await q.insertMetric(db.sql, {
      workspaceId: workspace.id,
      key: `metric_${String(i).padStart(3, '0')}`,
      name: `Metric ${i}`,
      definition: '',
      unit,
      currency: unit === 'currency' ? 'USD' : null,
      direction: i % 7 === 0 ? 'lower' : 'higher',
      indicator: i % 2 ? 'leading' : 'lagging',
      aggregation: unit === 'percent' ? 'average' : 'sum',
      ownerFunction: null,
      sourceSystem: null,
      goalMetricId: null,
      northStar: i === 0,
      funnelStep: null,
    })
    ids.push(row.id)
    const actuals = weeks.map((w, j) => write(w, row.id, unit === 'percent' ? 10 + ((i + j) % 40) : 100 + ((i * 7 + j * 13) % 50)))
    const targets = quarters.map((p) => write(p, row.id, unit === 'percent' ? 25 : 1500))
    await db.sql.begin(async (tx) => {
      await q.upsertValues(tx, { workspaceId: workspace.id, kind: 'actual', source: 'seed', userId: null, rows: actuals })
      await q.upsertValues(tx, { workspaceId: workspace.id, kind: 'target', source: 'seed', userId: null, rows: targets })
    })
  }
  await db.sql`analyze metric_values`
  console.log(
    `seeded ${METRICS} metrics × ${weeks.length} weekly actuals (${(METRICS * weeks.length).toLocaleString('en-US')} values) + ${quarters.length} quarterly targets each in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  console.log(`runs per figure: ${RUNS}\n`)

  const windowStart = formatDate(periodRange(shiftPeriod(periodOf(today(), 'month', cal), -11, cal), cal).start)
  await time('  of which SQL: actuals in the 12-month window', RUNS, () =>
    q.listValueColumns(db.sql, { workspaceId: workspace.id, kind: 'actual', endsAfter: windowStart }),
  )
  const dashboard = await time('dashboard: 200 metrics, 12 months (from weeks)', RUNS, () => getDashboardFor(actor))
  await time('dashboard: 200 metrics, 13 weeks', RUNS, () => getDashboardFor(actor, { granularity: 'week' }))
  await time('series: one metric, 5 years of weeks', RUNS, () =>
    getSeriesFor(actor, 'metric_001', { granularity: 'week', from: periodKey(weeks[0]!), to: periodKey(lastWeek) }),
  )
  await time('series: one metric, 5 years of months', RUNS, () =>
    getSeriesFor(actor, 'metric_001', { granularity: 'month', from: formatDate(periodRange(weeks[0]!, cal).start) }),
  )
  await time('review: quarter, 200 metrics', RUNS, () => getReviewFor(actor, { cadence: 'quarter' }))
  const csv = [
    'metric,period,value',
    ...ids.slice(0, 200).flatMap((_, i) => weeks.slice(-25).map((w) => `metric_${String(i).padStart(3, '0')},${periodKey(w)},${i}`)),
  ].join('\n')
  t0 = performance.now()
  await time('import preview: 5,000 rows', Math.max(5, Math.floor(RUNS / 5)), () =>
    previewImport(actor, csv, { granularity: 'month', kind: 'actual' }),
  )

  const verdict = dashboard.p95 < TARGET_MS ? 'meets' : 'MISSES'
  console.log(`\ndashboard load p95 ${dashboard.p95.toFixed(1)} ms ${verdict} the ${TARGET_MS} ms target`)
} finally {
  useDatabase(null)
  await db.close()
  await admin.unsafe(`drop database if exists ${name} with (force)`)
  await admin.end()
}
