/**
 * Targets and actuals (form, grid and API): every batch is validated row by row and written in one
 * transaction; one bad row is a 400 listing every bad row, and nothing is saved.
 */
import { getSql } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { AppError, forbidden, type FieldErrors } from '#app/domain/errors.ts'
import { parseNumber, valueProblem, type ValueKind } from '#app/domain/metrics.ts'
import { formatDate, parsePeriod, periodKey, periodRange, type FiscalCalendar, type Period } from '#app/domain/periods.ts'
import { canRecordActuals, FUNCTION_LABELS, type Actor } from '#app/domain/policies.ts'
import { bus } from '#app/events/bus.ts'
import { assertCanEditMetrics, getMetricContext } from './context.server.ts'
import { getMetricFor } from './dictionary.server.ts'

// ---------- Errors with rows ----------

/** One refused row of a batch: where (row of the batch, line of the file, column) and why. */
export interface RowError {
  /** 1-based position in the batch (JSON) or the data row number (CSV). */
  row: number
  /** 1-based line of the CSV file. */
  line?: number
  /** Which batch of a combined write (the grid saves targets and actuals together). */
  kind?: ValueKind
  column: string
  value?: string
  reason: string
}

/** A refused batch: a 400 whose body lists every bad row; nothing of the batch was saved. */
export class BatchError extends AppError {
  constructor(
    message: string,
    readonly rows: RowError[],
  ) {
    const fields: FieldErrors = {}
    for (const r of rows) (fields[`rows[${r.row - 1}].${r.column}`] ??= []).push(r.reason)
    super(400, message, fields)
  }
}

// ---------- Values ----------

/** Throws 403 unless the actor may write `kind` values of `metric`. */
export function assertCanWriteValuesOf(actor: Actor, metric: q.MetricRow, kind: ValueKind) {
  if (kind === 'target') assertCanEditMetrics(actor)
  else if (!canRecordActuals(actor, metric))
    throw forbidden(
      metric.ownerFunction
        ? `Only owners, editors and ${FUNCTION_LABELS[metric.ownerFunction]} record actuals of ${metric.name}`
        : `Only owners and editors record actuals of ${metric.name}`,
    )
}

/**
 * Throws 404 for an unknown metric, 403 unless the actor may write its targets (owners, editors)
 * or its actuals (also its owner function): routes call it before reading a body.
 */
export async function assertCanWriteValues(actor: Actor, key: string, kind: ValueKind) {
  assertCanWriteValuesOf(actor, await getMetricFor(actor, key), kind)
}

export interface CheckedRow {
  metric: q.MetricRow
  kind: ValueKind
  period: Period
  key: string
  value: number
}

export function toWrite(r: CheckedRow, cal: FiscalCalendar): q.ValueWrite & { kind: ValueKind } {
  const range = periodRange(r.period, cal)
  return {
    metricId: r.metric.id,
    kind: r.kind,
    period: r.key,
    granularity: r.period.granularity,
    startsOn: formatDate(range.start),
    endsOn: formatDate(range.end),
    value: r.value,
  }
}

function readValue(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null
  if (typeof raw === 'string') return parseNumber(raw)
  return null
}

function show(raw: unknown): string {
  if (typeof raw === 'string') return raw.slice(0, 60)
  try {
    return JSON.stringify(raw)?.slice(0, 60) ?? String(raw)
  } catch {
    return String(raw)
  }
}

function checkRows(metric: q.MetricRow, kind: ValueKind, rows: readonly unknown[]) {
  const errors: RowError[] = []
  const checked: CheckedRow[] = []
  const seen = new Map<string, number>()
  rows.forEach((raw, i) => {
    const row = i + 1
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ row, kind, column: 'row', reason: 'Each row must be an object { period, value }' })
      return
    }
    const r = raw as Record<string, unknown>
    let period: Period | null = null
    if (typeof r.period !== 'string')
      errors.push({ row, kind, column: 'period', reason: 'period is required (2026-11, 2026-Q4, 2026-W47 or 2026)' })
    else {
      const p = parsePeriod(r.period)
      if (!p.ok) errors.push({ row, kind, column: 'period', value: r.period, reason: p.reason })
      else period = p.period
    }
    const value = readValue(r.value)
    if (value === null)
      errors.push({
        row,
        kind,
        column: 'value',
        value: show(r.value),
        reason: r.value === undefined ? 'value is required' : 'must be a finite number',
      })
    else {
      const problem = valueProblem(value, metric.unit)
      if (problem) errors.push({ row, kind, column: 'value', value: show(r.value), reason: problem })
    }
    if (period) {
      const pk = periodKey(period)
      const first = seen.get(pk)
      if (first !== undefined)
        errors.push({ row, kind, column: 'period', value: pk, reason: `duplicate of row ${first}: ${pk} appears twice in this batch` })
      else seen.set(pk, row)
      if (value !== null && !valueProblem(value, metric.unit)) checked.push({ metric, kind, period, key: pk, value })
    }
  })
  return { errors, checked }
}

/**
 * Sets targets or actuals of one metric for a batch of periods, all or nothing: every bad row
 * (malformed period, non-numeric or non-finite value, out of the unit's bounds, duplicate
 * period) is reported and nothing is saved. Writing a period again replaces its value.
 */
export async function putValues(actor: Actor, key: string, kind: ValueKind, rows: readonly unknown[], source: 'form' | 'api' = 'api') {
  const [result] = await putValueSets(actor, key, [{ kind, rows }], source)
  return result!
}

/** Several batches of one metric (targets and actuals from the grid) in one transaction, all or nothing. */
export async function putValueSets(
  actor: Actor,
  key: string,
  sets: readonly { kind: ValueKind; rows: readonly unknown[] }[],
  source: 'form' | 'api' = 'api',
) {
  const sql = getSql()
  const [metric, ctx] = await Promise.all([getMetricFor(actor, key, sql), getMetricContext(actor, sql)])
  for (const set of sets) assertCanWriteValuesOf(actor, metric, set.kind)
  const checks = sets.map((set) => checkRows(metric, set.kind, set.rows))
  const errors = checks.flatMap((c) => c.errors)
  const total = sets.reduce((n, set) => n + set.rows.length, 0)
  if (errors.length) throw new BatchError(`${countRows(errors)} of ${total} rows need attention; nothing was saved`, errors)
  const results = await sql.begin(async (tx) => {
    const out = []
    for (const [i, set] of sets.entries()) {
      const rows = checks[i]!.checked.map((r) => toWrite(r, ctx.calendar))
      out.push(await q.upsertValues(tx, { workspaceId: actor.workspaceId, kind: set.kind, source, userId: actor.userId, rows }))
    }
    return out
  })
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: [metric.key] })
  return results
}

export function countRows(errors: readonly RowError[]) {
  return new Set(errors.map((e) => `${e.kind ?? ''}${e.row}`)).size
}

/** Targets or actuals stored for a metric (what was entered, not rolled up). */
export async function listStoredValuesFor(actor: Actor, key: string, kind: ValueKind) {
  const metric = await getMetricFor(actor, key)
  const rows = await q.listValues(getSql(), { workspaceId: actor.workspaceId, metricIds: [metric.id], kind })
  return rows.map((r) => ({ period: r.period, granularity: r.granularity, value: r.value }))
}
