/**
 * CSV import of targets and actuals: preview row by row, then all or nothing.
 */
import { getSql, type Db } from '#db/client.ts'
import * as q from '#db/queries/metrics.ts'
import { forbidden, tooLarge } from '#app/domain/errors.ts'
import { CsvRowLimitError, CsvSyntaxError, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, parseCsv } from '#app/domain/csv.ts'
import { formatValue, parseNumber, valueProblem, type ValueKind } from '#app/domain/metrics.ts'
import { parseDate, parsePeriod, periodKey, periodLabel, periodOf, type Granularity, type Period } from '#app/domain/periods.ts'
import { canEditMetrics, canRecordActuals, FUNCTION_LABELS, type Actor } from '#app/domain/policies.ts'
import { bus } from '#app/events/bus.ts'
import { contextOf, getMetricContext } from './context.server.ts'
import { BatchError, countRows, toWrite, type CheckedRow, type RowError } from './values.server.ts'

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

/** Whether the actor may open the import page (an owner function with metrics of its own too). */
export async function canImportValues(actor: Actor) {
  return canImport(actor)
}

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
    records = parseCsv(text, { maxRows: IMPORT_MAX_ROWS.values })
  } catch (e) {
    if (e instanceof CsvSyntaxError)
      throw new BatchError('The file is not valid CSV; nothing was saved', [
        { row: 1, line: e.line, column: e.columnName ?? 'file', reason: e.message },
      ])
    if (e instanceof CsvRowLimitError) throw tooLarge(`At most ${e.limit.toLocaleString('en-US')} rows per import`)
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
