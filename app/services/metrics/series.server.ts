/**
 * Series: one metric over time, where each metric stands (dashboard, chips), and the funnel.
 */
import { getSql } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { invalid } from '#app/domain/errors.ts'
import {
  buildSeries,
  changeOf,
  funnel,
  latestPoint,
  ValueIndex,
  type SeriesPoint,
  type ValueColumns,
  type ValueKind,
} from '#app/domain/metrics.ts'
import {
  comparePeriods,
  formatDate,
  parseDate,
  parsePeriod,
  periodKey,
  periodLabel,
  periodOf,
  periodRange,
  periodsBetween,
  shiftPeriod,
  today,
  type FiscalCalendar,
  type Granularity,
  type Period,
} from '#app/domain/periods.ts'
import type { Actor } from '#app/domain/policies.ts'
import { assertCanReadMetrics, contextOf, getMetricContext } from './context.server.ts'
import { getMetricFor } from './dictionary.server.ts'

/** How many periods a chart shows by default. */
export const DEFAULT_SPAN: Record<Granularity, number> = { week: 13, month: 12, quarter: 8, year: 5 }
const MAX_POINTS = 520

/** The periods a series covers: from/to as periods or dates, defaulting to the last few up to now. */
export function seriesRange(granularity: Granularity, cal: FiscalCalendar, from?: string, to?: string, day = today()) {
  const toPeriod = (text: string, end: boolean): Period => {
    const p = parsePeriod(text)
    const r = p.ok ? periodRange(p.period, cal) : null
    const d = r ? (end ? r.end - 1 : r.start) : parseDate(text)!
    return periodOf(d, granularity, cal)
  }
  const last = to ? toPeriod(to, true) : periodOf(day, granularity, cal)
  const first = from ? toPeriod(from, false) : shiftPeriod(last, -(DEFAULT_SPAN[granularity] - 1), cal)
  if (comparePeriods(first, last) > 0) throw invalid('Some fields need attention', { from: ['from must not be after to'] })
  if (comparePeriods(shiftPeriod(first, MAX_POINTS, cal), last) <= 0)
    throw invalid('Some fields need attention', { from: [`At most ${MAX_POINTS} periods per series`] })
  return { from: first, to: last }
}

/** Per metric, its actuals and targets indexed for roll-ups. */
export function indexes(rows: readonly q.ValueColumnsRow[], cal: FiscalCalendar) {
  const by = new Map<string, Partial<Record<ValueKind, q.ValueColumnsRow>>>()
  for (const r of rows) {
    let e = by.get(r.metricId)
    if (!e) by.set(r.metricId, (e = {}))
    e[r.kind] = r
  }
  const none: ValueColumns = { periods: [], granularities: [], anchors: [], values: [] }
  return (metricId: string) => {
    const e = by.get(metricId)
    return { actuals: new ValueIndex(e?.actual ?? none, cal), targets: new ValueIndex(e?.target ?? none, cal) }
  }
}

/** Actual vs target per period for one metric. */
export async function getSeriesFor(actor: Actor, key: string, query: { granularity: Granularity; from?: string; to?: string }) {
  const sql = getSql()
  const [metric, ctx] = await Promise.all([getMetricFor(actor, key, sql), getMetricContext(actor, sql)])
  const range = seriesRange(query.granularity, ctx.calendar, query.from, query.to)
  const values = await q.listValueColumns(sql, { workspaceId: actor.workspaceId, metricIds: [metric.id] })
  const idx = indexes(values, ctx.calendar)(metric.id)
  const points = buildSeries({
    ...idx,
    aggregation: metric.aggregation,
    direction: metric.direction,
    thresholds: ctx.thresholds,
    calendar: ctx.calendar,
    granularity: query.granularity,
    ...range,
  })
  return { metric, ctx, points }
}

/**
 * Where a metric stands — the one figure the metric page's "Latest actual", the dashboard, home and
 * the `$` chips all show: the latest month with an actual (a whole month preferred over the one
 * still running), whatever granularity a chart is drawn at.
 */
export const STANDING_GRANULARITY: Granularity = 'month'

/** The standing of one metric (see STANDING_GRANULARITY), as the dashboard computes it for all. */
export async function getStandingFor(actor: Actor, key: string, day = today()) {
  const sql = getSql()
  const [metric, ctx] = await Promise.all([getMetricFor(actor, key, sql), getMetricContext(actor, sql)])
  const to = periodOf(day, STANDING_GRANULARITY, ctx.calendar)
  const from = shiftPeriod(to, -(DEFAULT_SPAN[STANDING_GRANULARITY] - 1), ctx.calendar)
  const values = await q.listValueColumns(sql, { workspaceId: actor.workspaceId, metricIds: [metric.id] })
  const series = buildSeries({
    ...indexes(values, ctx.calendar)(metric.id),
    aggregation: metric.aggregation,
    direction: metric.direction,
    thresholds: ctx.thresholds,
    calendar: ctx.calendar,
    granularity: STANDING_GRANULARITY,
    from,
    to,
  })
  return latestPoint(series)
}

export interface DashboardMetric {
  metric: q.MetricRow
  series: SeriesPoint[]
  latest: SeriesPoint | null
  change: ReturnType<typeof changeOf>
}

