/**
 * Narratives' commitments to metrics: entered by hand or derived from the text's chips, with progress.
 */
import { getSql, type Db } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { forbidden, invalid, notFound } from '#app/domain/errors.ts'
import {
  buildSeries,
  chipCommitmentTerms,
  commitmentProgress,
  comparableCurrent,
  latestPoint,
  needsLeadingIndicator,
  valueProblem,
  type Health,
} from '#app/domain/metrics.ts'
import { formatDate, parseDate, periodFromKey, periodOf, shiftPeriod, today } from '#app/domain/periods.ts'
import { canEditCommitments, type Actor } from '#app/domain/policies.ts'
import type { CommitmentInput, CommitmentUpdate } from '#app/schemas/metrics.ts'
import { bus } from '#app/events/bus.ts'
import { getNarrativeFor } from '../narratives.server.ts'
import { contextOf, getMetricContext, type MetricContext } from './context.server.ts'
import { DEFAULT_SPAN, indexes } from './series.server.ts'

export interface CommitmentView extends q.CommitmentRow {
  metric: q.MetricRow
  current: number | null
  /** "FY27 Q2", or "FY27 Q3 to date" for a period still running. */
  currentPeriod: string | null
  /** A summed period still running, scaled to a whole one (what progress is measured with), else null. */
  pace: number | null
  passed: boolean
  progress: number | null
  elapsed: number
  health: Health
}

/** Commitments with their progress, as of `day`. */
export async function commitmentViews(
  db: Db,
  workspaceId: string,
  rows: q.CommitmentRow[],
  ctx: MetricContext,
  day = today(),
): Promise<CommitmentView[]> {
  if (rows.length === 0) return []
  // Independent of each other: one round trip, not two.
  const [metrics, values] = await Promise.all([
    q.listMetrics(db, workspaceId),
    q.listValueColumns(db, { workspaceId, metricIds: [...new Set(rows.map((r) => r.metricId))], kind: 'actual' }),
  ])
  const byId = new Map(metrics.map((m) => [m.id, m]))
  const idx = indexes(values, ctx.calendar)
  return rows.map((c) => {
    const metric = byId.get(c.metricId)!
    const to = periodOf(day, c.granularity, ctx.calendar)
    const from = shiftPeriod(to, -(DEFAULT_SPAN[c.granularity] - 1), ctx.calendar)
    const values = idx(metric.id)
    const series = buildSeries({
      ...values,
      aggregation: metric.aggregation,
      direction: metric.direction,
      thresholds: ctx.thresholds,
      calendar: ctx.calendar,
      granularity: c.granularity,
      from,
      to,
    })
    const latest = latestPoint(series)
    // A quarter to date of a flow is compared at its pace, not read as a fall (decision 006).
    const rolled = latest && !latest.complete ? values.actuals.valueOf(periodFromKey(latest.period), metric.aggregation) : null
    const { current, pace } = comparableCurrent(latest, metric.aggregation, rolled ? rolled.covered / rolled.total : null)
    const p = commitmentProgress(
      {
        baseline: c.baseline,
        target: c.target,
        current,
        startDay: parseDate(c.startsOn)!,
        dueDay: parseDate(c.dueOn)!,
        todayDay: day,
      },
      ctx.thresholds,
    )
    return {
      ...c,
      metric,
      current: latest?.actual ?? null,
      currentPeriod: latest ? `${latest.label}${latest.complete ? '' : ' to date'}` : null,
      pace,
      ...p,
    }
  })
}

/** A narrative's commitments with progress, and whether it lacks a leading indicator. */
export async function listCommitmentsFor(actor: Actor, narrativeId: string) {
  const narrative = await getNarrativeFor(actor, narrativeId)
  const sql = getSql()
  const ctx = await getMetricContext(actor, sql)
  const rows = await q.listCommitments(sql, { workspaceId: actor.workspaceId, narrativeId: narrative.id })
  const commitments = await commitmentViews(sql, actor.workspaceId, rows, ctx)
  return {
    narrative,
    ctx,
    commitments,
    needsLeadingIndicator: needsLeadingIndicator(commitments.map((c) => ({ kind: c.metric.indicator }))),
    can: { edit: canEditCommitments(actor, narrative) },
  }
}

/** Throws 400 unless baseline and target fit the metric's unit and differ. */
function assertCommitmentTerms(metric: q.MetricRow, terms: { baseline: number; target: number }) {
  for (const [field, v] of [
    ['baseline', terms.baseline],
    ['target', terms.target],
  ] as const) {
    const problem = valueProblem(v, metric.unit)
    if (problem) throw invalid('Some fields need attention', { [field]: [problem] })
  }
  if (terms.baseline === terms.target) throw invalid('Some fields need attention', { target: ['The target must differ from the baseline'] })
}

