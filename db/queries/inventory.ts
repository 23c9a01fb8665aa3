import type { Db } from '../client.ts'
import type { Inventory } from '#app/domain/feasibility.ts'
import type {
  DataObject,
  Direction,
  Frequency,
  IntegrationStatus,
  Lifecycle,
  Measure,
  SupportLevel,
  SystemCategory,
} from '#app/domain/inventory.ts'

// ---------- Systems ----------

export interface SystemRow {
  id: string
  name: string
  vendor: string
  category: SystemCategory
  ownerId: string | null
  ownerName: string | null
  lifecycle: Lifecycle
  endDate: string | null
  renewalDate: string | null
  annualCost: number | null
  seatsPaid: number | null
  seatsUsed: number | null
  notes: string
  updatedAt: Date
}

export interface SystemFields {
  name: string
  vendor: string
  category: SystemCategory
  ownerId: string | null
  lifecycle: Lifecycle
  endDate: string | null
  renewalDate: string | null
  annualCost: number | null
  seatsPaid: number | null
  seatsUsed: number | null
  notes: string
}

const systemColumns = (db: Db) => db`
  s.id, s.name, s.vendor, s.category, s.owner_id as "ownerId", u.name as "ownerName", s.lifecycle,
  s.end_date::text as "endDate", s.renewal_date::text as "renewalDate", s.annual_cost::float8 as "annualCost",
  s.seats_paid as "seatsPaid", s.seats_used as "seatsUsed", s.notes, s.updated_at as "updatedAt"`

/** The workspace's systems (not deleted), by name. */
export async function listSystems(db: Db, workspaceId: string) {
  return db<SystemRow[]>`
    select ${systemColumns(db)}
    from systems s left join users u on u.id = s.owner_id
    where s.workspace_id = ${workspaceId} and s.deleted_at is null
    order by lower(s.name)`
}

/** A live system of the workspace, or null (missing, deleted and foreign look the same). */
export async function getSystem(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[SystemRow?]>`
    select ${systemColumns(db)}
    from systems s left join users u on u.id = s.owner_id
    where s.id = ${args.id} and s.workspace_id = ${args.workspaceId} and s.deleted_at is null`
  return row ?? null
}

export async function insertSystem(db: Db, workspaceId: string, f: SystemFields) {
  const [row] = await db<[{ id: string }]>`
    insert into systems (workspace_id, name, vendor, category, owner_id, lifecycle, end_date, renewal_date,
      annual_cost, seats_paid, seats_used, notes)
    values (${workspaceId}, ${f.name}, ${f.vendor}, ${f.category}, ${f.ownerId}, ${f.lifecycle}, ${f.endDate},
      ${f.renewalDate}, ${f.annualCost}, ${f.seatsPaid}, ${f.seatsUsed}, ${f.notes})
    returning id`
  return row
}

export async function updateSystem(db: Db, args: { id: string; workspaceId: string }, f: SystemFields) {
  const rows = await db`
    update systems set name = ${f.name}, vendor = ${f.vendor}, category = ${f.category}, owner_id = ${f.ownerId},
      lifecycle = ${f.lifecycle}, end_date = ${f.endDate}, renewal_date = ${f.renewalDate},
      annual_cost = ${f.annualCost}, seats_paid = ${f.seatsPaid}, seats_used = ${f.seatsUsed}, notes = ${f.notes},
      updated_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId} and deleted_at is null
    returning id`
  return rows.length > 0
}

/** Soft-deletes a system and removes its support rows, integrations and figures. */
export async function deleteSystem(db: Db, args: { id: string; workspaceId: string }) {
  const rows = await db`update systems set deleted_at = now(), updated_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId} and deleted_at is null returning id`
  if (!rows.length) return false
  await db`delete from capability_support where system_id = ${args.id}`
  await db`delete from integrations where from_system_id = ${args.id} or to_system_id = ${args.id}`
  await db`delete from data_quality where system_id = ${args.id}`
  return true
}

/** Whether `userId` is a member of the workspace (system owners must be). */
export async function isMember(db: Db, args: { workspaceId: string; userId: string }) {
  const rows = await db`select 1 from memberships where workspace_id = ${args.workspaceId} and user_id = ${args.userId}`
  return rows.length > 0
}

/** Members by lower-cased email, for resolving owners in imports. */
export async function memberIdsByEmail(db: Db, workspaceId: string) {
  const rows = await db<{ email: string; id: string }[]>`
    select u.email, u.id from memberships m join users u on u.id = m.user_id where m.workspace_id = ${workspaceId}`
  return new Map(rows.map((r) => [r.email.toLowerCase(), r.id]))
}

// ---------- Capabilities and support ----------

export interface CapabilityRow {
  id: string
  name: string
  description: string
}

export async function listCapabilities(db: Db, workspaceId: string) {
  return db<CapabilityRow[]>`
    select id, name, description from capabilities where workspace_id = ${workspaceId} order by lower(name)`
}

export async function getCapability(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[CapabilityRow?]>`
    select id, name, description from capabilities where id = ${args.id} and workspace_id = ${args.workspaceId}`
  return row ?? null
}