/**
 * Every metric with a short series (for sparklines), where it stands and how it moved: one query
 * for all values in the window, roll-ups in memory.
 */
export async function getDashboardFor(actor: Actor, opts: { granularity?: Granularity; periods?: number; day?: number } = {}) {
  assertCanReadMetrics(actor)
  const sql = getSql()
  const granularity = opts.granularity ?? STANDING_GRANULARITY
  const [metrics, settings] = await Promise.all([q.listMetrics(sql, actor.workspaceId), q.getMetricSettings(sql, actor.workspaceId)])
  const ctx = contextOf(settings)
  const to = periodOf(opts.day ?? today(), granularity, ctx.calendar)
  const from = shiftPeriod(to, -((opts.periods ?? DEFAULT_SPAN[granularity]) - 1), ctx.calendar)
  // Actuals in the window; targets from a year earlier too (a year target spreads into it).
  const start = periodRange(from, ctx.calendar).start
  const [actuals, targets] = await Promise.all([
    q.listValueColumns(sql, { workspaceId: actor.workspaceId, kind: 'actual', endsAfter: formatDate(start) }),
    q.listValueColumns(sql, { workspaceId: actor.workspaceId, kind: 'target', endsAfter: formatDate(start - 366) }),
  ])
  const idx = indexes([...actuals, ...targets], ctx.calendar)
  const periods = periodsBetween(from, to, ctx.calendar)
  const rows: DashboardMetric[] = metrics.map((metric) => {
    const series = buildSeries({
      ...idx(metric.id),
      aggregation: metric.aggregation,
      direction: metric.direction,
      thresholds: ctx.thresholds,
      calendar: ctx.calendar,
      granularity,
      from,
      to,
      periods,
    })
    return { metric, series, latest: latestPoint(series), change: changeOf(series) }
  })
  return { ctx, granularity, from, to, metrics: rows }
}

// ---------- Funnel ----------

/** The funnel metrics (those with a step) for one period, with conversion between steps. */
export async function getFunnelFor(actor: Actor, opts: { granularity: Granularity; period?: string }) {
  assertCanReadMetrics(actor)
  const sql = getSql()
  const [metrics, settings] = await Promise.all([q.listMetrics(sql, actor.workspaceId), q.getMetricSettings(sql, actor.workspaceId)])
  const ctx = contextOf(settings)
  const steps = metrics.filter((m) => m.funnelStep !== null).sort((a, b) => a.funnelStep! - b.funnelStep!)
  const parsed = opts.period ? parsePeriod(opts.period) : null
  const period =
    parsed?.ok && parsed.period.granularity === opts.granularity
      ? parsed.period
      : shiftPeriod(periodOf(today(), opts.granularity, ctx.calendar), -1, ctx.calendar)
  const acceptance = metrics.find((m) => m.key === 'lead_acceptance_rate') ?? null
  // Leads accepted and rejected by sales, as counts (accepted is usually a funnel step itself).
  const accepted = metrics.find((m) => m.key === 'leads_accepted') ?? null
  const rejected = metrics.find((m) => m.key === 'leads_rejected') ?? null
  const ids = [...new Set([...steps, acceptance, accepted, rejected].filter((m): m is q.MetricRow => m !== null).map((s) => s.id))]
  const values = ids.length ? await q.listValueColumns(sql, { workspaceId: actor.workspaceId, metricIds: ids }) : []
  const idx = indexes(values, ctx.calendar)
  const point = (m: q.MetricRow) =>
    buildSeries({
      ...idx(m.id),
      aggregation: m.aggregation,
      direction: m.direction,
      thresholds: ctx.thresholds,
      calendar: ctx.calendar,
      granularity: opts.granularity,
      from: period,
      to: period,
    })[0]!
  const withPoints = steps.map((m) => ({ metric: m, point: point(m) }))
  return {
    ctx,
    period: periodKey(period),
    periodLabel: periodLabel(period),
    previous: periodKey(shiftPeriod(period, -1, ctx.calendar)),
    next: periodKey(shiftPeriod(period, 1, ctx.calendar)),
    steps: funnel(withPoints.map((s) => ({ key: s.metric.key, name: s.metric.name, value: s.point.actual }))).map((s, i) => ({
      ...s,
      target: withPoints[i]!.point.target,
      health: withPoints[i]!.point.health,
      unit: withPoints[i]!.metric.unit,
    })),
    acceptance: acceptance ? { metric: acceptance, point: point(acceptance) } : null,
    leads: leadDecisions(accepted ? point(accepted).actual : null, rejected ? point(rejected).actual : null, accepted, rejected),
  }
}

/** Leads accepted and rejected by sales in the period, with the share accepted (null without both counts). */
function leadDecisions(
  accepted: number | null,
  rejected: number | null,
  acceptedMetric: q.MetricRow | null,
  rejectedMetric: q.MetricRow | null,
) {
  if (!acceptedMetric && !rejectedMetric) return null
  const decided = accepted !== null && rejected !== null ? accepted + rejected : null
  return {
    accepted,
    rejected,
    acceptedKey: acceptedMetric?.key ?? null,
    rejectedKey: rejectedMetric?.key ?? null,
    rate: decided ? accepted! / decided : null,
  }
}
