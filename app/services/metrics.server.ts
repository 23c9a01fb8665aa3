/**
 * Shared goal metrics: the dictionary, targets and actuals (form, CSV, API), series, funnel,
 * reviews and narratives' commitments. Every batch is validated row by row and written in one
 * transaction: one bad row is a 400 listing every bad row, and nothing is saved.
 */
import { assertIfMatch, type IfMatch } from './preconditions.server.ts'
import { getSql, type Db } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { AppError, conflict, forbidden, invalid, notFound, tooLarge, type FieldErrors } from '#app/domain/errors.ts'
import {
  buildSeries,
  changeOf,
  chipCommitmentTerms,
  commitmentProgress,
  comparableCurrent,
  CsvSyntaxError,
  formatValue,
  funnel,
  isImprovement,
  latestPoint,
  needsLeadingIndicator,
  parseCsv,
  parseNumber,
  valueProblem,
  ValueIndex,
  type Health,
  type HealthThresholds,
  type SeriesPoint,
  type ValueColumns,
  type ValueKind,
} from '#app/domain/metrics.ts'
import {
  comparePeriods,
  formatDate,
  parseDate,
  parsePeriod,
  periodFromKey,
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
import {
  canEditCommitments,
  canEditMetrics,
  canEditMetricSettings,
  canReadMetrics,
  canRecordActuals,
  canWriteReviewNote,
  FUNCTION_LABELS,
  canSeeWorkingMaterial,
  type Actor,
} from '#app/domain/policies.ts'
import type {
  CommitmentInput,
  CommitmentUpdate,
  MetricInput,
  ReviewNoteInput,
  MetricSettingsInput,
  MetricUpdate,
} from '#app/schemas/metrics.ts'
import { bus } from '#app/events/bus.ts'
import { recordAudit } from './audit.server.ts'
import { getNarrativeFor } from './narratives.server.ts'
import type { CommitmentJson, MetricJson, SeriesPointJson } from '#app/schemas/responses.ts'

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

/** The problem+json body of a refused batch (RFC 9457 with an extension member `rows`). */
export function batchProblemBody(e: BatchError) {
  return { type: 'about:blank', title: 'Invalid input', status: 400, detail: e.message, errors: e.fieldErrors, rows: e.rows }
}

// ---------- Context ----------

export interface MetricContext {
  calendar: FiscalCalendar
  thresholds: HealthThresholds
  currency: string
}

function contextOf(s: q.MetricSettingsRow): MetricContext {
  return {
    calendar: { startMonth: s.fiscalYearStartMonth },
    thresholds: { onTrack: s.onTrackThreshold, atRisk: s.atRiskThreshold },
    currency: s.currency,
  }
}

function assertRead(actor: Actor) {
  if (!canReadMetrics(actor)) throw forbidden()
}
function assertEdit(actor: Actor) {
  if (!canEditMetrics(actor)) throw forbidden('Only owners and editors can change metrics, targets and actuals')
}

/** Throws 403 unless the actor may write metrics: routes call it before reading a body, so a refusal never depends on the input. */
export function assertCanEditMetrics(actor: Actor) {
  assertEdit(actor)
}

function assertValues(actor: Actor, metric: q.MetricRow, kind: ValueKind) {
  if (kind === 'target') assertEdit(actor)
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
  assertValues(actor, await getMetricFor(actor, key), kind)
}

/** May the actor import values at all: owners and editors, or members of a function that owns a metric. */
async function canImport(actor: Actor, metrics?: readonly q.MetricRow[]) {
  if (canEditMetrics(actor)) return true
  if (actor.role === 'reader' || !actor.function) return false
  return (metrics ?? (await q.listMetrics(getSql(), actor.workspaceId))).some((m) => canRecordActuals(actor, m))
}

/** Throws 403 unless the actor may import some values (checked again row by row). */
export async function assertCanImport(actor: Actor) {
  if (!(await canImport(actor)))
    throw forbidden('Only owners and editors import targets and actuals, and members of a function that owns a metric its actuals')
}

/** Throws 403 unless the actor may change the fiscal calendar and thresholds. */
export function assertCanEditMetricSettings(actor: Actor) {
  if (!canEditMetricSettings(actor)) throw forbidden('Only workspace owners can change the fiscal calendar and thresholds')
}

/** What the actor may do with metrics, for the UI (which never re-derives policy). */
export function metricAbilities(actor: Actor, metric?: { ownerFunction: q.MetricRow['ownerFunction'] }) {
  return {
    edit: canEditMetrics(actor),
    settings: canEditMetricSettings(actor),
    workingMaterial: canSeeWorkingMaterial(actor),
    /** Of `metric` when given: the grid's actual cells. */
    recordActuals: metric ? canRecordActuals(actor, metric) : canEditMetrics(actor),
  }
}

/** Whether the actor may open the import page (an owner function with metrics of its own too). */
export async function canImportValues(actor: Actor) {
  return canImport(actor)
}

/** The workspace's fiscal calendar, thresholds and currency. */
export async function getMetricContext(actor: Actor, db: Db = getSql()): Promise<MetricContext> {
  assertRead(actor)
  return contextOf(await q.getMetricSettings(db, actor.workspaceId))
}

export async function getMetricSettingsFor(actor: Actor) {
  assertRead(actor)
  return q.getMetricSettings(getSql(), actor.workspaceId)
}

/** Changes the fiscal calendar and thresholds; quarter and year values are re-dated in the same transaction. */
export async function updateMetricSettings(actor: Actor, input: MetricSettingsInput) {
  if (!canEditMetricSettings(actor)) throw forbidden('Only workspace owners can change the fiscal calendar and thresholds')
  const settings: q.MetricSettingsRow = {
    fiscalYearStartMonth: input.fiscalYearStartMonth,
    onTrackThreshold: input.onTrackPercent / 100,
    atRiskThreshold: input.atRiskPercent / 100,
    currency: input.currency,
  }
  await getSql().begin(async (tx) => {
    await q.upsertMetricSettings(tx, actor.workspaceId, settings)
    const cal = { startMonth: settings.fiscalYearStartMonth }
    const rows = await q.listFiscalValues(tx, actor.workspaceId)
    await q.redateValues(
      tx,
      rows.map((r) => {
        const range = periodRange(parsedKey(r.period), cal)
        return { ...r, startsOn: formatDate(range.start), endsOn: formatDate(range.end) }
      }),
    )
  })
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: [] })
  return settings
}

