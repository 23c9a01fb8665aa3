import { getSql, type Db } from '#db/client.ts'
import { loadInventory } from '#db/queries/inventory.ts'
import * as requirements from '#db/queries/requirements.ts'
import { forbidden, notFound } from '#app/domain/errors.ts'
import {
  evaluateOne,
  InventoryIndex,
  overallOf,
  resultFingerprint,
  type FeasibilityStatus,
  type Inventory,
  type Reason,
} from '#app/domain/feasibility.ts'
import { canAssessFeasibility, canEditRequirements, type Actor } from '#app/domain/policies.ts'
import type { RequirementInput } from '#app/schemas/inventory.ts'
import { bus } from '#app/events/bus.ts'
import { getNarrativeFor } from './narratives.server.ts'
import type { FeasibilityJson, RequirementJson } from '#app/schemas/responses.ts'

/** Today as an ISO day (UTC), the engine's notion of "now". */
export function todayIso(now = new Date()): string {
  return now.toISOString().slice(0, 10)
}

/** A narrative whose requirements' results changed, with how many now fail. */
export interface FeasibilityChange {
  narrativeId: string
  failing: number
  /** Requirements that were not failing before this evaluation and fail now. */
  newlyFailing: number
}

/**
 * Re-evaluates every requirement of the workspace against the current inventory inside `db`
 * (the inventory write's transaction) and stores the results that changed.
 */
export async function reevaluateWorkspace(db: Db, workspaceId: string, today = todayIso()): Promise<FeasibilityChange[]> {
  const [inventory, rows] = await Promise.all([loadInventory(db, workspaceId), requirements.listWorkspaceRequirements(db, workspaceId)])
  const ix = new InventoryIndex(inventory)
  const updates: Parameters<typeof requirements.storeEvaluations>[1] = []
  const failing = new Map<string, number>()
  const changed = new Set<string>()
  const newlyFailing = new Map<string, number>()
  for (const row of rows) {
    const r = evaluateOne(ix, requirements.toEngineRequirement(row), today)
    const fingerprint = resultFingerprint(r)
    if (r.status === 'fail') failing.set(row.narrativeId, (failing.get(row.narrativeId) ?? 0) + 1)
    if (fingerprint === row.fingerprint && sameSet(r.dependsOn, row.dependsOn)) continue
    if (r.status === 'fail' && row.status !== 'fail') newlyFailing.set(row.narrativeId, (newlyFailing.get(row.narrativeId) ?? 0) + 1)
    updates.push({ id: row.id, status: r.status, reasons: r.reasons, fingerprint, dependsOn: r.dependsOn })
    changed.add(row.narrativeId)
  }
  await requirements.storeEvaluations(db, updates)
  return [...changed].map((narrativeId) => ({
    narrativeId,
    failing: failing.get(narrativeId) ?? 0,
    newlyFailing: newlyFailing.get(narrativeId) ?? 0,
  }))
}

function sameSet(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((x) => b.includes(x))
}

/** Tells open pages (and later, notifications) which narratives' feasibility changed. */
export function publishFeasibility(workspaceId: string, changes: FeasibilityChange[]) {
  for (const c of changes) bus.publish({ type: 'feasibility.changed', workspaceId, narrativeId: c.narrativeId, failing: c.failing })
}

export interface AssessmentView {
  decision: requirements.AssessmentRow['decision']
  effort: requirements.AssessmentRow['effort']
  note: string
  assessedBy: { id: string | null; name: string | null }
  assessedAt: string
  /** The inventory changed under it: the result is no longer the one that was assessed. */
  stale: boolean
  statusAt: FeasibilityStatus
}

