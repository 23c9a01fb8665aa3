import { assertIfMatch, type IfMatch } from './preconditions.server.ts'
import { json } from '@remix-run/node'
import { getSql, type TransactionSql } from '#db/client.ts'
import { recordAudit } from './audit.server.ts'
import * as inv from '#db/queries/inventory.ts'
import * as requirements from '#db/queries/requirements.ts'
import { listMembers } from '#db/queries/workspaces.ts'
import { AppError, assertNoNul, conflict, forbidden, invalid, notFound, tooLarge } from '#app/domain/errors.ts'
import {
  CATEGORY_LABELS,
  CsvSyntaxError,
  DIRECTION_LABELS,
  FREQUENCY_LABELS,
  INTEGRATION_STATUS_LABELS,
  LIFECYCLE_LABELS,
  parseCsv,
  SUPPORT_LABELS,
  utilisation,
} from '#app/domain/inventory.ts'
import { toCsv } from '#app/domain/csv.ts'
import { canEditInventory, canSeeWorkingMaterial, type Actor } from '#app/domain/policies.ts'
import {
  type CapabilityInputSchema,
  type FigureInputSchema,
  IntegrationInputSchema,
  SupportInputSchema,
  SystemInputSchema,
  type ImportKind,
  type IntegrationInput,
  type SystemInput,
} from '#app/schemas/inventory.ts'
import { bus } from '#app/events/bus.ts'
import type { z } from 'zod'
import { worsenedBy } from '#app/domain/feasibility.ts'
import { publishFeasibility, reevaluateWorkspace, todayIso, type FeasibilityChange } from './feasibility.server.ts'
import { notify } from './notifications.server.ts'
import { listNarrativeOwners } from '#db/queries/narratives.ts'
import type { CapabilityDetailJson, IntegrationJson, SystemJson } from '#app/schemas/responses.ts'

function assertRead(actor: Actor) {
  if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers see approved narratives only; the tech stack is working material')
}
function assertEdit(actor: Actor) {
  assertRead(actor)
  if (!canEditInventory(actor)) throw forbidden('Only owners and editors can change the tech-stack inventory')
}

/** What the actor may do with the inventory, for the UI. */
export function inventoryAbilities(actor: Actor) {
  return { edit: canEditInventory(actor) }
}

const UNIQUE: Record<string, [string, string]> = {
  systems_name_idx: ['name', 'A system with this name already exists'],
  capabilities_name_idx: ['name', 'A capability with this name already exists'],
  integrations_identity_idx: ['name', 'These two systems already have an integration with this name; give it a different name'],
}

/**
 * One inventory write: authorization, a per-workspace lock, the change, re-evaluation of every
 * requirement in the same transaction; then the change feed hears about it.
 */
async function writeInventory<T>(
  actor: Actor,
  systemIds: string[] | ((value: T) => string[]),
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  assertEdit(actor)
  let out: { value: T; changes: Awaited<ReturnType<typeof reevaluateWorkspace>>; notified: () => void }
  try {
    out = await getSql().begin(async (tx) => {
      await inv.lockInventory(tx, actor.workspaceId)
      const value = await fn(tx)
      const changes = await reevaluateWorkspace(tx, actor.workspaceId)
      return { value, changes, notified: await notifyOwnersOfFailures(tx, actor, changes) }
    })
  } catch (e) {
    const pg = e as { code?: string; constraint_name?: string }
    if (pg.code === '23505') {
      const [field, message] = UNIQUE[pg.constraint_name ?? ''] ?? ['_form', 'This already exists']
      throw conflict(message, { [field]: [message] })
    }
    throw e
  }
  bus.publish({
    type: 'inventory.changed',
    workspaceId: actor.workspaceId,
    systemIds: typeof systemIds === 'function' ? systemIds(out.value) : systemIds,
  })
  publishFeasibility(actor.workspaceId, out.changes)
  out.notified()
  return out.value
}

/**
 * Tells the owners of narratives whose requirements newly fail after this inventory change, in
 * the change's transaction ("2 requirements now fail in 'FY27 ABM expansion'").
 */