export async function insertCapability(db: Db, workspaceId: string, f: { name: string; description: string }) {
  const [row] = await db<[{ id: string }]>`
    insert into capabilities (workspace_id, name, description) values (${workspaceId}, ${f.name}, ${f.description}) returning id`
  return row
}

export async function updateCapability(db: Db, args: { id: string; workspaceId: string }, f: { name: string; description: string }) {
  const rows = await db`update capabilities set name = ${f.name}, description = ${f.description}
    where id = ${args.id} and workspace_id = ${args.workspaceId} returning id`
  return rows.length > 0
}

export async function deleteCapability(db: Db, args: { id: string; workspaceId: string }) {
  const rows = await db`delete from capabilities where id = ${args.id} and workspace_id = ${args.workspaceId} returning id`
  return rows.length > 0
}

export interface SupportRow {
  systemId: string
  capabilityId: string
  level: SupportLevel
  note: string
}

/** Support rows of live systems. */
export async function listSupport(db: Db, workspaceId: string) {
  return db<SupportRow[]>`
    select cs.system_id as "systemId", cs.capability_id as "capabilityId", cs.level, cs.note
    from capability_support cs join systems s on s.id = cs.system_id and s.deleted_at is null
    where cs.workspace_id = ${workspaceId}`
}

/** Sets one system's support for one capability; both must belong to the workspace. */
export async function upsertSupport(db: Db, workspaceId: string, f: SupportRow) {
  const rows = await db`
    insert into capability_support (workspace_id, system_id, capability_id, level, note)
    select ${workspaceId}, s.id, c.id, ${f.level}, ${f.note}
    from systems s, capabilities c
    where s.id = ${f.systemId} and s.workspace_id = ${workspaceId} and s.deleted_at is null
      and c.id = ${f.capabilityId} and c.workspace_id = ${workspaceId}
    on conflict (system_id, capability_id) do update set level = excluded.level, note = excluded.note, updated_at = now()
    returning system_id`
  return rows.length > 0
}

// ---------- Integrations ----------

export interface IntegrationRow {
  id: string
  fromSystemId: string
  fromName: string
  toSystemId: string
  toName: string
  name: string
  direction: Direction
  objects: DataObject[]
  frequency: Frequency
  status: IntegrationStatus
  liveFrom: string | null
  notes: string
  updatedAt: Date
}

export interface IntegrationFields {
  fromSystemId: string
  toSystemId: string
  name: string
  direction: Direction
  objects: DataObject[]
  frequency: Frequency
  status: IntegrationStatus
  liveFrom: string | null
  notes: string
}

const integrationColumns = (db: Db) => db`
  i.id, i.from_system_id as "fromSystemId", f.name as "fromName", i.to_system_id as "toSystemId", t.name as "toName",
  i.name, i.direction, i.objects, i.frequency, i.status, i.live_from::text as "liveFrom", i.notes, i.updated_at as "updatedAt"`

export async function listIntegrations(db: Db, workspaceId: string, opts: { systemId?: string } = {}) {
  return db<IntegrationRow[]>`
    select ${integrationColumns(db)}
    from integrations i join systems f on f.id = i.from_system_id join systems t on t.id = i.to_system_id
    where i.workspace_id = ${workspaceId} and f.deleted_at is null and t.deleted_at is null
      ${opts.systemId ? db`and (i.from_system_id = ${opts.systemId} or i.to_system_id = ${opts.systemId})` : db``}
    order by lower(f.name), lower(t.name), lower(i.name)`
}

export async function getIntegration(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[IntegrationRow?]>`
    select ${integrationColumns(db)}
    from integrations i join systems f on f.id = i.from_system_id join systems t on t.id = i.to_system_id
    where i.id = ${args.id} and i.workspace_id = ${args.workspaceId}`
  return row ?? null
}

/** Both systems must be live systems of the workspace; returns null otherwise. */
export async function insertIntegration(db: Db, workspaceId: string, f: IntegrationFields) {
  const [row] = await db<[{ id: string }?]>`
    insert into integrations (workspace_id, from_system_id, to_system_id, name, direction, objects, frequency, status, live_from, notes)
    select ${workspaceId}, a.id, b.id, ${f.name}, ${f.direction}, ${f.objects}::text[], ${f.frequency}, ${f.status}, ${f.liveFrom}, ${f.notes}
    from systems a, systems b
    where a.id = ${f.fromSystemId} and a.workspace_id = ${workspaceId} and a.deleted_at is null
      and b.id = ${f.toSystemId} and b.workspace_id = ${workspaceId} and b.deleted_at is null
    returning id`
  return row ?? null
}

export async function updateIntegration(db: Db, args: { id: string; workspaceId: string }, f: IntegrationFields) {
  const rows = await db`
    update integrations set from_system_id = a.id, to_system_id = b.id, name = ${f.name}, direction = ${f.direction},
      objects = ${f.objects}::text[], frequency = ${f.frequency}, status = ${f.status}, live_from = ${f.liveFrom},
      notes = ${f.notes}, updated_at = now()
    from systems a, systems b
    where integrations.id = ${args.id} and integrations.workspace_id = ${args.workspaceId}
      and a.id = ${f.fromSystemId} and a.workspace_id = ${args.workspaceId} and a.deleted_at is null
      and b.id = ${f.toSystemId} and b.workspace_id = ${args.workspaceId} and b.deleted_at is null
    returning integrations.id`
  return rows.length > 0
}