export interface RequirementView {
  id: string
  kind: requirements.RequirementRow['kind']
  /** One line saying what is needed, e.g. "Lead scoring in Marketo". */
  summary: string
  capability: string | null
  system: string | null
  from: string | null
  to: string | null
  objects: string[]
  object: string | null
  measure: string | null
  field: string | null
  op: string | null
  threshold: number | null
  neededBy: string | null
  note: string
  status: FeasibilityStatus
  reasons: Reason[]
  assessment: AssessmentView | null
  /** When it was added (the API lists requirements in this order). */
  createdAt: string
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** One line saying what is needed: "Lead scoring in Marketo", "Duplicate rate ≤ 2% for contacts in Salesforce". */
function summaryOf(r: requirements.RequirementRow): string {
  switch (r.kind) {
    case 'capability':
      return r.systemName ? `${r.capabilityName} in ${r.systemName}` : (r.capabilityName ?? '')
    case 'flow': {
      const objects =
        r.objects.length > 1 ? `${r.objects.slice(0, -1).join(', ')} and ${r.objects[r.objects.length - 1]}` : (r.objects[0] ?? 'data')
      return capitalise(`${objects} from ${r.systemName} to ${r.toSystemName}`)
    }
    case 'data_quality': {
      const what =
        r.measure === 'fill_rate' ? `${r.field ?? ''} fill rate` : r.measure === 'record_count' ? 'record count' : 'duplicate rate'
      const unit = r.measure === 'record_count' ? ' records' : '%'
      return capitalise(
        `${what} ${r.op === 'at_most' ? '≤' : '≥'} ${r.threshold?.toLocaleString('en-US')}${unit} for ${r.object} in ${r.systemName}`,
      )
    }
  }
}

/** Evaluates a narrative's stored requirements now (today's date, the current inventory). */
async function evaluateNarrative(db: Db, workspaceId: string, narrativeId: string, inventory?: Inventory) {
  const [inv, rows] = await Promise.all([
    inventory ?? loadInventory(db, workspaceId),
    requirements.listRequirements(db, { workspaceId, narrativeId }),
  ])
  const ix = new InventoryIndex(inv)
  const today = todayIso()
  return rows.map((row) => ({ row, result: evaluateOne(ix, requirements.toEngineRequirement(row), today) }))
}

function toView(row: requirements.RequirementRow, result: ReturnType<typeof evaluateOne>): RequirementView {
  const a = row.assessment
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    kind: row.kind,
    summary: summaryOf(row),
    capability: row.capabilityName,
    system: row.systemName,
    from: row.kind === 'flow' ? row.systemName : null,
    to: row.toSystemName,
    objects: row.objects,
    object: row.object,
    measure: row.measure,
    field: row.field,
    op: row.op,
    threshold: row.threshold,
    neededBy: row.neededBy,
    note: row.note,
    status: result.status,
    reasons: result.reasons,
    assessment: a
      ? {
          decision: a.decision,
          effort: a.effort,
          note: a.note,
          assessedBy: { id: a.assessedBy, name: a.assessedByName },
          assessedAt: a.assessedAt,
          stale: a.fingerprintAt !== resultFingerprint(result),
          statusAt: a.statusAt,
        }
      : null,
  }
}

