/**
 * The metrics review of a week, month or quarter, its notes and its PDF export's audit entry.
 */
import { getSql } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { forbidden, invalid } from '#app/domain/errors.ts'
import { buildSeries, isImprovement, type SeriesPoint } from '#app/domain/metrics.ts'
import {
  comparePeriods,
  formatDate,
  parsePeriod,
  periodKey,
  periodLabel,
  periodOf,
  periodRange,
  shiftPeriod,
  today,
} from '#app/domain/periods.ts'
import { canSeeWorkingMaterial, canWriteReviewNote, type Actor } from '#app/domain/policies.ts'
import type { ReviewNoteInput } from '#app/schemas/metrics.ts'
import { bus } from '#app/events/bus.ts'
import { recordAudit } from '../audit.server.ts'
import { assertCanReadMetrics, contextOf } from './context.server.ts'
import { getMetricFor } from './dictionary.server.ts'
import { commitmentViews } from './commitments.server.ts'
import { indexes } from './series.server.ts'

export interface ReviewRow {
  metric: q.MetricRow
  point: SeriesPoint
  previous: SeriesPoint
  delta: number | null
  relative: number | null
  improved: boolean | null
}

/** Records a download of the metrics review as PDF in the workspace audit log (issue 9). */
export async function recordReviewExport(actor: Actor, periodLabel: string) {
  await recordAudit(getSql(), {
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: 'export.downloaded',
    target: `${periodLabel} metrics review (PDF)`,
    meta: { kind: 'metrics_review', format: 'pdf' },
  })
}

/**
 * The review of one week, month or quarter: every metric against target (leading and lagging
 * apart), what moved most since the period before, and the commitments due in or soon after it.
 */
export async function getReviewFor(actor: Actor, opts: { cadence: 'week' | 'month' | 'quarter'; period?: string; day?: number }) {
  assertCanReadMetrics(actor)
  const sql = getSql()
  const [metrics, settings] = await Promise.all([q.listMetrics(sql, actor.workspaceId), q.getMetricSettings(sql, actor.workspaceId)])
  const ctx = contextOf(settings)
  const day = opts.day ?? today()
  const parsed = opts.period ? parsePeriod(opts.period) : null
  // Reviews look back: by default the last finished period.
  const period =
    parsed?.ok && parsed.period.granularity === opts.cadence
      ? parsed.period
      : shiftPeriod(periodOf(day, opts.cadence, ctx.calendar), -1, ctx.calendar)
  const before = shiftPeriod(period, -1, ctx.calendar)
  const range = periodRange(period, ctx.calendar)
  const beforeStart = periodRange(before, ctx.calendar).start
  const [actuals, targets] = await Promise.all([
    q.listValueColumns(sql, { workspaceId: actor.workspaceId, kind: 'actual', endsAfter: formatDate(beforeStart) }),
    q.listValueColumns(sql, { workspaceId: actor.workspaceId, kind: 'target', endsAfter: formatDate(beforeStart - 366) }),
  ])
  const idx = indexes([...actuals, ...targets], ctx.calendar)
  const rows: ReviewRow[] = metrics.map((metric) => {
    const [previous, point] = buildSeries({
      ...idx(metric.id),
      aggregation: metric.aggregation,
      direction: metric.direction,
      thresholds: ctx.thresholds,
      calendar: ctx.calendar,
      granularity: opts.cadence,
      from: before,
      to: period,
    }) as [SeriesPoint, SeriesPoint]
    const delta = point.actual !== null && previous.actual !== null ? point.actual - previous.actual : null
    const relative = delta !== null && previous.actual ? delta / Math.abs(previous.actual) : null
    return {
      metric,
      point,
      previous,
      delta,
      relative,
      improved: delta === null || delta === 0 ? null : isImprovement(delta, metric.direction),
    }
  })
  // Due soon: in the period or the few after it (a quarter's review looks two quarters ahead).
  const ahead = { week: 4, month: 3, quarter: 2 }[opts.cadence]
  const dueTo = formatDate(periodRange(shiftPeriod(period, ahead, ctx.calendar), ctx.calendar).end)
  const dueRows = await q.listCommitments(sql, {
    workspaceId: actor.workspaceId,
    dueFrom: formatDate(range.start),
    dueTo,
    excludeArchived: true,
  })
  const due = canSeeWorkingMaterial(actor) ? [...dueRows] : dueRows.filter((c) => c.narrativeStatus === 'approved')
  const commitments = await commitmentViews(sql, actor.workspaceId, due, ctx, day)
  const noteRows = await q.listReviewNotes(sql, { workspaceId: actor.workspaceId, cadence: opts.cadence, period: periodKey(period) })
  const noteOf = (n: q.ReviewNoteRow) => ({ body: n.body, by: n.updatedByName, at: n.updatedAt })
  const overall = noteRows.find((n) => n.metricId === null)
  const notes = {
    overall: overall ? noteOf(overall) : null,
    byMetric: Object.fromEntries(noteRows.filter((n) => n.metricId !== null).map((n) => [n.metricId!, noteOf(n)])) as Record<
      string,
      ReturnType<typeof noteOf>
    >,
  }
  const movers = rows
    .filter((r) => r.relative !== null && r.relative !== 0)
    .sort((a, b) => Math.abs(b.relative!) - Math.abs(a.relative!))
    .slice(0, 5)
  return {
    ctx,
    cadence: opts.cadence,
    period: periodKey(period),
    periodLabel: periodLabel(period),
    previousLabel: periodLabel(before),
    startsOn: formatDate(range.start),
    endsOn: formatDate(range.end - 1),
    prevKey: periodKey(before),
    nextKey: periodKey(shiftPeriod(period, 1, ctx.calendar)),
    isLatest: comparePeriods(shiftPeriod(period, 1, ctx.calendar), periodOf(day, opts.cadence, ctx.calendar)) >= 0,
    leading: rows.filter((r) => r.metric.indicator === 'leading'),
    lagging: rows.filter((r) => r.metric.indicator === 'lagging'),
    movers,
    commitments,
    notes,
    can: {
      noteOverall: canWriteReviewNote(actor, null),
      noteOn: Object.fromEntries(metrics.map((m) => [m.id, canWriteReviewNote(actor, m)])) as Record<string, boolean>,
    },
  }
}

/**
 * Writes a review's overall note (owners, editors) or a metric line's note (also the metric's
 * owner function); an empty body removes it. The period must be one of the cadence.
 */
export async function saveReviewNote(actor: Actor, input: ReviewNoteInput) {
  const sql = getSql()
  const parsed = parsePeriod(input.period)
  if (!parsed.ok || parsed.period.granularity !== input.cadence)
    throw invalid('Some fields need attention', {
      period: [
        `Not a ${input.cadence} (e.g. ${input.cadence === 'week' ? '2026-W47' : input.cadence === 'month' ? '2026-11' : '2027-Q3'})`,
      ],
    })
  const metric = input.metricKey ? await getMetricFor(actor, input.metricKey, sql) : null
  if (!canWriteReviewNote(actor, metric))
    throw forbidden(
      metric
        ? `Only owners, editors and the metric's owner function write notes on ${metric.name}`
        : 'Only owners and editors write the review note',
    )
  await q.saveReviewNote(sql, {
    workspaceId: actor.workspaceId,
    cadence: input.cadence,
    period: periodKey(parsed.period),
    metricId: metric?.id ?? null,
    body: input.body,
    userId: actor.userId,
  })
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: metric ? [metric.key] : [] })
}