/** Upsert by identity (from, to, name): the CSV import's write. */
export async function upsertIntegrationByIdentity(db: Db, workspaceId: string, f: IntegrationFields) {
  const [row] = await db<[{ id: string; created: boolean }]>`
    insert into integrations (workspace_id, from_system_id, to_system_id, name, direction, objects, frequency, status, live_from, notes)
    values (${workspaceId}, ${f.fromSystemId}, ${f.toSystemId}, ${f.name}, ${f.direction}, ${f.objects}::text[], ${f.frequency},
      ${f.status}, ${f.liveFrom}, ${f.notes})
    on conflict (workspace_id, from_system_id, to_system_id, lower(name)) do update set direction = excluded.direction,
      objects = excluded.objects, frequency = excluded.frequency, status = excluded.status, live_from = excluded.live_from,
      notes = excluded.notes, updated_at = now()
    returning id, (xmax = 0) as created`
  return row
}

export async function deleteIntegration(db: Db, args: { id: string; workspaceId: string }) {
  const rows = await db`delete from integrations where id = ${args.id} and workspace_id = ${args.workspaceId} returning id`
  return rows.length > 0
}

// ---------- Data quality ----------

export interface FigureRow {
  id: string
  systemId: string
  object: DataObject
  measure: Measure
  field: string
  value: number
  asOf: string
}

export async function listFigures(db: Db, workspaceId: string, opts: { systemId?: string } = {}) {
  return db<FigureRow[]>`
    select d.id, d.system_id as "systemId", d.object, d.measure, d.field, d.value, d.as_of::text as "asOf"
    from data_quality d join systems s on s.id = d.system_id and s.deleted_at is null
    where d.workspace_id = ${workspaceId} ${opts.systemId ? db`and d.system_id = ${opts.systemId}` : db``}
    order by d.object, d.measure, d.field, d.as_of desc`
}

/** Records a figure (replacing one for the same measure and day); the system must be live in the workspace. */
export async function upsertFigure(db: Db, workspaceId: string, f: Omit<FigureRow, 'id'> & { recordedBy: string }) {
  const [row] = await db<[{ id: string }?]>`
    insert into data_quality (workspace_id, system_id, object, measure, field, value, as_of, recorded_by)
    select ${workspaceId}, s.id, ${f.object}, ${f.measure}, ${f.field}, ${f.value}, ${f.asOf}, ${f.recordedBy}
    from systems s where s.id = ${f.systemId} and s.workspace_id = ${workspaceId} and s.deleted_at is null
    on conflict (system_id, object, measure, lower(field), as_of) do update set value = excluded.value, recorded_by = excluded.recorded_by
    returning id`
  return row ?? null
}

export async function deleteFigure(db: Db, args: { id: string; workspaceId: string; systemId: string }) {
  const rows = await db`delete from data_quality
    where id = ${args.id} and workspace_id = ${args.workspaceId} and system_id = ${args.systemId} returning id`
  return rows.length > 0
}

// ---------- The whole inventory, for the engine ----------

/**
 * Everything the feasibility engine needs, in one read: live systems plus deleted ones that
 * requirements still name (so they fail with "system deleted" instead of vanishing).
 */
export async function loadInventory(db: Db, workspaceId: string): Promise<Inventory> {
  const [systems, capabilities, support, integrations, dataQuality] = await Promise.all([
    db<Inventory['systems']>`
      select s.id, s.name, s.lifecycle, s.end_date::text as "endDate", s.renewal_date::text as "renewalDate",
        (s.deleted_at is not null) as deleted
      from systems s
      where s.workspace_id = ${workspaceId}
        and (s.deleted_at is null or exists (select 1 from requirements r where r.workspace_id = ${workspaceId}
          and (r.system_id = s.id or r.to_system_id = s.id)))`,
    db<Inventory['capabilities']>`select id, name from capabilities where workspace_id = ${workspaceId}`,
    db<Inventory['support']>`
      select system_id as "systemId", capability_id as "capabilityId", level from capability_support where workspace_id = ${workspaceId}`,
    db<Inventory['integrations']>`
      select id, from_system_id as "fromId", to_system_id as "toId", direction, objects, status, live_from::text as "liveFrom"
      from integrations where workspace_id = ${workspaceId}`,
    db<Inventory['dataQuality']>`
      select system_id as "systemId", object, measure, nullif(field, '') as field, value, as_of::text as "asOf"
      from data_quality where workspace_id = ${workspaceId}`,
  ])
  return { systems, capabilities, support, integrations, dataQuality }
}

/** Serialises inventory writes per workspace, so re-evaluation always sees the latest inventory. */
export async function lockInventory(db: Db, workspaceId: string) {
  await db`select pg_advisory_xact_lock(hashtext('inventory'), hashtext(${workspaceId}))`
}
