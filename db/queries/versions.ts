import type { Db } from '../client.ts'

/** Kinds of version: automatic checkpoints, named on demand, the text under review, approved (frozen), restores. */
export type VersionKind = 'checkpoint' | 'named' | 'review' | 'approved' | 'restore'

export interface VersionListRow {
  id: string
  number: number
  kind: VersionKind
  name: string
  throughSeq: number
  wordCount: number
  createdById: string | null
  createdByName: string | null
  createdAt: Date
}

export interface VersionRow extends VersionListRow {
  narrativeId: string
  html: string
  text: string
  evidence: unknown
}

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

const listColumns = (db: Db) => db`
  v.id, v.number, v.kind, v.name, v.through_seq::float8 as "throughSeq", v.word_count as "wordCount",
  v.created_by as "createdById", u.name as "createdByName", v.created_at as "createdAt"`

/**
 * Appends an immutable version; its number is the narrative's next one (the counter on the
 * narrative row is incremented in the same statement, which serialises concurrent inserts).
 * Returns null when the narrative does not exist. There is no update function, by design (and a
 * trigger refuses UPDATEs).
 */
export async function insertVersion(
  db: Db,
  args: {
    narrativeId: string
    kind: VersionKind
    name?: string
    state: Uint8Array
    throughSeq: number
    html: string
    /** The sanitizer version that produced `html` (app/document/sanitize.ts). */
    htmlSanitizer: number
    text: string
    wordCount: number
    evidence?: unknown
    createdBy: string | null
  },
) {
  const [row] = await db<[{ id: string; number: number; createdAt: Date }?]>`
    with n as (
      update narratives set version_count = version_count + 1 where id = ${args.narrativeId}
      returning version_count, workspace_id
    )
    insert into narrative_versions (narrative_id, workspace_id, number, kind, name, state, through_seq, html, html_sanitizer, text, word_count, evidence, created_by)
    select ${args.narrativeId}, n.workspace_id, n.version_count, ${args.kind}, ${args.name ?? ''}, ${toBuffer(args.state)},
      ${args.throughSeq}, ${args.html}, ${args.htmlSanitizer}, ${args.text}, ${args.wordCount},
      ${args.evidence === undefined ? null : db.json(args.evidence as never)}, ${args.createdBy}
    from n
    returning id, number, created_at as "createdAt"`
  return row ?? null
}

/** A narrative's versions, newest first (without their content). */
export async function listVersions(db: Db, args: { narrativeId: string; workspaceId: string; limit?: number }) {
  return db<VersionListRow[]>`
    select ${listColumns(db)}
    from narrative_versions v left join users u on u.id = v.created_by
    where v.narrative_id = ${args.narrativeId} and v.workspace_id = ${args.workspaceId}
    order by v.number desc
    limit ${args.limit ?? 200}`
}

/** One version of a narrative of the workspace, with its rendered HTML, text and evidence; null when missing. */
export async function getVersion(db: Db, args: { id: string; narrativeId: string; workspaceId: string }) {
  const [row] = await db<[VersionRow?]>`
    select ${listColumns(db)}, v.narrative_id as "narrativeId", v.html, v.text, v.evidence
    from narrative_versions v left join users u on u.id = v.created_by
    where v.id = ${args.id} and v.narrative_id = ${args.narrativeId} and v.workspace_id = ${args.workspaceId}`
  return row ?? null
}

/** The Yjs state (V2) of a version of the narrative; null when missing. */
export async function getVersionState(db: Db, args: { id: string; narrativeId: string }) {
  const [row] = await db<[{ state: Buffer }?]>`
    select state from narrative_versions where id = ${args.id} and narrative_id = ${args.narrativeId}`
  return row ? new Uint8Array(row.state) : null
}

/** The newest version's log position and time (for deciding when the next checkpoint is due). */
export async function getLatestVersionMark(db: Db, narrativeId: string) {
  const [row] = await db<[{ throughSeq: number; createdAt: Date }?]>`
    select through_seq::float8 as "throughSeq", created_at as "createdAt" from narrative_versions
    where narrative_id = ${narrativeId} order by number desc limit 1`
  return row ?? null
}

/** The sequence number of the narrative's last committed update (compacted or not); 0 when none. */
export async function getLatestSeq(db: Db, narrativeId: string): Promise<number> {
  const [row] = await db<[{ seq: number }]>`
    select greatest(
      coalesce((select max(seq) from narrative_updates where narrative_id = ${narrativeId}), 0),
      coalesce((select through_seq from narrative_states where narrative_id = ${narrativeId}), 0)
    )::float8 as seq`
  return row.seq
}

/** One version's metadata and evidence (no HTML, text or state); null when missing. */
export async function getVersionMeta(db: Db, args: { id: string; narrativeId: string; workspaceId: string }) {
  const [row] = await db<[(VersionListRow & { narrativeId: string; evidence: unknown })?]>`
    select ${listColumns(db)}, v.narrative_id as "narrativeId", v.evidence
    from narrative_versions v left join users u on u.id = v.created_by
    where v.id = ${args.id} and v.narrative_id = ${args.narrativeId} and v.workspace_id = ${args.workspaceId}`
  return row ?? null
}

/** The rendered HTML and text of a version. */
export async function getVersionContent(db: Db, id: string) {
  const [row] = await db<[{ html: string; text: string }?]>`select html, text from narrative_versions where id = ${id}`
  return row ?? null
}

/** Up to `limit` versions whose html an older sanitizer than `sanitizer` produced (id and html). */
export async function listVersionsSanitizedBelow(db: Db, args: { sanitizer: number; limit: number }) {
  return db<{ id: string; html: string }[]>`
    select id, html from narrative_versions where html_sanitizer < ${args.sanitizer} order by id limit ${args.limit}`
}

/** Rewrites a version's html with a newer sanitizer's output (the only change the immutability trigger allows). */
export async function updateVersionHtml(db: Db, args: { id: string; html: string; sanitizer: number }) {
  await db`update narrative_versions set html = ${args.html}, html_sanitizer = ${args.sanitizer} where id = ${args.id}`
}