/** A narrative's feasibility: every requirement with its result, reasons and assessment, and the overall. */
export async function getNarrativeFeasibility(actor: Actor, narrativeId: string) {
  const narrative = await getNarrativeFor(actor, narrativeId)
  const evaluated = await evaluateNarrative(getSql(), actor.workspaceId, narrative.id)
  const views = evaluated.map(({ row, result }) => toView(row, result))
  return {
    narrative,
    overall: overallOf(views),
    requirements: views,
    can: { edit: canEditRequirements(actor, narrative), assess: canAssessFeasibility(actor) },
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** An inventory reference from what was typed or picked: by id, then by name; otherwise the bare name (unknown). */
function resolve(value: string | null, items: { id: string; name: string; deleted?: boolean }[]) {
  if (value === null) return { id: null, name: null }
  const live = items.filter((i) => !i.deleted)
  const hit =
    (UUID.test(value) ? live.find((i) => i.id === value.toLowerCase()) : null) ??
    live.find((i) => i.name.toLowerCase() === value.toLowerCase())
  return hit ? { id: hit.id, name: hit.name } : { id: null, name: value }
}

async function narrativeForRequirements(actor: Actor, narrativeId: string) {
  const narrative = await getNarrativeFor(actor, narrativeId)
  if (!canEditRequirements(actor, narrative)) throw forbidden('Only owners and editors can change the requirements of this narrative')
  return narrative
}

/** States a requirement on a narrative; names not in the inventory are kept (and evaluate to unknown). */
export async function addRequirement(actor: Actor, narrativeId: string, input: RequirementInput) {
  const narrative = await narrativeForRequirements(actor, narrativeId)
  const id = await getSql().begin(async (tx) => {
    const inventory = await loadInventory(tx, actor.workspaceId)
    const cap = resolve(input.capability, inventory.capabilities)
    const sys = resolve(input.kind === 'flow' ? input.from : input.system, inventory.systems)
    const to = resolve(input.kind === 'flow' ? input.to : null, inventory.systems)
    const dq = input.kind === 'data_quality'
    const row = await requirements.insertRequirement(
      tx,
      { workspaceId: actor.workspaceId, narrativeId: narrative.id, createdBy: actor.userId },
      {
        kind: input.kind,
        capabilityId: input.kind === 'capability' ? cap.id : null,
        capabilityName: input.kind === 'capability' ? cap.name : null,
        systemId: sys.id,
        systemName: sys.name,
        toSystemId: to.id,
        toSystemName: to.name,
        objects: input.kind === 'flow' ? input.objects : [],
        object: dq ? input.object : null,
        measure: dq ? input.measure : null,
        field: dq && input.measure === 'fill_rate' ? input.field : null,
        op: dq ? (input.op ?? (input.measure === 'duplicate_rate' ? 'at_most' : 'at_least')) : null,
        threshold: dq ? input.threshold : null,
        neededBy: input.neededBy,
        note: input.note,
      },
    )
    return row.id
  })
  await refreshNarrative(actor.workspaceId, narrative.id)
  return id
}

export async function removeRequirement(actor: Actor, args: { narrativeId: string; requirementId: string }) {
  const narrative = await narrativeForRequirements(actor, args.narrativeId)
  const ok = await requirements.deleteRequirement(getSql(), {
    id: args.requirementId,
    workspaceId: actor.workspaceId,
    narrativeId: narrative.id,
  })
  if (!ok) throw notFound('Requirement')
  await refreshNarrative(actor.workspaceId, narrative.id)
}

/** Records MOps' assessment against the result as it is now (so a later change marks it stale). */
export async function assessRequirement(
  actor: Actor,
  args: { narrativeId: string; requirementId: string },
  input: { decision: requirements.AssessmentRow['decision']; effort: requirements.AssessmentRow['effort']; note: string },
) {
  const narrative = await getNarrativeFor(actor, args.narrativeId)
  if (!canAssessFeasibility(actor)) throw forbidden('Only owners and editors can assess feasibility')
  await getSql().begin(async (tx) => {
    const evaluated = await evaluateNarrative(tx, actor.workspaceId, narrative.id)
    const hit = evaluated.find((e) => e.row.id === args.requirementId)
    if (!hit) throw notFound('Requirement')
    await requirements.upsertAssessment(
      tx,
      {
        requirementId: hit.row.id,
        workspaceId: actor.workspaceId,
        assessedBy: actor.userId,
        statusAt: hit.result.status,
        fingerprintAt: resultFingerprint(hit.result),
      },
      input,
    )
  })
  bus.publish({ type: 'feasibility.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id, failing: -1 })
}

export async function clearAssessment(actor: Actor, args: { narrativeId: string; requirementId: string }) {
  const narrative = await getNarrativeFor(actor, args.narrativeId)
  if (!canAssessFeasibility(actor)) throw forbidden('Only owners and editors can assess feasibility')
  const row = await requirements.getRequirement(getSql(), { id: args.requirementId, workspaceId: actor.workspaceId })
  if (!row || row.narrativeId !== narrative.id) throw notFound('Requirement')
  await requirements.deleteAssessment(getSql(), { requirementId: row.id, workspaceId: actor.workspaceId })
  bus.publish({ type: 'feasibility.changed', workspaceId: actor.workspaceId, narrativeId: narrative.id, failing: -1 })
}

/** Stores a narrative's fresh results (what depends on which system) and tells open pages. */
async function refreshNarrative(workspaceId: string, narrativeId: string) {
  const sql = getSql()
  const evaluated = await evaluateNarrative(sql, workspaceId, narrativeId)
  await requirements.storeEvaluations(
    sql,
    evaluated.map(({ row, result }) => ({
      id: row.id,
      status: result.status,
      reasons: result.reasons,
      fingerprint: resultFingerprint(result),
      dependsOn: result.dependsOn,
    })),
  )
  const failing = evaluated.filter((e) => e.result.status === 'fail').length
  bus.publish({ type: 'feasibility.changed', workspaceId, narrativeId, failing })
}

/** The API's shape: `{ overall, requirements: [{ id, kind, status, reasons, assessment }] }`. */
export function feasibilityJson(f: Awaited<ReturnType<typeof getNarrativeFeasibility>>): FeasibilityJson {
  return {
    narrativeId: f.narrative.id,
    overall: f.overall,
    requirements: f.requirements.map((r) => ({
      id: r.id,
      kind: r.kind,
      summary: r.summary,
      neededBy: r.neededBy,
      status: r.status,
      reasons: r.reasons.map((x) => ({ code: x.code, status: x.status, message: x.message })),
      assessment: r.assessment
        ? {
            decision: r.assessment.decision,
            effort: r.assessment.effort,
            note: r.assessment.note,
            assessedBy: r.assessment.assessedBy,
            assessedAt: r.assessment.assessedAt,
            stale: r.assessment.stale,
          }
        : null,
    })),
  }
}

/** A requirement in the API's shape. */
export function requirementJson(r: RequirementView): RequirementJson {
  return {
    id: r.id,
    kind: r.kind,
    summary: r.summary,
    capability: r.capability,
    system: r.kind === 'flow' ? null : r.system,
    from: r.from,
    to: r.to,
    objects: r.objects,
    object: r.object,
    measure: r.measure,
    field: r.field,
    op: r.op,
    threshold: r.threshold,
    neededBy: r.neededBy,
    note: r.note,
    status: r.status,
    reasons: r.reasons,
  }
}
