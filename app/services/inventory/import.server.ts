/**
 * CSV import and export of the inventory (systems, capability support, integrations), all or nothing.
 */
import { getSql, type TransactionSql } from '#db/client.ts'
import * as inv from '#db/queries/inventory.ts'
import { listMembers } from '#db/queries/workspaces.ts'
import { AppError } from '#app/domain/errors.ts'
import { CsvRowLimitError, CsvSyntaxError, IMPORT_MAX_ROWS, parseCsv, toCsv } from '#app/domain/csv.ts'
import {
  CATEGORY_LABELS,
  DIRECTION_LABELS,
  FREQUENCY_LABELS,
  INTEGRATION_STATUS_LABELS,
  LIFECYCLE_LABELS,
  SUPPORT_LABELS,
} from '#app/domain/inventory.ts'
import type { Actor } from '#app/domain/policies.ts'
import {
  IntegrationInputSchema,
  SupportInputSchema,
  SystemInputSchema,
  type ImportKind,
  type IntegrationInput,
  type SystemInput,
} from '#app/schemas/inventory.ts'
import { recordAudit } from '../audit.server.ts'
import type { z } from 'zod'
import { getCapabilityMatrix } from './capabilities.server.ts'
import { systemInputOf } from './systems.server.ts'
import { assertCanEditInventory, assertCanReadInventory, writeInventory } from './write.server.ts'

export const IMPORT_COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  systems: {
    required: ['name', 'category'],
    optional: ['vendor', 'owner_email', 'lifecycle', 'end_date', 'renewal_date', 'annual_cost', 'seats_paid', 'seats_used', 'notes'],
  },
  support: { required: ['system', 'capability', 'level'], optional: ['note'] },
  integrations: { required: ['from', 'to', 'objects'], optional: ['name', 'direction', 'frequency', 'status', 'live_from', 'notes'] },
}

export interface ImportIssue {
  line: number
  column: string | null
  message: string
}