function parsedKey(key: string): Period {
  const r = parsePeriod(key)
  if (!r.ok) throw new Error(`stored period ${key} does not parse`)
  return r.period
}

// ---------- Dictionary ----------

/** The API's view of a metric. */
export function metricJson(m: q.MetricRow): MetricJson {
  return {
    key: m.key,
    name: m.name,
    definition: m.definition,
    unit: m.unit,
    currency: m.currency,
    direction: m.direction,
    indicator: m.indicator,
    aggregation: m.aggregation,
    ownerFunction: m.ownerFunction,
    sourceSystem: m.sourceSystem,
    goal: m.goalKey,
    northStar: m.northStar,
    funnelStep: m.funnelStep,
    version: m.version,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  }
}

export async function listMetricsFor(actor: Actor) {
  assertRead(actor)
  return q.listMetrics(getSql(), actor.workspaceId)
}

/** Whether `key` could be a metric key at all (the metrics_key check, any case). */
export function isMetricKeyShape(key: string) {
  return /^[a-z][a-z0-9_]{1,62}$/i.test(key)
}

/** A metric by key; missing and foreign are the same 404. */
export async function getMetricFor(actor: Actor, key: string, db: Db = getSql()) {
  assertRead(actor)
  // A key that cannot exist (URL junk, NUL) is a 404 without asking the database.
  if (!isMetricKeyShape(key)) throw notFound('Metric')
  const m = await q.getMetricByKey(db, { workspaceId: actor.workspaceId, key: key.toLowerCase() })
  if (!m) throw notFound('Metric')
  return m
}

/** A metric with its definition versions, the goal it feeds and the metrics that feed it. */
export async function getMetricDetailFor(actor: Actor, key: string) {
  const metric = await getMetricFor(actor, key)
  const sql = getSql()
  const [versions, all, history] = await Promise.all([
    q.listMetricVersions(sql, metric.id),
    q.listMetrics(sql, actor.workspaceId),
    q.listValueHistory(sql, { metricId: metric.id, limit: 20 }),
  ])
  return {
    metric,
    versions,
    goal: all.find((m) => m.id === metric.goalMetricId) ?? null,
    feeders: all.filter((m) => m.goalMetricId === metric.id),
    history,
  }
}

