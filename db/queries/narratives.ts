import type { Db } from '../client.ts'
import { keysetAfter, microsOf, type Keyset } from './api-conventions.ts'

export type { Keyset }
import type { NarrativeStatus } from '#app/domain/policies.ts'

export type Template = 'strategy' | 'prfaq' | 'qbr' | 'blank'

export interface NarrativeRow {
  id: string
  workspaceId: string
  title: string
  template: Template
  status: NarrativeStatus
  ownerId: string
  ownerName: string
  createdAt: Date
  updatedAt: Date
  lastEditedByName: string | null
  excerpt: string
  text: string
  outline: { level: number; text: string }[]
  wordCount: number
}

const columns = (db: Db) => db`
  n.id, n.workspace_id as "workspaceId", n.title, n.template, n.status, n.owner_id as "ownerId",
  o.name as "ownerName", n.created_at as "createdAt", n.updated_at as "updatedAt",
  e.name as "lastEditedByName", n.excerpt, n.text, n.outline, n.word_count as "wordCount"`

export async function insertNarrative(db: Db, args: { workspaceId: string; title: string; template: Template; ownerId: string }) {
  const [row] = await db<[{ id: string }]>`
    insert into narratives (workspace_id, title, template, owner_id, last_edited_by)
    values (${args.workspaceId}, ${args.title}, ${args.template}, ${args.ownerId}, ${args.ownerId})
    returning id`
  return row
}

/** A narrative of the workspace, or null (missing and foreign look the same). */
export async function getNarrative(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[NarrativeRow?]>`
    select ${columns(db)}
    from narratives n join users o on o.id = n.owner_id left join users e on e.id = n.last_edited_by
    where n.id = ${args.id} and n.workspace_id = ${args.workspaceId}`
  return row ?? null
}

/** A narrative with the id of its approved version (the reading view): one query, not two. */
export async function getNarrativeWithApproved(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[(NarrativeRow & { approvedVersionId: string | null })?]>`
    select ${columns(db)}, n.approved_version_id as "approvedVersionId"
    from narratives n join users o on o.id = n.owner_id left join users e on e.id = n.last_edited_by
    where n.id = ${args.id} and n.workspace_id = ${args.workspaceId}`
  return row ?? null
}

/** The narrative's workspace and status, for authorizing a collaboration socket. */
export async function getNarrativeAccess(db: Db, id: string) {
  const [row] = await db<[{ workspaceId: string; status: NarrativeStatus; seeded: boolean; template: Template; title: string }?]>`
    select workspace_id as "workspaceId", status, seeded, template, title from narratives where id = ${id}`
  return row ?? null
}

export interface NarrativeFilter {
  workspaceId: string
  status?: NarrativeStatus
  ownerId?: string
  q?: string
  /** Readers: approved only. */
  onlyApproved?: boolean
  includeArchived?: boolean
}

/** Most recently updated first; with `page`, one keyset page on (updated_at, id). */
export async function listNarratives(db: Db, f: NarrativeFilter, page?: Keyset) {
  return db<(NarrativeRow & { sortMicros: string })[]>`
    select ${columns(db)}, ${microsOf(db, 'n.updated_at')} as "sortMicros"
    from narratives n join users o on o.id = n.owner_id left join users e on e.id = n.last_edited_by
    where n.workspace_id = ${f.workspaceId}
      ${f.status ? db`and n.status = ${f.status}` : f.includeArchived ? db`` : db`and n.status <> 'archived'`}
      ${f.onlyApproved ? db`and n.status = 'approved'` : db``}
      ${f.ownerId ? db`and n.owner_id = ${f.ownerId}` : db``}
      ${f.q ? db`and n.title ilike ${'%' + f.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}` : db``}
      ${keysetAfter(db, page, { time: 'n.updated_at', id: 'n.id', timeDesc: true, idDesc: true })}
    order by n.updated_at desc, n.id desc
    limit ${page ? page.limit + 1 : 500}`
}

export async function updateNarrativeTitle(db: Db, args: { id: string; workspaceId: string; title: string }) {
  const rows = await db`update narratives set title = ${args.title}, updated_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId} returning id`
  return rows.length > 0
}

export async function updateNarrativeStatus(db: Db, args: { id: string; workspaceId: string; status: NarrativeStatus }) {
  const rows = await db`update narratives set status = ${args.status}, updated_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId} returning id`
  return rows.length > 0
}

/** Stores what the headless editor derived from the Yjs state. */
export async function updateNarrativeDerived(
  db: Db,
  args: { id: string; text: string; excerpt: string; outline: { level: number; text: string }[]; wordCount: number },
) {
  await db`update narratives set text = ${args.text}, excerpt = ${args.excerpt},
    outline = ${db.json(args.outline)}, word_count = ${args.wordCount}, derived_at = now()
    where id = ${args.id}`
}

/** Marks the narrative edited by `userId` now. */
export async function touchNarrative(db: Db, args: { id: string; userId: string | null }) {
  await db`update narratives set updated_at = now(), last_edited_by = coalesce(${args.userId}, last_edited_by)
    where id = ${args.id}`
}

/** Title and owner of each narrative of the workspace among `ids` (archived ones left out). */
export async function listNarrativeOwners(db: Db, args: { workspaceId: string; ids: string[] }) {
  if (args.ids.length === 0) return []
  return db<{ id: string; title: string; ownerId: string }[]>`
    select id, title, owner_id as "ownerId" from narratives
    where workspace_id = ${args.workspaceId} and id = any(${args.ids}::uuid[]) and status <> 'archived'`
}
