import type { Db } from '../client.ts'
import type { FeasibilityStatus, Reason, Requirement } from '#app/domain/feasibility.ts'
import type { AssessmentDecision, BarOp, DataObject, Effort, Measure, RequirementKind } from '#app/domain/inventory.ts'
import type { NarrativeStatus } from '#app/domain/policies.ts'

export interface RequirementRow {
  id: string
  narrativeId: string
  kind: RequirementKind
  capabilityId: string | null
  capabilityName: string | null
  systemId: string | null
  systemName: string | null
  toSystemId: string | null
  toSystemName: string | null
  objects: DataObject[]
  object: DataObject | null
  measure: Measure | null
  field: string | null
  op: BarOp | null
  threshold: number | null
  neededBy: string | null
  note: string
  createdAt: Date
  status: FeasibilityStatus
  reasons: Reason[]
  fingerprint: string
  dependsOn: string[]
  assessment: AssessmentRow | null
}

export interface AssessmentRow {
  decision: AssessmentDecision
  effort: Effort | null
  note: string
  assessedBy: string | null
  assessedByName: string | null
  assessedAt: string
  statusAt: FeasibilityStatus
  fingerprintAt: string
}

export interface NewRequirement {
  kind: RequirementKind
  capabilityId: string | null
  capabilityName: string | null
  systemId: string | null
  systemName: string | null
  toSystemId: string | null
  toSystemName: string | null
  objects: DataObject[]
  object: DataObject | null
  measure: Measure | null
  field: string | null
  op: BarOp | null
  threshold: number | null
  neededBy: string | null
  note: string
}

// Names follow renames in the inventory; the stored name is what was typed (or the name at the time).
const columns = (db: Db) => db`
  r.id, r.narrative_id as "narrativeId", r.kind,
  r.capability_id as "capabilityId", coalesce(c.name, r.capability_name) as "capabilityName",
  r.system_id as "systemId", coalesce(s.name, r.system_name) as "systemName",
  r.to_system_id as "toSystemId", coalesce(t.name, r.to_system_name) as "toSystemName",
  r.objects, r.object, r.measure, r.field, r.op, r.threshold, r.needed_by::text as "neededBy", r.note,
  r.created_at as "createdAt", r.status, r.reasons, r.fingerprint, r.depends_on::text[] as "dependsOn",
  case when a.requirement_id is null then null else json_build_object(
    'decision', a.decision, 'effort', a.effort, 'note', a.note, 'assessedBy', a.assessed_by,
    'assessedByName', au.name, 'assessedAt', a.assessed_at, 'statusAt', a.status_at, 'fingerprintAt', a.fingerprint_at)
  end as assessment`

const joins = (db: Db) => db`
  left join capabilities c on c.id = r.capability_id
  left join systems s on s.id = r.system_id
  left join systems t on t.id = r.to_system_id
  left join requirement_assessments a on a.requirement_id = r.id
  left join users au on au.id = a.assessed_by`

/** A narrative's requirements, oldest first (the narrative must be in the workspace). */
export async function listRequirements(db: Db, args: { workspaceId: string; narrativeId: string }) {
  return db<RequirementRow[]>`
    select ${columns(db)} from requirements r ${joins(db)}
    where r.workspace_id = ${args.workspaceId} and r.narrative_id = ${args.narrativeId}
    order by r.created_at, r.id`
}

/** Every requirement of the workspace, for re-evaluation after an inventory change. */
export async function listWorkspaceRequirements(db: Db, workspaceId: string) {
  return db<RequirementRow[]>`
    select ${columns(db)} from requirements r ${joins(db)}
    where r.workspace_id = ${workspaceId}
    order by r.created_at, r.id`
}

export async function getRequirement(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[RequirementRow?]>`
    select ${columns(db)} from requirements r ${joins(db)} where r.id = ${args.id} and r.workspace_id = ${args.workspaceId}`
  return row ?? null
}

export async function insertRequirement(db: Db, args: { workspaceId: string; narrativeId: string; createdBy: string }, f: NewRequirement) {
  const [row] = await db<[{ id: string }]>`
    insert into requirements (workspace_id, narrative_id, created_by, kind, capability_id, capability_name, system_id, system_name,
      to_system_id, to_system_name, objects, object, measure, field, op, threshold, needed_by, note)
    values (${args.workspaceId}, ${args.narrativeId}, ${args.createdBy}, ${f.kind}, ${f.capabilityId}, ${f.capabilityName},
      ${f.systemId}, ${f.systemName}, ${f.toSystemId}, ${f.toSystemName}, ${f.objects}::text[], ${f.object}, ${f.measure},
      ${f.field}, ${f.op}, ${f.threshold}, ${f.neededBy}, ${f.note})
    returning id`
  return row
}

export async function deleteRequirement(db: Db, args: { id: string; workspaceId: string; narrativeId: string }) {
  const rows = await db`delete from requirements
    where id = ${args.id} and workspace_id = ${args.workspaceId} and narrative_id = ${args.narrativeId} returning id`
  return rows.length > 0
}