async function resolveGoal(db: Db, workspaceId: string, goalKey: string | null, selfKey?: string) {
  if (!goalKey) return null
  if (goalKey === selfKey) throw invalid('Some fields need attention', { goalKey: ['A metric cannot feed itself'] })
  const goal = await q.getMetricByKey(db, { workspaceId, key: goalKey })
  if (!goal) throw invalid('Some fields need attention', { goalKey: [`No metric with the key "${goalKey}"`] })
  return goal.id
}

function rethrowUnique(e: unknown): never {
  const pg = e as { code?: string; constraint_name?: string }
  if (pg.code === '23505' && pg.constraint_name === 'metrics_key_idx') {
    throw conflict('A metric with this key already exists', { key: ['A metric with this key already exists'] })
  }
  throw e
}

export async function createMetric(actor: Actor, input: MetricInput) {
  assertEdit(actor)
  await getSql()
    .begin(async (tx) => {
      const goalMetricId = await resolveGoal(tx, actor.workspaceId, input.goalKey)
      const row = await q.insertMetric(tx, { workspaceId: actor.workspaceId, ...input, goalMetricId })
      await q.insertMetricVersion(tx, { metricId: row.id, userId: actor.userId })
      return row.id
    })
    .catch(rethrowUnique)
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: [input.key] })
  return getMetricFor(actor, input.key)
}

const DEFINITION_FIELDS = ['name', 'definition', 'unit', 'currency', 'direction', 'indicator', 'aggregation'] as const

/** Updates a metric; a change to how it is defined or counted starts a new definition version. */
export async function updateMetric(actor: Actor, key: string, patch: MetricUpdate, ifMatch?: IfMatch) {
  assertEdit(actor)
  if (!isMetricKeyShape(key)) throw notFound('Metric')
  await getSql().begin(async (tx) => {
    await assertIfMatch(tx, { table: 'metrics', key: key.toLowerCase(), workspaceId: actor.workspaceId }, ifMatch, 'Metric')
    const current = await q.lockMetricByKey(tx, { workspaceId: actor.workspaceId, key: key.toLowerCase() })
    if (!current) throw notFound('Metric')
    const unit = patch.unit ?? current.unit
    const currency = unit === 'currency' ? (patch.currency ?? current.currency) : null
    if (unit === 'currency' && !currency)
      throw invalid('Some fields need attention', { currency: ['A currency metric needs a currency code'] })
    const goalMetricId =
      patch.goalKey === undefined ? current.goalMetricId : await resolveGoal(tx, actor.workspaceId, patch.goalKey, current.key)
    const next: q.MetricFields = {
      name: patch.name ?? current.name,
      definition: patch.definition ?? current.definition,
      unit,
      currency,
      direction: patch.direction ?? current.direction,
      indicator: patch.indicator ?? current.indicator,
      aggregation: patch.aggregation ?? current.aggregation,
      ownerFunction: patch.ownerFunction === undefined ? current.ownerFunction : patch.ownerFunction,
      sourceSystem: patch.sourceSystem === undefined ? current.sourceSystem : patch.sourceSystem,
      goalMetricId,
      northStar: patch.northStar ?? current.northStar,
      funnelStep: patch.funnelStep === undefined ? current.funnelStep : patch.funnelStep,
    }
    const bumpVersion = DEFINITION_FIELDS.some((f) => next[f] !== current[f])
    await q.updateMetric(tx, { id: current.id, workspaceId: actor.workspaceId, bumpVersion, ...next })
    if (bumpVersion) await q.insertMetricVersion(tx, { metricId: current.id, userId: actor.userId })
  })
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: [key] })
  return getMetricFor(actor, key)
}

// ---------- Values ----------

interface CheckedRow {
  metric: q.MetricRow
  kind: ValueKind
  period: Period
  key: string
  value: number
}

