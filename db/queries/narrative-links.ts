import type { Db } from '../client.ts'

export type LinkKind = 'capability' | 'system' | 'metric'

export interface NarrativeLinkRow {
  kind: LinkKind
  refId: string
  refKey: string
  label: string
}

/** The chips a narrative's text held at its last derivation, oldest first. */
export async function listNarrativeLinks(db: Db, args: { workspaceId: string; narrativeId: string }) {
  return db<NarrativeLinkRow[]>`
    select kind, ref_id as "refId", ref_key as "refKey", label from narrative_links
    where workspace_id = ${args.workspaceId} and narrative_id = ${args.narrativeId}
    order by created_at, kind, ref_id`
}

/**
 * Makes a narrative's links exactly `links`: inserts the new ones, refreshes labels and deletes
 * those no longer in the text; returns how many rows were added or removed.
 */
export async function replaceNarrativeLinks(db: Db, args: { workspaceId: string; narrativeId: string; links: NarrativeLinkRow[] }) {
  const payload = args.links.map((l) => ({ kind: l.kind, ref_id: l.refId, ref_key: l.refKey, label: l.label }))
  const removed = await db`
    delete from narrative_links l
    where l.narrative_id = ${args.narrativeId} and not exists (
      select 1 from jsonb_to_recordset(${db.json(payload as never)}::jsonb) as x(kind text, ref_id uuid)
      where x.kind = l.kind and x.ref_id = l.ref_id)
    returning 1`
  const added = await db`
    insert into narrative_links (narrative_id, workspace_id, kind, ref_id, ref_key, label)
    select ${args.narrativeId}, ${args.workspaceId}, x.kind, x.ref_id, x.ref_key, x.label
    from jsonb_to_recordset(${db.json(payload as never)}::jsonb) as x(kind text, ref_id uuid, ref_key text, label text)
    on conflict (narrative_id, kind, ref_id) do update set ref_key = excluded.ref_key, label = excluded.label
      where narrative_links.label <> excluded.label or narrative_links.ref_key <> excluded.ref_key
    returning (xmax = 0) as inserted`
  return { added: added.filter((r) => r.inserted).length, removed: removed.length }
}

export interface TextRequirementRow {
  id: string
  capabilityId: string | null
  source: 'manual' | 'text'
}

/** A narrative's requirements for a capability in any system (manual and derived), for the chip sync. */
export async function listCapabilityRequirements(db: Db, args: { workspaceId: string; narrativeId: string }) {
  return db<TextRequirementRow[]>`
    select id, capability_id as "capabilityId", source from requirements
    where workspace_id = ${args.workspaceId} and narrative_id = ${args.narrativeId}
      and kind = 'capability' and system_id is null and system_name is null`
}

/** States a capability requirement derived from a chip (once: a concurrent derivation inserts nothing). */
export async function insertTextRequirement(
  db: Db,
  args: { workspaceId: string; narrativeId: string; capabilityId: string; capabilityName: string; createdBy: string | null },
) {
  const rows = await db<{ id: string }[]>`
    insert into requirements (workspace_id, narrative_id, created_by, kind, capability_id, capability_name, source)
    values (${args.workspaceId}, ${args.narrativeId}, ${args.createdBy}, 'capability', ${args.capabilityId}, ${args.capabilityName}, 'text')
    on conflict (narrative_id, capability_id) where source = 'text' and kind = 'capability' and system_id is null do nothing
    returning id`
  return rows[0]?.id ?? null
}

/** Deletes derived requirements (never manual ones) of a narrative by id. */
export async function deleteTextRequirements(db: Db, args: { workspaceId: string; narrativeId: string; ids: string[] }) {
  if (!args.ids.length) return 0
  const rows = await db`
    delete from requirements
    where workspace_id = ${args.workspaceId} and narrative_id = ${args.narrativeId} and source = 'text'
      and id = any(${args.ids}::uuid[])
    returning id`
  return rows.length
}

/** Narrative ids whose text references one of `refIds` (for the impact of an inventory change). */
export async function listNarrativesLinking(db: Db, args: { workspaceId: string; kind: LinkKind; refIds: string[] }) {
  if (!args.refIds.length) return []
  const rows = await db<{ narrativeId: string }[]>`
    select distinct narrative_id as "narrativeId" from narrative_links
    where workspace_id = ${args.workspaceId} and kind = ${args.kind} and ref_id = any(${args.refIds}::uuid[])`
  return rows.map((r) => r.narrativeId)
}

/** Locks a narrative row (serialises two derivations of it) and returns its workspace, or null. */
export async function lockNarrativeForLinks(db: Db, narrativeId: string) {
  const [row] = await db<[{ workspaceId: string }?]>`
    select workspace_id as "workspaceId" from narratives where id = ${narrativeId} for update`
  return row ?? null
}

/** Ids of a narrative's requirements that were derived from chips in its text. */
export async function listTextRequirementIds(db: Db, args: { workspaceId: string; narrativeId: string }) {
  const rows = await db<{ id: string }[]>`
    select id from requirements where workspace_id = ${args.workspaceId} and narrative_id = ${args.narrativeId} and source = 'text'`
  return rows.map((r) => r.id)
}