export async function addCommitment(actor: Actor, narrativeId: string, input: CommitmentInput) {
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canEditCommitments(actor, narrative)) throw forbidden('Only owners and editors can change commitments of a narrative they can edit')
  const sql = getSql()
  const metric = await q.getMetricByKey(sql, { workspaceId: actor.workspaceId, key: input.metricKey })
  if (!metric) throw invalid('Some fields need attention', { metricKey: [`No metric with the key "${input.metricKey}"`] })
  assertCommitmentTerms(metric, input)
  const startsOn = formatDate(today())
  if (input.dueOn <= startsOn) throw invalid('Some fields need attention', { dueOn: ['The due date must be in the future'] })
  const row = await q.insertCommitment(sql, {
    workspaceId: actor.workspaceId,
    narrativeId: narrative.id,
    metricId: metric.id,
    metricVersion: metric.version,
    baseline: input.baseline,
    target: input.target,
    granularity: input.granularity,
    startsOn,
    dueOn: input.dueOn,
    note: input.note,
    userId: actor.userId,
  })
  bus.publish({ type: 'commitments.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id })
  return row
}

/**
 * Changes a commitment's baseline, target, due date, granularity or note. A commitment derived
 * from a chip is then the person's: it stays when its chip leaves the text.
 */
export async function updateCommitment(actor: Actor, narrativeId: string, input: CommitmentUpdate) {
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canEditCommitments(actor, narrative)) throw forbidden('Only owners and editors can change commitments of a narrative they can edit')
  const sql = getSql()
  const scope = { id: input.commitmentId, narrativeId: narrative.id, workspaceId: actor.workspaceId }
  const current = await q.getCommitment(sql, scope)
  if (!current) throw notFound('Commitment')
  const metric = (await q.listMetrics(sql, actor.workspaceId)).find((m) => m.id === current.metricId)
  if (!metric) throw notFound('Metric')
  assertCommitmentTerms(metric, input)
  if (input.dueOn <= current.startsOn)
    throw invalid('Some fields need attention', { dueOn: [`The due date must be after the commitment's start (${current.startsOn})`] })
  const ok = await q.updateCommitment(sql, {
    ...scope,
    baseline: input.baseline,
    target: input.target,
    granularity: input.granularity,
    dueOn: input.dueOn,
    note: input.note,
    userId: actor.userId,
  })
  if (!ok) throw notFound('Commitment')
  bus.publish({ type: 'commitments.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id })
}

export async function removeCommitment(actor: Actor, narrativeId: string, commitmentId: string) {
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canEditCommitments(actor, narrative)) throw forbidden('Only owners and editors can change commitments of a narrative they can edit')
  const removed = await q.deleteCommitment(getSql(), { id: commitmentId, narrativeId: narrative.id, workspaceId: actor.workspaceId })
  if (!removed) throw notFound('Commitment')
  bus.publish({ type: 'commitments.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id })
}

/** What keeping a narrative's derived commitments in step with its chips changed. */
export interface CommitmentSync {
  commitmentsAdded: number
  commitmentsRemoved: number
  /** Edited derived commitments marked as no longer (or again) in the text. */
  commitmentsMarked: number
}

/**
 * Keeps a narrative's chip-derived commitments in step with the metrics its text cites (called in
 * the derivation's transaction): a cited metric without any commitment gets one (terms from
 * chipCommitmentTerms); a derived one whose last chip went is removed, unless a person edited it —
 * then it stays, marked as no longer in the text (and is back in the text when a chip returns).
 * Commitments entered by hand are never touched.
 */
export async function syncTextCommitments(
  tx: Db,
  args: { workspaceId: string; narrativeId: string; metrics: readonly q.MetricRow[]; citedIds: ReadonlySet<string>; day?: number },
): Promise<CommitmentSync> {
  const existing = await q.listCommitmentStubs(tx, args)
  const committed = new Set(existing.map((c) => c.metricId))
  const missing = [...args.citedIds].filter((id) => !committed.has(id))
  let commitmentsAdded = 0
  if (missing.length) {
    const ctx = contextOf(await q.getMetricSettings(tx, args.workspaceId))
    const values = await q.listValueColumns(tx, { workspaceId: args.workspaceId, metricIds: missing })
    const idx = indexes(values, ctx.calendar)
    const day = args.day ?? today()
    for (const id of missing) {
      const metric = args.metrics.find((m) => m.id === id)
      if (!metric) continue
      const terms = chipCommitmentTerms({
        ...idx(id),
        aggregation: metric.aggregation,
        direction: metric.direction,
        thresholds: ctx.thresholds,
        calendar: ctx.calendar,
        day,
      })
      if (!terms || terms.dueDay <= day) continue
      const row = await q.insertTextCommitment(tx, {
        workspaceId: args.workspaceId,
        narrativeId: args.narrativeId,
        metricId: id,
        metricVersion: metric.version,
        baseline: terms.baseline,
        target: terms.target,
        granularity: terms.granularity,
        startsOn: formatDate(day),
        dueOn: formatDate(terms.dueDay),
      })
      if (row) commitmentsAdded++
    }
  }
  const derived = existing.filter((c) => c.source === 'text')
  const gone = derived.filter((c) => !args.citedIds.has(c.metricId))
  const commitmentsRemoved = await q.deleteCommitmentsByIds(tx, { ...args, ids: gone.filter((c) => !c.edited).map((c) => c.id) })
  const leftText = gone.filter((c) => c.edited && c.inText).map((c) => c.id)
  const backInText = derived.filter((c) => args.citedIds.has(c.metricId) && !c.inText).map((c) => c.id)
  const commitmentsMarked =
    (await q.setCommitmentsInText(tx, { ...args, ids: leftText, inText: false })) +
    (await q.setCommitmentsInText(tx, { ...args, ids: backInText, inText: true }))
  return { commitmentsAdded, commitmentsRemoved, commitmentsMarked }
}

/**
 * A narrative's commitments with their current values, without an actor (the caller authorized
 * the reader: the approval freeze and the reading view's "drift since approval").
 */
export async function listCommitmentValues(db: Db, workspaceId: string, narrativeId: string) {
  const [settings, rows] = await Promise.all([q.getMetricSettings(db, workspaceId), q.listCommitments(db, { workspaceId, narrativeId })])
  return commitmentViews(db, workspaceId, rows, contextOf(settings))
}