export interface ImportReport {
  kind: ImportKind
  dryRun: boolean
  committed: boolean
  rows: number
  created: number
  updated: number
  errors: ImportIssue[]
  /** The first rows as they will be written, for the preview. */
  preview: { line: number; action: 'create' | 'update'; values: Record<string, string> }[]
  columns: string[]
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')

/** An enum value from its key or its label, case-insensitive: "Phasing out", "via add-on", "two-way". */
function enumValue(labels: Record<string, string>, raw: string): string {
  const v = norm(raw)
  if (v in labels) return v
  for (const [k, label] of Object.entries(labels)) if (norm(label) === v) return k
  if (v === 'via_add_on' || v === 'add_on') return 'addon'
  return raw.trim()
}

interface Plan {
  report: ImportReport
  apply: (tx: TransactionSql) => Promise<void>
}

async function planImport(
  db: TransactionSql | ReturnType<typeof getSql>,
  workspaceId: string,
  kind: ImportKind,
  text: string,
  dryRun: boolean,
): Promise<Plan> {
  const report: ImportReport = { kind, dryRun, committed: false, rows: 0, created: 0, updated: 0, errors: [], preview: [], columns: [] }
  const done = (apply: Plan['apply'] = async () => {}) => ({ report, apply })
  let rows
  try {
    rows = parseCsv(text, { maxRows: IMPORT_MAX_ROWS[kind] })
  } catch (e) {
    if (e instanceof CsvSyntaxError) report.errors.push({ line: e.line, column: e.columnName, message: e.reason })
    else if (e instanceof CsvRowLimitError)
      report.errors.push({
        line: e.line,
        column: null,
        message: `At most ${e.limit.toLocaleString('en-US')} rows per import; split the file`,
      })
    else throw e
    return done()
  }
  const [header, ...body] = rows
  if (!header) {
    report.errors.push({ line: 1, column: null, message: 'The file is empty. The first line names the columns.' })
    return done()
  }
  const spec = IMPORT_COLUMNS[kind]
  const known = [...spec.required, ...spec.optional]
  const columns = header.cells.map(norm)
  report.columns = columns
  columns.forEach((c, i) => {
    if (!known.includes(c))
      report.errors.push({
        line: 1,
        column: header.cells[i]!.trim() || `column ${i + 1}`,
        message: `Unknown column. Expected: ${known.join(', ')}`,
      })
    else if (columns.indexOf(c) !== i) report.errors.push({ line: 1, column: c, message: 'This column appears twice' })
  })
  for (const c of spec.required) if (!columns.includes(c)) report.errors.push({ line: 1, column: c, message: 'Required column is missing' })
  if (report.errors.length) return done()
  report.rows = body.length
  if (!body.length) {
    report.errors.push({ line: 2, column: null, message: 'There are no rows under the header' })
    return done()
  }
  const records = body.map((row) => {
    const values: Record<string, string> = {}
    columns.forEach((c, i) => (values[c] = (row.cells[i] ?? '').trim()))
    if (row.cells.length > columns.length && row.cells.slice(columns.length).some((c) => c.trim() !== '')) {
      report.errors.push({
        line: row.line,
        column: null,
        message: `This row has ${row.cells.length} cells; the header has ${columns.length}`,
      })
    }
    return { line: row.line, values, present: new Set(columns) }
  })
  const issue = (line: number, column: string | null, message: string) => report.errors.push({ line, column, message })
  const zodIssues = (line: number, error: z.ZodError, columnOf: Record<string, string>) => {
    for (const i of error.issues) issue(line, columnOf[String(i.path[0] ?? '')] ?? (i.path.length ? String(i.path[0]) : null), i.message)
  }
  const systems = await inv.listSystems(db, workspaceId)
  const systemByName = new Map(systems.map((s) => [s.name.toLowerCase(), s]))
  const firstLine = new Map<string, number>()
  const dup = (key: string, line: number, column: string) => {
    const seen = firstLine.get(key)
    if (seen !== undefined) issue(line, column, `Duplicate of line ${seen}`)
    else firstLine.set(key, line)
    return seen !== undefined
  }

  if (kind === 'systems') {
    const members = await inv.memberIdsByEmail(db, workspaceId)
    const columnOf: Record<string, string> = {
      name: 'name',
      vendor: 'vendor',
      category: 'category',
      ownerId: 'owner_email',
      lifecycle: 'lifecycle',
      endDate: 'end_date',
      renewalDate: 'renewal_date',
      annualCost: 'annual_cost',
      seatsPaid: 'seats_paid',
      seatsUsed: 'seats_used',
      notes: 'notes',
    }
    const writes: { id: string | null; input: SystemInput }[] = []
    for (const r of records) {
      const v = r.values
      if (dup(`s|${(v.name ?? '').toLowerCase()}`, r.line, 'name')) continue
      const existing = systemByName.get((v.name ?? '').toLowerCase())
      const base: Partial<SystemInput> = existing ? systemInputOf(existing) : { lifecycle: 'active' }
      const given: Record<string, unknown> = {}
      for (const [field, col] of Object.entries(columnOf)) if (r.present.has(col) && col !== 'owner_email') given[field] = v[col]
      if (r.present.has('category')) given.category = enumValue(CATEGORY_LABELS, v.category ?? '')
      if (r.present.has('lifecycle')) given.lifecycle = v.lifecycle ? enumValue(LIFECYCLE_LABELS, v.lifecycle) : 'active'
      if (r.present.has('owner_email')) {
        const email = (v.owner_email ?? '').toLowerCase()
        if (email && !members.has(email)) {
          issue(r.line, 'owner_email', `No member of this workspace has the email ${v.owner_email}`)
          continue
        }
        given.ownerId = email ? members.get(email)! : null
      }
      const parsed = SystemInputSchema.safeParse({ ...base, ...given })
      if (!parsed.success) {
        zodIssues(r.line, parsed.error, columnOf)
        continue
      }
      writes.push({ id: existing?.id ?? null, input: parsed.data })
      if (existing) report.updated++
      else report.created++
      if (report.preview.length < 100) report.preview.push({ line: r.line, action: existing ? 'update' : 'create', values: v })
    }
    return done(async (tx) => {
      for (const w of writes) {
        if (w.id) await inv.updateSystem(tx, { id: w.id, workspaceId }, w.input)
        else await inv.insertSystem(tx, workspaceId, w.input)
      }
    })
  }

  if (kind === 'support') {
    const capabilities = await inv.listCapabilities(db, workspaceId)
    const capByName = new Map(capabilities.map((c) => [c.name.toLowerCase(), c]))
    const support = await inv.listSupport(db, workspaceId)
    const existing = new Set(support.map((s) => `${s.systemId}|${s.capabilityId}`))
    const writes: inv.SupportRow[] = []
    for (const r of records) {
      const v = r.values
      const sys = systemByName.get((v.system ?? '').toLowerCase())
      const cap = capByName.get((v.capability ?? '').toLowerCase())
      let bad = false
      if (!v.system) {
        bad = true
        issue(r.line, 'system', 'Name the system')
      } else if (!sys) {
        bad = true
        issue(r.line, 'system', `Unknown system “${v.system}”: add it first (or import systems)`)
      }
      if (!v.capability) {
        bad = true
        issue(r.line, 'capability', 'Name the capability')
      } else if (!cap) {
        bad = true
        issue(r.line, 'capability', `Unknown capability “${v.capability}”: add it to the taxonomy first`)
      }
      if (bad || !sys || !cap) continue
      if (dup(`c|${sys.id}|${cap.id}`, r.line, 'capability')) continue
      const parsed = SupportInputSchema.safeParse({
        systemId: sys.id,
        capabilityId: cap.id,
        level: enumValue(SUPPORT_LABELS, v.level ?? ''),
        note: v.note,
      })
      if (!parsed.success) {
        zodIssues(r.line, parsed.error, { level: 'level', note: 'note' })
        continue
      }
      writes.push(parsed.data)
      const isUpdate = existing.has(`${sys.id}|${cap.id}`)
      if (isUpdate) report.updated++
      else report.created++
      if (report.preview.length < 100) report.preview.push({ line: r.line, action: isUpdate ? 'update' : 'create', values: v })
    }
    return done(async (tx) => {
      for (const w of writes) await inv.upsertSupport(tx, workspaceId, w)
    })
  }

  // integrations
  const current = await inv.listIntegrations(db, workspaceId)
  const existing = new Set(current.map((i) => `${i.fromSystemId}|${i.toSystemId}|${i.name.toLowerCase()}`))
  const writes: IntegrationInput[] = []
  const columnOf: Record<string, string> = {
    fromSystemId: 'from',
    toSystemId: 'to',
    name: 'name',
    direction: 'direction',
    objects: 'objects',
    frequency: 'frequency',
    status: 'status',
    liveFrom: 'live_from',
    notes: 'notes',
  }
  for (const r of records) {
    const v = r.values
    const from = systemByName.get((v.from ?? '').toLowerCase())
    const to = systemByName.get((v.to ?? '').toLowerCase())
    let bad = false
    for (const [col, sys] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!v[col]) {
        bad = true
        issue(r.line, col, 'Name the system')
      } else if (!sys) {
        bad = true
        issue(r.line, col, `Unknown system “${v[col]}”: add it first (or import systems)`)
      }
    }
    if (bad || !from || !to) continue
    const name = v.name ?? ''
    if (dup(`i|${from.id}|${to.id}|${name.toLowerCase()}`, r.line, 'to')) continue
    const parsed = IntegrationInputSchema.safeParse({
      fromSystemId: from.id,
      toSystemId: to.id,
      name,
      direction: v.direction ? enumValue(DIRECTION_LABELS, v.direction) : 'one_way',
      objects: v.objects ?? '',
      frequency: v.frequency ? enumValue(FREQUENCY_LABELS, v.frequency) : 'daily',
      status: v.status ? enumValue(INTEGRATION_STATUS_LABELS, v.status) : 'active',
      liveFrom: v.live_from,
      notes: v.notes,
    })
    if (!parsed.success) {
      zodIssues(r.line, parsed.error, columnOf)
      continue
    }
    writes.push(parsed.data)
    const isUpdate = existing.has(`${from.id}|${to.id}|${name.toLowerCase()}`)
    if (isUpdate) report.updated++
    else report.created++
    if (report.preview.length < 100) report.preview.push({ line: r.line, action: isUpdate ? 'update' : 'create', values: v })
  }
  return done(async (tx) => {
    for (const w of writes) await inv.upsertIntegrationByIdentity(tx, workspaceId, w)
  })
}