async function notifyOwnersOfFailures(tx: TransactionSql, actor: Actor, changes: FeasibilityChange[]) {
  const failing = changes.filter((c) => c.newlyFailing > 0)
  const owners = await listNarrativeOwners(tx, { workspaceId: actor.workspaceId, ids: failing.map((c) => c.narrativeId) })
  const count = new Map(failing.map((c) => [c.narrativeId, c.newlyFailing]))
  return notify(
    tx,
    owners.map((n) => {
      const k = count.get(n.id) ?? 0
      return {
        workspaceId: actor.workspaceId,
        userId: n.ownerId,
        kind: 'feasibility' as const,
        actorId: actor.userId,
        narrativeId: n.id,
        excerpt: `${k} requirement${k === 1 ? '' : 's'} now fail${k === 1 ? 's' : ''} in “${n.title}” after a tech-stack change.`,
      }
    }),
  )
}

// ---------- Systems ----------

/** Every system with its utilisation and how much relies on it. */
export async function listSystemsFor(actor: Actor) {
  assertRead(actor)
  const sql = getSql()
  const [systems, support, integrations, dependents] = await Promise.all([
    inv.listSystems(sql, actor.workspaceId),
    inv.listSupport(sql, actor.workspaceId),
    inv.listIntegrations(sql, actor.workspaceId),
    dependentCounts(actor.workspaceId),
  ])
  return systems.map((s) => ({
    ...s,
    utilisation: utilisation(s.seatsPaid, s.seatsUsed),
    capabilities: support.filter((x) => x.systemId === s.id && x.level !== 'none').length,
    integrations: integrations.filter((i) => i.fromSystemId === s.id || i.toSystemId === s.id).length,
    dependents: dependents.get(s.id) ?? 0,
  }))
}

async function dependentCounts(workspaceId: string) {
  const rows = await getSql()<{ id: string; n: number }[]>`
    select x.id::text as id, count(distinct r.narrative_id)::int as n
    from requirements r cross join lateral unnest(r.depends_on) as x(id)
    join narratives n on n.id = r.narrative_id and n.status <> 'archived'
    where r.workspace_id = ${workspaceId}
    group by x.id`
  return new Map(rows.map((r) => [r.id, r.n]))
}

/** One system with its capabilities, integrations, data quality and the narratives that depend on it. */
export async function getSystemFor(actor: Actor, id: string) {
  assertRead(actor)
  const sql = getSql()
  const system = await inv.getSystem(sql, { id, workspaceId: actor.workspaceId })
  if (!system) throw notFound('System')
  const [capabilities, support, integrations, figures, dependents] = await Promise.all([
    inv.listCapabilities(sql, actor.workspaceId),
    inv.listSupport(sql, actor.workspaceId),
    inv.listIntegrations(sql, actor.workspaceId, { systemId: id }),
    inv.listFigures(sql, actor.workspaceId, { systemId: id }),
    requirements.listDependents(sql, { workspaceId: actor.workspaceId, systemId: id }),
  ])
  const mine = new Map(support.filter((s) => s.systemId === id).map((s) => [s.capabilityId, s]))
  return {
    system: { ...system, utilisation: utilisation(system.seatsPaid, system.seatsUsed) },
    support: capabilities.map((c) => ({ capability: c, level: mine.get(c.id)?.level ?? 'none', note: mine.get(c.id)?.note ?? '' })),
    integrations,
    figures,
    dependents,
  }
}

async function assertOwnerIsMember(tx: TransactionSql, workspaceId: string, ownerId: string | null) {
  if (ownerId && !(await inv.isMember(tx, { workspaceId, userId: ownerId }))) {
    throw invalid('Some fields need attention', { ownerId: ['The owner must be a member of this workspace'] })
  }
}

export async function createSystem(actor: Actor, input: SystemInput) {
  return writeInventory(
    actor,
    (id: string) => [id],
    async (tx) => {
      await assertOwnerIsMember(tx, actor.workspaceId, input.ownerId)
      return (await inv.insertSystem(tx, actor.workspaceId, input)).id
    },
  )
}

export async function updateSystem(actor: Actor, id: string, input: SystemInput, ifMatch?: IfMatch) {
  await writeInventory(actor, [id], async (tx) => {
    await assertIfMatch(tx, { table: 'systems', id, workspaceId: actor.workspaceId }, ifMatch, 'System')
    await assertOwnerIsMember(tx, actor.workspaceId, input.ownerId)
    if (!(await inv.updateSystem(tx, { id, workspaceId: actor.workspaceId }, input))) throw notFound('System')
  })
}

