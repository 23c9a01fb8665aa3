import type { Db } from '../client.ts'
import type { FeasibilityStatus } from '#app/domain/feasibility.ts'
import type { EffortSize, InitiativeStatus, ScoringWeights } from '#app/domain/prioritisation.ts'

export interface ImpactRow {
  metricKey: string
  /** Set when the key names a metric of the dictionary. */
  metricId: string | null
  metricName: string | null
  direction: 'higher' | 'lower' | null
  expectedChange: number
  confidence: number
}

export interface InitiativeRow {
  id: string
  title: string
  description: string
  ownerId: string | null
  ownerName: string | null
  narrativeId: string | null
  narrativeTitle: string | null
  timeframe: string
  status: InitiativeStatus
  effort: EffortSize
  effortWeeks: number | null
  position: number
  createdAt: Date
  updatedAt: Date
  impacts: ImpactRow[]
  /** The stored feasibility results of the linked narrative's requirements (none: unknown). */
  narrativeFeasibility: FeasibilityStatus[]
}

const columns = (db: Db) => db`
  i.id, i.title, i.description, i.owner_id as "ownerId", o.name as "ownerName",
  i.narrative_id as "narrativeId", n.title as "narrativeTitle", i.timeframe, i.status, i.effort,
  i.effort_weeks as "effortWeeks", i.position, i.created_at as "createdAt", i.updated_at as "updatedAt",
  coalesce((
    select json_agg(json_build_object('metricKey', x.metric_key, 'metricId', m.id, 'metricName', m.name,
      'direction', m.direction, 'expectedChange', x.expected_change, 'confidence', x.confidence) order by x.position)
    from initiative_impacts x left join metrics m on m.id = x.metric_id and m.workspace_id = i.workspace_id
    where x.initiative_id = i.id), '[]') as impacts,
  coalesce((
    select array_agg(r.status) from requirements r
    where r.narrative_id = i.narrative_id and r.workspace_id = i.workspace_id), '{}') as "narrativeFeasibility"`

const from = (db: Db) => db`
  initiatives i
  left join users o on o.id = i.owner_id
  left join narratives n on n.id = i.narrative_id and n.workspace_id = i.workspace_id`

/** Every initiative of the workspace, in board order (timeframe, then position). */
export async function listInitiatives(db: Db, workspaceId: string) {
  return db<InitiativeRow[]>`
    select ${columns(db)} from ${from(db)}
    where i.workspace_id = ${workspaceId}
    order by i.timeframe, i.position, i.created_at
    limit 2000`
}

/** An initiative of the workspace, or null (missing and foreign look the same). */
export async function getInitiative(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[InitiativeRow?]>`
    select ${columns(db)} from ${from(db)}
    where i.id = ${args.id} and i.workspace_id = ${args.workspaceId}`
  return row ?? null
}

/** Locks an initiative of the workspace for a change; null when it is not there. */
export async function lockInitiative(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[{ id: string; ownerId: string | null; timeframe: string; title: string }?]>`
    select id, owner_id as "ownerId", timeframe, title from initiatives
    where id = ${args.id} and workspace_id = ${args.workspaceId} for update`
  return row ?? null
}

export interface InitiativeFields {
  title: string
  description: string
  ownerId: string | null
  narrativeId: string | null
  timeframe: string
  status: InitiativeStatus
  effort: EffortSize
  effortWeeks: number | null
}

/** Creates an initiative at the end of its column; returns its id. */
export async function insertInitiative(db: Db, args: { workspaceId: string; createdBy: string } & InitiativeFields) {
  const [row] = await db<[{ id: string }]>`
    insert into initiatives (workspace_id, title, description, owner_id, narrative_id, timeframe, status, effort,
      effort_weeks, position, created_by)
    values (${args.workspaceId}, ${args.title}, ${args.description}, ${args.ownerId}, ${args.narrativeId}, ${args.timeframe},
      ${args.status}, ${args.effort}, ${args.effortWeeks},
      coalesce((select max(position) + 1 from initiatives where workspace_id = ${args.workspaceId} and timeframe = ${args.timeframe}), 0),
      ${args.createdBy})
    returning id`
  return row.id
}

/** Writes the fields of an initiative of the workspace. */
export async function updateInitiative(db: Db, args: { id: string; workspaceId: string } & InitiativeFields) {
  await db`
    update initiatives set title = ${args.title}, description = ${args.description}, owner_id = ${args.ownerId},
      narrative_id = ${args.narrativeId}, timeframe = ${args.timeframe}, status = ${args.status}, effort = ${args.effort},
      effort_weeks = ${args.effortWeeks}, updated_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId}`
}

/** Replaces an initiative's expected impacts, linking each key to the workspace's metric of that key. */
export async function replaceImpacts(
  db: Db,
  args: { initiativeId: string; workspaceId: string; impacts: { metric: string; expectedChange: number; confidence: number }[] },
) {
  await db`delete from initiative_impacts where initiative_id = ${args.initiativeId}`
  if (args.impacts.length === 0) return
  await db`
    insert into initiative_impacts (initiative_id, metric_key, metric_id, expected_change, confidence, position)
    select ${args.initiativeId}, x.key, m.id, x.change, x.confidence, x.position
    from unnest(${args.impacts.map((i) => i.metric)}::text[], ${args.impacts.map((i) => i.expectedChange)}::float8[],
      ${args.impacts.map((i) => i.confidence)}::float8[]) with ordinality as x(key, change, confidence, position)
    left join metrics m on m.workspace_id = ${args.workspaceId} and m.key = x.key`
}

/** Deletes an initiative of the workspace (its impacts, stances and threads go with it). */
export async function deleteInitiative(db: Db, args: { id: string; workspaceId: string }) {
  const rows = await db`delete from initiatives where id = ${args.id} and workspace_id = ${args.workspaceId} returning id`
  return rows.length > 0
}

/** The ids of a board column in order (locked, so concurrent moves into it queue). */
export async function lockColumn(db: Db, args: { workspaceId: string; timeframe: string }) {
  const rows = await db<{ id: string }[]>`
    select id from initiatives where workspace_id = ${args.workspaceId} and timeframe = ${args.timeframe}
    order by position, created_at for update`
  return rows.map((r) => r.id)
}

/** Puts initiatives in a column in the given order (positions 0, 1, 2, …). */
export async function placeInColumn(db: Db, args: { workspaceId: string; timeframe: string; ids: string[] }) {
  if (args.ids.length === 0) return
  await db`
    update initiatives i set timeframe = ${args.timeframe}, position = x.position - 1, updated_at = now()
    from unnest(${args.ids}::uuid[]) with ordinality as x(id, position)
    where i.id = x.id and i.workspace_id = ${args.workspaceId}`
}

/** Whether a narrative belongs to the workspace. */
export async function narrativeInWorkspace(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[{ id: string }?]>`select id from narratives where id = ${args.id} and workspace_id = ${args.workspaceId}`
  return Boolean(row)
}

/** The workspace's scoring weights, or null when it keeps the defaults. */
export async function getWeights(db: Db, workspaceId: string) {
  const [row] = await db<[{ weights: ScoringWeights }?]>`select weights from roadmap_settings where workspace_id = ${workspaceId}`
  return row?.weights ?? null
}

/** Stores the workspace's scoring weights. */
export async function upsertWeights(db: Db, workspaceId: string, weights: ScoringWeights) {
  await db`
    insert into roadmap_settings (workspace_id, weights) values (${workspaceId}, ${db.json(weights as never)})
    on conflict (workspace_id) do update set weights = excluded.weights, updated_at = now()`
}