function toWrite(r: CheckedRow, cal: FiscalCalendar): q.ValueWrite & { kind: ValueKind } {
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
  for (const set of sets) assertValues(actor, metric, set.kind)
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

function countRows(errors: readonly RowError[]) {
  return new Set(errors.map((e) => `${e.kind ?? ''}${e.row}`)).size
}

/** Targets or actuals stored for a metric (what was entered, not rolled up). */
export async function listStoredValuesFor(actor: Actor, key: string, kind: ValueKind) {
  const metric = await getMetricFor(actor, key)
  const rows = await q.listValues(getSql(), { workspaceId: actor.workspaceId, metricIds: [metric.id], kind })
  return rows.map((r) => ({ period: r.period, granularity: r.granularity, value: r.value }))
}

// ---------- CSV import ----------

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024
export const IMPORT_MAX_ROWS = 50_000

export interface ImportPreviewRow {
  line: number
  metricKey: string
  metricName: string
  kind: ValueKind
  period: string
  periodLabel: string
  value: number
  display: string
  previous: number | null
  previousDisplay: string | null
  change: 'new' | 'changed' | 'unchanged'
}

export interface ImportPreview {
  rows: ImportPreviewRow[]
  errors: RowError[]
  summary: { rows: number; new: number; changed: number; unchanged: number; errors: number; metrics: number }
}

const COLUMN_ALIASES: Record<string, 'metric' | 'period' | 'date' | 'value' | 'kind'> = {
  metric: 'metric',
  metric_key: 'metric',
  key: 'metric',
  period: 'period',
  date: 'date',
  value: 'value',
  kind: 'kind',
  type: 'kind',
}

/**
 * Checks a CSV of values (columns: metric key, period or date, value; optionally kind) and says
 * what importing it would do, row by row. Never writes.
 */
export async function previewImport(
  actor: Actor,
  text: string,
  opts: { granularity: Granularity; kind: ValueKind },
  db: Db = getSql(),
): Promise<ImportPreview & { checked: CheckedRow[] }> {
  const [metrics, settings] = await Promise.all([q.listMetrics(db, actor.workspaceId), q.getMetricSettings(db, actor.workspaceId)])
  if (!(await canImport(actor, metrics)))
    throw forbidden('Only owners and editors import targets and actuals, and members of a function that owns a metric its actuals')
  if (text.length > IMPORT_MAX_BYTES) throw tooLarge('The file is larger than 5 MiB')
  let records
  try {
    records = parseCsv(text)
  } catch (e) {
    if (e instanceof CsvSyntaxError)
      throw new BatchError('The file is not valid CSV; nothing was saved', [{ row: 1, line: e.line, column: 'file', reason: e.message }])
    throw e
  }
  const [header, ...data] = records
  if (!header)
    throw new BatchError('The file is empty; nothing was saved', [
      { row: 1, line: 1, column: 'file', reason: 'The file has no header row' },
    ])
  const columns = header.cells.map(
    (c) =>
      COLUMN_ALIASES[
        c
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      ] ?? null,
  )
  const at = (name: 'metric' | 'period' | 'date' | 'value' | 'kind') => columns.indexOf(name)
  const missing: string[] = []
  if (at('metric') < 0) missing.push('metric')
  if (at('period') < 0 && at('date') < 0) missing.push('period (or date)')
  if (at('value') < 0) missing.push('value')
  if (missing.length) {
    throw new BatchError('The header row is missing columns; nothing was saved', [
      {
        row: 1,
        line: header.line,
        column: 'header',
        value: header.cells.join(','),
        reason: `The header must name the columns metric, period (or date) and value; missing: ${missing.join(', ')}`,
      },
    ])
  }
  if (data.length === 0)
    throw new BatchError('The file has no rows; nothing was saved', [
      { row: 1, line: header.line, column: 'file', reason: 'There are no data rows under the header' },
    ])
  if (data.length > IMPORT_MAX_ROWS) throw tooLarge(`At most ${IMPORT_MAX_ROWS.toLocaleString('en-US')} rows per import`)

  const ctx = contextOf(settings)
  const byKey = new Map(metrics.map((m) => [m.key, m]))
  const errors: RowError[] = []
  const checked: (CheckedRow & { line: number })[] = []
  const seen = new Map<string, number>()
  data.forEach((rec, i) => {
    const row = i + 1
    const line = rec.line
    const cell = (name: 'metric' | 'period' | 'date' | 'value' | 'kind') => {
      const idx = at(name)
      return idx < 0 ? '' : (rec.cells[idx] ?? '').trim()
    }
    const err = (column: string, value: string, reason: string) => errors.push({ row, line, column, value, reason })
    if (rec.cells.length < header.cells.length - 1 || rec.cells.length > header.cells.length) {
      err('row', rec.cells.join(','), `has ${rec.cells.length} cells; the header has ${header.cells.length}`)
      return
    }
    const metricKey = cell('metric').toLowerCase()
    const metric = byKey.get(metricKey)
    if (!metricKey) err('metric', '', 'metric key is required')
    else if (!metric) err('metric', metricKey, `unknown metric key "${metricKey}"; add it to the dictionary first`)

    const kindText = cell('kind').toLowerCase()
    const kind: ValueKind | null = kindText === '' ? opts.kind : kindText === 'actual' || kindText === 'target' ? kindText : null
    if (!kind) err('kind', kindText, 'kind must be actual or target')
    // Rights per row: targets are owners' and editors'; actuals also their metric's owner function's.
    let allowed = true
    if (kind === 'target' && !canEditMetrics(actor)) {
      err('kind', 'target', 'only owners and editors set targets')
      allowed = false
    } else if (kind === 'actual' && metric && !canRecordActuals(actor, metric)) {
      err(
        'metric',
        metricKey,
        metric.ownerFunction
          ? `only owners, editors and ${FUNCTION_LABELS[metric.ownerFunction]} record actuals of ${metricKey}`
          : `only owners and editors record actuals of ${metricKey}`,
      )
      allowed = false
    }

    let period: Period | null = null
    const periodText = cell('period')
    const dateText = cell('date')
    if (periodText) {
      const p = parsePeriod(periodText)
      if (p.ok) period = p.period
      else err('period', periodText, p.reason)
    } else if (dateText) {
      const day = parseDate(dateText)
      if (day === null) err('date', dateText, `${dateText}: not a date (use YYYY-MM-DD)`)
      else period = periodOf(day, opts.granularity, ctx.calendar)
    } else err(at('period') >= 0 ? 'period' : 'date', '', 'a period or a date is required')

    const valueText = cell('value')
    const value = parseNumber(valueText)
    if (value === null) err('value', valueText, valueText === '' ? 'value is required' : `"${valueText}" is not a finite number`)
    else if (metric) {
      const problem = valueProblem(value, metric.unit)
      if (problem) err('value', valueText, problem)
    }

    if (metric && period && kind) {
      const pk = periodKey(period)
      const dupKey = `${metric.key}|${kind}|${pk}`
      const first = seen.get(dupKey)
      if (first !== undefined)
        err(periodText ? 'period' : 'date', periodText || dateText, `duplicate: line ${first} already sets ${metric.key} ${kind} for ${pk}`)
      else seen.set(dupKey, line)
      if (allowed && value !== null && !valueProblem(value, metric.unit) && first === undefined)
        checked.push({ metric, kind, period, key: pk, value, line })
    }
  })

  const previous = new Map<string, number>()
  for (const kind of ['actual', 'target'] as const) {
    const pairs = checked.filter((c) => c.kind === kind).map((c) => ({ metricId: c.metric.id, period: c.key }))
    for (const v of await q.getValuesAt(db, { workspaceId: actor.workspaceId, kind, pairs }))
      previous.set(`${v.metricId}|${kind}|${v.period}`, v.value)
  }
  const rows: ImportPreviewRow[] = checked.map((c) => {
    const prev = previous.get(`${c.metric.id}|${c.kind}|${c.key}`) ?? null
    const fmt = (v: number) => formatValue(v, c.metric.unit, { currency: c.metric.currency })
    return {
      line: c.line,
      metricKey: c.metric.key,
      metricName: c.metric.name,
      kind: c.kind,
      period: c.key,
      periodLabel: periodLabel(c.period),
      value: c.value,
      display: fmt(c.value),
      previous: prev,
      previousDisplay: prev === null ? null : fmt(prev),
      change: prev === null ? 'new' : prev === c.value ? 'unchanged' : 'changed',
    }
  })
  return {
    rows,
    errors,
    checked,
    summary: {
      rows: data.length,
      new: rows.filter((r) => r.change === 'new').length,
      changed: rows.filter((r) => r.change === 'changed').length,
      unchanged: rows.filter((r) => r.change === 'unchanged').length,
      errors: countRows(errors),
      metrics: new Set(rows.map((r) => r.metricKey)).size,
    },
  }
}

/**
 * Imports a CSV of values all or nothing: with any bad row, a 400 listing every bad row (line,
 * column, reason) and nothing saved. A dry run checks and previews without writing.
 */
export async function importCsv(actor: Actor, text: string, opts: { dryRun: boolean; granularity: Granularity; kind: ValueKind }) {
  const sql = getSql()
  const run = async (db: Db) => {
    const preview = await previewImport(actor, text, opts, db)
    if (preview.errors.length) {
      throw new BatchError(`${preview.summary.errors} of ${preview.summary.rows} rows need attention; nothing was saved`, preview.errors)
    }
    return preview
  }
  if (opts.dryRun) {
    const { checked: _c, ...preview } = await run(sql)
    return { dryRun: true, ...preview }
  }
  const ctx = await getMetricContext(actor, sql)
  const preview = await sql.begin(async (tx) => {
    const p = await run(tx)
    for (const kind of ['actual', 'target'] as const) {
      const rows = p.checked.filter((c) => c.kind === kind).map((c) => toWrite(c, ctx.calendar))
      await q.upsertValues(tx, { workspaceId: actor.workspaceId, kind, source: 'csv', userId: actor.userId, rows })
    }
    return p
  })
  const { checked, ...out } = preview
  bus.publish({ type: 'metrics.changed', workspaceId: actor.workspaceId, metricKeys: [...new Set(checked.map((c) => c.metric.key))] })
  return { dryRun: false, ...out }
}

// ---------- Series ----------

const DEFAULT_SPAN: Record<Granularity, number> = { week: 13, month: 12, quarter: 8, year: 5 }
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

function indexes(rows: readonly q.ValueColumnsRow[], cal: FiscalCalendar) {
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
  assertRead(actor)
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
  assertRead(actor)
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

// ---------- Commitments ----------

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

async function commitmentViews(
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

/** The API's view of a commitment. */
export function commitmentJson(c: CommitmentView): CommitmentJson {
  return {
    id: c.id,
    metric: {
      key: c.metric.key,
      name: c.metric.name,
      unit: c.metric.unit,
      currency: c.metric.currency,
      indicator: c.metric.indicator,
      version: c.metricVersion,
    },
    baseline: c.baseline,
    target: c.target,
    granularity: c.granularity,
    startsOn: c.startsOn,
    dueOn: c.dueOn,
    note: c.note,
    source: c.source,
    inText: c.inText,
    edited: c.editedAt !== null,
    current: c.current,
    currentPeriod: c.currentPeriod,
    pace: c.pace,
    progress: c.progress,
    passed: c.passed,
    health: c.health,
  }
}

export async function addCommitment(actor: Actor, narrativeId: string, input: CommitmentInput) {
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canEditCommitments(actor, narrative)) throw forbidden('Only owners and editors can change commitments of a narrative they can edit')
  const sql = getSql()
  const metric = await q.getMetricByKey(sql, { workspaceId: actor.workspaceId, key: input.metricKey })
  if (!metric) throw invalid('Some fields need attention', { metricKey: [`No metric with the key "${input.metricKey}"`] })
  for (const [field, v] of [
    ['baseline', input.baseline],
    ['target', input.target],
  ] as const) {
    const problem = valueProblem(v, metric.unit)
    if (problem) throw invalid('Some fields need attention', { [field]: [problem] })
  }
  if (input.baseline === input.target) throw invalid('Some fields need attention', { target: ['The target must differ from the baseline'] })
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
  for (const [field, v] of [
    ['baseline', input.baseline],
    ['target', input.target],
  ] as const) {
    const problem = valueProblem(v, metric.unit)
    if (problem) throw invalid('Some fields need attention', { [field]: [problem] })
  }
  if (input.baseline === input.target) throw invalid('Some fields need attention', { target: ['The target must differ from the baseline'] })
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

// ---------- Reviews ----------

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
  assertRead(actor)
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

/** Runs an API handler, answering a refused batch with its rows (problem+json, 400). */
export async function withBatchErrors(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof BatchError) {
      return new Response(JSON.stringify(batchProblemBody(e)), { status: 400, headers: { 'Content-Type': 'application/problem+json' } })
    }
    throw e
  }
}

/** Reads a text body (CSV) with a size limit. */
export async function readTextBody(request: Request, maxBytes = IMPORT_MAX_BYTES): Promise<string> {
  const length = Number(request.headers.get('Content-Length') ?? 0)
  if (length > maxBytes) throw tooLarge(`The body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`)
  const text = await request.text()
  if (text.length > maxBytes) throw tooLarge(`The body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`)
  return text
}

/** The API's view of a series point. */
export function seriesPointJson(p: SeriesPoint): SeriesPointJson {
  return {
    period: p.period,
    label: p.label,
    actual: p.actual,
    target: p.target,
    attainment: p.attainment,
    health: p.health,
    complete: p.complete,
  }
}

/**
 * A narrative's commitments with their current values, without an actor (the caller authorized
 * the reader: the approval freeze and the reading view's "drift since approval").
 */
export async function listCommitmentValues(db: Db, workspaceId: string, narrativeId: string) {
  const [settings, rows] = await Promise.all([q.getMetricSettings(db, workspaceId), q.listCommitments(db, { workspaceId, narrativeId })])
  return commitmentViews(db, workspaceId, rows, contextOf(settings))
}