class ImportRefused extends Error {
  constructor(readonly report: ImportReport) {
    super('import refused')
  }
}

/**
 * Validates a CSV and, unless `dryRun`, writes every row in one transaction: all or nothing.
 * Any error in any row writes nothing; the report lists each one with its line and column.
 */
export async function importInventory(actor: Actor, args: { kind: ImportKind; text: string; dryRun: boolean }): Promise<ImportReport> {
  assertCanEditInventory(actor)
  if (args.dryRun) return (await planImport(getSql(), actor.workspaceId, args.kind, args.text, true)).report
  try {
    return await writeInventory(actor, [], async (tx) => {
      const plan = await planImport(tx, actor.workspaceId, args.kind, args.text, false)
      plan.report.errors.sort((a, b) => a.line - b.line)
      if (plan.report.errors.length) throw new ImportRefused(plan.report)
      await plan.apply(tx)
      plan.report.committed = true
      return plan.report
    })
  } catch (e) {
    if (e instanceof ImportRefused) return e.report
    if (e instanceof AppError) throw e
    throw e
  }
}

/** The inventory as CSV, in the same columns the import reads (a round trip changes nothing). */
export async function exportInventoryCsv(actor: Actor, kind: ImportKind): Promise<string> {
  assertCanReadInventory(actor)
  const sql = getSql()
  await recordAudit(sql, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'export.downloaded', meta: { kind } })
  if (kind === 'systems') {
    const [systems, members] = await Promise.all([inv.listSystems(sql, actor.workspaceId), listMembers(sql, actor.workspaceId)])
    const email = new Map(members.map((m) => [m.userId, m.email]))
    const cols = [...IMPORT_COLUMNS.systems.required, ...IMPORT_COLUMNS.systems.optional]
    return toCsv(
      cols,
      systems.map((s) => [
        s.name,
        s.category,
        s.vendor,
        s.ownerId ? email.get(s.ownerId) : '',
        s.lifecycle,
        s.endDate,
        s.renewalDate,
        s.annualCost,
        s.seatsPaid,
        s.seatsUsed,
        s.notes,
      ]),
    )
  }
  if (kind === 'support') {
    const { capabilities, systems, support } = await getCapabilityMatrix(actor)
    const sysName = new Map(systems.map((s) => [s.id, s.name]))
    const capName = new Map(capabilities.map((c) => [c.id, c.name]))
    const rows = support
      .map((s) => [sysName.get(s.systemId) ?? '', capName.get(s.capabilityId) ?? '', s.level, s.note])
      .sort((a, b) => a[0]!.localeCompare(b[0]!) || a[1]!.localeCompare(b[1]!))
    return toCsv(['system', 'capability', 'level', 'note'], rows)
  }
  const rows = await inv.listIntegrations(sql, actor.workspaceId)
  return toCsv(
    ['from', 'to', 'objects', 'name', 'direction', 'frequency', 'status', 'live_from', 'notes'],
    rows.map((i) => [i.fromName, i.toName, i.objects, i.name, i.direction, i.frequency, i.status, i.liveFrom, i.notes]),
  )
}