/** Stores new evaluations in one statement. */
export async function storeEvaluations(
  db: Db,
  rows: { id: string; status: FeasibilityStatus; reasons: Reason[]; fingerprint: string; dependsOn: string[] }[],
) {
  if (!rows.length) return
  const payload = rows.map((r) => ({ id: r.id, status: r.status, reasons: r.reasons, fingerprint: r.fingerprint, depends_on: r.dependsOn }))
  await db`
    update requirements r set status = x.status, reasons = x.reasons, fingerprint = x.fingerprint,
      depends_on = x.depends_on, evaluated_at = now()
    from jsonb_to_recordset(${db.json(payload as never)}::jsonb)
      as x(id uuid, status text, reasons jsonb, fingerprint text, depends_on uuid[])
    where r.id = x.id`
}

export async function upsertAssessment(
  db: Db,
  args: { requirementId: string; workspaceId: string; assessedBy: string; statusAt: FeasibilityStatus; fingerprintAt: string },
  f: { decision: AssessmentDecision; effort: Effort | null; note: string },
) {
  await db`
    insert into requirement_assessments (requirement_id, workspace_id, decision, effort, note, assessed_by, status_at, fingerprint_at)
    values (${args.requirementId}, ${args.workspaceId}, ${f.decision}, ${f.effort}, ${f.note}, ${args.assessedBy}, ${args.statusAt}, ${args.fingerprintAt})
    on conflict (requirement_id) do update set decision = excluded.decision, effort = excluded.effort, note = excluded.note,
      assessed_by = excluded.assessed_by, assessed_at = now(), status_at = excluded.status_at, fingerprint_at = excluded.fingerprint_at`
}

export async function deleteAssessment(db: Db, args: { requirementId: string; workspaceId: string }) {
  await db`delete from requirement_assessments where requirement_id = ${args.requirementId} and workspace_id = ${args.workspaceId}`
}

export interface DependentRow {
  narrativeId: string
  title: string
  narrativeStatus: NarrativeStatus
  requirements: number
  statuses: FeasibilityStatus[]
}

/** Narratives with requirements that rely on a system (named it, or their evaluation went through it). */
export async function listDependents(db: Db, args: { workspaceId: string; systemId: string }) {
  return db<DependentRow[]>`
    select n.id as "narrativeId", n.title, n.status as "narrativeStatus", count(*)::int as requirements,
      array_agg(r.status) as statuses
    from requirements r join narratives n on n.id = r.narrative_id
    where r.workspace_id = ${args.workspaceId} and n.status <> 'archived'
      and (r.depends_on @> array[${args.systemId}::uuid] or r.system_id = ${args.systemId} or r.to_system_id = ${args.systemId})
    group by n.id, n.title, n.status
    order by n.title`
}

/** Per system id, how many live narratives have a requirement relying on it. */
export async function countDependentNarratives(db: Db, workspaceId: string): Promise<Map<string, number>> {
  const rows = await db<{ id: string; n: number }[]>`
    select x.id::text as id, count(distinct r.narrative_id)::int as n
    from requirements r cross join lateral unnest(r.depends_on) as x(id)
    join narratives n on n.id = r.narrative_id and n.status <> 'archived'
    where r.workspace_id = ${workspaceId}
    group by x.id`
  return new Map(rows.map((r) => [r.id, r.n]))
}

/** How many requirements name a system directly (deleting it asks for confirmation then). */
export async function countRequirementsNaming(db: Db, args: { workspaceId: string; systemId: string }) {
  const [row] = await db<[{ n: number }]>`
    select count(*)::int as n from requirements
    where workspace_id = ${args.workspaceId} and (system_id = ${args.systemId} or to_system_id = ${args.systemId}
      or depends_on @> array[${args.systemId}::uuid])`
  return row.n
}

/** The engine's view of a stored requirement. */
export function toEngineRequirement(r: RequirementRow): Requirement {
  const ref = (id: string | null, name: string | null) => ({ id, name: name ?? '' })
  switch (r.kind) {
    case 'capability':
      return {
        id: r.id,
        kind: 'capability',
        capability: ref(r.capabilityId, r.capabilityName),
        system: r.systemId || r.systemName ? ref(r.systemId, r.systemName) : null,
        neededBy: r.neededBy,
      }
    case 'flow':
      return {
        id: r.id,
        kind: 'flow',
        from: ref(r.systemId, r.systemName),
        to: ref(r.toSystemId, r.toSystemName),
        objects: r.objects,
        neededBy: r.neededBy,
      }
    case 'data_quality':
      return {
        id: r.id,
        kind: 'data_quality',
        system: ref(r.systemId, r.systemName),
        object: r.object ?? 'contacts',
        measure: r.measure ?? 'duplicate_rate',
        field: r.field || null,
        op: r.op ?? 'at_most',
        threshold: r.threshold ?? 0,
        neededBy: r.neededBy,
      }
  }
}

/** Titles and statuses of narratives of the workspace (archived ones left out). */
export async function narrativeSummaries(db: Db, args: { workspaceId: string; ids: string[] }) {
  if (!args.ids.length) return []
  return db<{ id: string; title: string; status: NarrativeStatus }[]>`
    select id, title, status from narratives
    where workspace_id = ${args.workspaceId} and id = any(${args.ids}::uuid[]) and status <> 'archived'`
}