/** Merges a partial change (API PATCH) into the stored system and validates the whole. */
export async function patchSystem(actor: Actor, id: string, patch: Record<string, unknown>, ifMatch?: IfMatch) {
  assertRead(actor)
  const current = await inv.getSystem(getSql(), { id, workspaceId: actor.workspaceId })
  if (!current) throw notFound('System')
  const merged = parseOr400(SystemInputSchema, { ...systemInputOf(current), ...patch })
  await updateSystem(actor, id, merged, ifMatch)
}

function systemInputOf(s: inv.SystemRow): SystemInput {
  return {
    name: s.name,
    vendor: s.vendor,
    category: s.category,
    ownerId: s.ownerId,
    lifecycle: s.lifecycle,
    endDate: s.endDate,
    renewalDate: s.renewalDate,
    annualCost: s.annualCost,
    seatsPaid: s.seatsPaid,
    seatsUsed: s.seatsUsed,
    notes: s.notes,
  }
}

/**
 * What saving `input` for a system would break, before it is saved: every requirement whose
 * result would get worse, with its narrative. Nothing is written.
 */
export async function previewSystemChange(actor: Actor, id: string, input: SystemInput) {
  assertEdit(actor)
  const sql = getSql()
  const [inventory, rows] = await Promise.all([
    inv.loadInventory(sql, actor.workspaceId),
    requirements.listWorkspaceRequirements(sql, actor.workspaceId),
  ])
  if (!inventory.systems.some((s) => s.id === id && !s.deleted)) throw notFound('System')
  const after = {
    ...inventory,
    systems: inventory.systems.map((s) =>
      s.id === id ? { ...s, name: input.name, lifecycle: input.lifecycle, endDate: input.endDate, renewalDate: input.renewalDate } : s,
    ),
  }
  const worse = worsenedBy(rows.map(requirements.toEngineRequirement), inventory, after, todayIso())
  const byId = new Map(rows.map((r) => [r.id, r]))
  const narratives = await requirements.narrativeSummaries(sql, {
    workspaceId: actor.workspaceId,
    ids: [...new Set(worse.map((w) => byId.get(w.id)!.narrativeId))],
  })
  return narratives
    .map((n) => ({
      narrativeId: n.id,
      title: n.title,
      status: n.status,
      requirements: worse.filter((w) => byId.get(w.id)!.narrativeId === n.id),
    }))
    .sort((a, b) => a.title.localeCompare(b.title))
}

/**
 * Deletes a system. When requirements rely on it, the first call is refused with 409 and what
 * would break; `confirm: true` deletes anyway and those requirements fail with "system deleted".
 */
export async function deleteSystem(actor: Actor, id: string, opts: { confirm: boolean }) {
  await writeInventory(actor, [id], async (tx) => {
    const system = await inv.getSystem(tx, { id, workspaceId: actor.workspaceId })
    if (!system) throw notFound('System')
    const dependents = await requirements.listDependents(tx, { workspaceId: actor.workspaceId, systemId: id })
    if (dependents.length && !opts.confirm) {
      const n = dependents.reduce((sum, d) => sum + d.requirements, 0)
      throw conflict(
        `${n} requirement${n === 1 ? '' : 's'} in ${dependents.length} narrative${dependents.length === 1 ? '' : 's'} rel${n === 1 ? 'ies' : 'y'} on ${system.name} (${dependents.map((d) => `“${d.title}”`).join(', ')}). Confirm to delete it anyway; they will fail with “system deleted”.`,
      )
    }
    await inv.deleteSystem(tx, { id, workspaceId: actor.workspaceId })
  })
}

// ---------- Capabilities and support ----------

/** The capability taxonomy with each live system's support: the capability matrix. */
export async function getCapabilityMatrix(actor: Actor) {
  assertRead(actor)
  const sql = getSql()
  const [capabilities, systems, support] = await Promise.all([
    inv.listCapabilities(sql, actor.workspaceId),
    inv.listSystems(sql, actor.workspaceId),
    inv.listSupport(sql, actor.workspaceId),
  ])
  return { capabilities, systems, support }
}

export async function listCapabilitiesFor(actor: Actor) {
  assertRead(actor)
  return inv.listCapabilities(getSql(), actor.workspaceId)
}

export async function getCapabilityFor(actor: Actor, id: string) {
  assertRead(actor)
  const sql = getSql()
  const capability = await inv.getCapability(sql, { id, workspaceId: actor.workspaceId })
  if (!capability) throw notFound('Capability')
  const support = (await inv.listSupport(sql, actor.workspaceId)).filter((s) => s.capabilityId === id)
  return { ...capability, support }
}

export async function createCapability(actor: Actor, input: z.infer<typeof CapabilityInputSchema>) {
  return writeInventory(actor, [], async (tx) => (await inv.insertCapability(tx, actor.workspaceId, input)).id)
}

export async function updateCapability(actor: Actor, id: string, input: z.infer<typeof CapabilityInputSchema>, ifMatch?: IfMatch) {
  await writeInventory(actor, [], async (tx) => {
    await assertIfMatch(tx, { table: 'capabilities', id, workspaceId: actor.workspaceId }, ifMatch, 'Capability')
    if (!(await inv.updateCapability(tx, { id, workspaceId: actor.workspaceId }, input))) throw notFound('Capability')
  })
}

export async function deleteCapability(actor: Actor, id: string) {
  await writeInventory(actor, [], async (tx) => {
    if (!(await inv.deleteCapability(tx, { id, workspaceId: actor.workspaceId }))) throw notFound('Capability')
  })
}

export async function setSupport(actor: Actor, input: z.infer<typeof SupportInputSchema>) {
  await writeInventory(actor, [input.systemId], async (tx) => {
    if (!(await inv.upsertSupport(tx, actor.workspaceId, input))) throw notFound('System or capability')
  })
}

// ---------- Integrations ----------

export async function listIntegrationsFor(actor: Actor) {
  assertRead(actor)
  return inv.listIntegrations(getSql(), actor.workspaceId)
}

export async function getIntegrationFor(actor: Actor, id: string) {
  assertRead(actor)
  const row = await inv.getIntegration(getSql(), { id, workspaceId: actor.workspaceId })
  if (!row) throw notFound('Integration')
  return row
}

export async function createIntegration(actor: Actor, input: IntegrationInput) {
  return writeInventory(actor, [input.fromSystemId, input.toSystemId], async (tx) => {
    const row = await inv.insertIntegration(tx, actor.workspaceId, input)
    if (!row) throw invalid('Some fields need attention', { fromSystemId: ['Choose two systems of this workspace'] })
    return row.id
  })
}

export async function updateIntegration(actor: Actor, id: string, input: IntegrationInput, ifMatch?: IfMatch) {
  await writeInventory(actor, [input.fromSystemId, input.toSystemId], async (tx) => {
    await assertIfMatch(tx, { table: 'integrations', id, workspaceId: actor.workspaceId }, ifMatch, 'Integration')
    if (!(await inv.getIntegration(tx, { id, workspaceId: actor.workspaceId }))) throw notFound('Integration')
    if (!(await inv.updateIntegration(tx, { id, workspaceId: actor.workspaceId }, input))) {
      throw invalid('Some fields need attention', { fromSystemId: ['Choose two systems of this workspace'] })
    }
  })
}

export async function patchIntegration(actor: Actor, id: string, patch: Record<string, unknown>, ifMatch?: IfMatch) {
  const current = await getIntegrationFor(actor, id)
  const { id: _id, fromName: _f, toName: _t, updatedAt: _u, ...fields } = current
  await updateIntegration(actor, id, parseOr400(IntegrationInputSchema, { ...fields, ...patch }), ifMatch)
}

export async function deleteIntegration(actor: Actor, id: string) {
  await writeInventory(actor, [], async (tx) => {
    if (!(await inv.deleteIntegration(tx, { id, workspaceId: actor.workspaceId }))) throw notFound('Integration')
  })
}

// ---------- Data quality ----------

export async function recordFigure(actor: Actor, systemId: string, input: z.infer<typeof FigureInputSchema>) {
  await writeInventory(actor, [systemId], async (tx) => {
    if (!(await inv.upsertFigure(tx, actor.workspaceId, { ...input, systemId, recordedBy: actor.userId }))) throw notFound('System')
  })
}

export async function deleteFigure(actor: Actor, args: { systemId: string; figureId: string }) {
  await writeInventory(actor, [args.systemId], async (tx) => {
    if (!(await inv.deleteFigure(tx, { id: args.figureId, workspaceId: actor.workspaceId, systemId: args.systemId })))
      throw notFound('Figure')
  })
}

/** Members, for choosing a system's owner. */
export async function listOwnerChoices(actor: Actor) {
  assertRead(actor)
  return (await listMembers(getSql(), actor.workspaceId)).map((m) => ({ id: m.userId, name: m.name, email: m.email }))
}

/** The whole inventory as the stack map draws it. */
export async function getStackMap(actor: Actor) {
  assertRead(actor)
  const sql = getSql()
  const [systems, integrations] = await Promise.all([inv.listSystems(sql, actor.workspaceId), inv.listIntegrations(sql, actor.workspaceId)])
  return { systems, integrations }
}

function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  assertNoNul(input)
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const errors: Record<string, string[]> = {}
  for (const issue of r.error.issues) (errors[issue.path.map(String).join('.') || '_form'] ??= []).push(issue.message)
  throw invalid('Some fields need attention', errors)
}

// ---------- CSV import and export ----------

/** The most an import accepts; a larger upload is refused with 413 before it is read. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024
export const IMPORT_MAX_ROWS = 5000

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

/**
 * Reads an upload as UTF-8 text with a byte limit: 413 when it is larger, 400 when it is not
 * text (NUL bytes, invalid UTF-8). The body is counted while it streams, not trusted from headers.
 */
export async function readCsvBody(request: Request, maxBytes = IMPORT_MAX_BYTES): Promise<string> {
  const tooBig = () =>
    tooLarge(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Split it into smaller files and import them one by one.`)
  const declared = Number(request.headers.get('Content-Length') ?? 0)
  if (declared > maxBytes) throw tooBig()
  if (!request.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooBig()
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    bytes.set(c, at)
    at += c.byteLength
  }
  return decodeCsvBytes(bytes)
}

/** UTF-8 text or a 400 that says why not. */
export function decodeCsvBytes(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0)
  if (nul !== -1)
    throw invalid(`This is not a CSV text file: it contains binary data (byte ${nul + 1}). Export the sheet as CSV (UTF-8) and try again.`)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw invalid('This file is not UTF-8 text. Export the sheet as “CSV UTF-8” and try again.')
  }
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
    rows = parseCsv(text)
  } catch (e) {
    if (e instanceof CsvSyntaxError) report.errors.push({ line: e.line, column: null, message: e.message })
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
  if (body.length > IMPORT_MAX_ROWS) {
    report.errors.push({
      line: body[IMPORT_MAX_ROWS]!.line,
      column: null,
      message: `At most ${IMPORT_MAX_ROWS} rows per import; split the file`,
    })
    return done()
  }
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
  assertEdit(actor)
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
  assertRead(actor)
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

/** Form fields with repeated keys (checkbox groups) as arrays. */
export async function readFormValues(request: Request, maxBytes = 256 * 1024): Promise<Record<string, string | string[]>> {
  // Called from routes before any error mapping: refusals are thrown Responses, never a 500.
  if (Number(request.headers.get('Content-Length') ?? 0) > maxBytes) throw json({ message: 'The form is too large' }, { status: 413 })
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    throw json({ message: 'The form could not be read' }, { status: 400 })
  }
  const out: Record<string, string | string[]> = {}
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v): v is string => typeof v === 'string')
    out[key] = all.length > 1 ? all : (all[0] ?? '')
  }
  return out
}

// ---------- API shapes ----------

/** A system as the API returns it. */
export function systemJson(s: inv.SystemRow): SystemJson {
  return {
    id: s.id,
    name: s.name,
    vendor: s.vendor,
    category: s.category,
    owner: s.ownerId ? { id: s.ownerId, name: s.ownerName } : null,
    lifecycle: s.lifecycle,
    endDate: s.endDate,
    renewalDate: s.renewalDate,
    annualCost: s.annualCost,
    seatsPaid: s.seatsPaid,
    seatsUsed: s.seatsUsed,
    utilisation: utilisation(s.seatsPaid, s.seatsUsed),
    notes: s.notes,
    updatedAt: s.updatedAt.toISOString(),
  }
}

/** A capability with the systems that support it, as the API returns it. */
export function capabilityDetailJson(c: Awaited<ReturnType<typeof getCapabilityFor>>): CapabilityDetailJson {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    support: c.support.map((s) => ({ systemId: s.systemId, level: s.level, note: s.note })),
  }
}

/** An integration as the API returns it. */
export function integrationJson(i: inv.IntegrationRow): IntegrationJson {
  return {
    id: i.id,
    from: { id: i.fromSystemId, name: i.fromName },
    to: { id: i.toSystemId, name: i.toName },
    name: i.name,
    direction: i.direction,
    objects: i.objects,
    frequency: i.frequency,
    status: i.status,
    liveFrom: i.liveFrom,
    notes: i.notes,
    updatedAt: i.updatedAt.toISOString(),
  }
}
