import type { Db } from '../client.ts'
import { keysetAfter, microsOf, type Keyset } from './api-conventions.ts'

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

export interface CommentRow {
  id: string
  authorId: string
  authorName: string
  body: string
  createdAt: string
  editedAt: string | null
}

export interface ThreadRow {
  id: string
  narrativeId: string | null
  initiativeId: string | null
  anchorStart: Buffer | null
  anchorEnd: Buffer | null
  quote: string
  authorId: string
  resolvedAt: Date | null
  resolvedByName: string | null
  createdAt: Date
  blocking: boolean
  comments: CommentRow[]
}

/** Creates a thread on a narrative (with its anchor) or on an initiative; returns its id. */
export async function insertThread(
  db: Db,
  args: {
    workspaceId: string
    authorId: string
    narrativeId?: string
    initiativeId?: string
    anchor?: { start: Uint8Array; end: Uint8Array; quote: string }
    blocking?: boolean
  },
) {
  const [row] = await db<[{ id: string }]>`
    insert into comment_threads (workspace_id, narrative_id, initiative_id, anchor_start, anchor_end, quote, author_id, blocking)
    values (${args.workspaceId}, ${args.narrativeId ?? null}, ${args.initiativeId ?? null},
      ${args.anchor ? toBuffer(args.anchor.start) : null}, ${args.anchor ? toBuffer(args.anchor.end) : null},
      ${args.anchor?.quote ?? ''}, ${args.authorId}, ${args.blocking ?? false})
    returning id`
  return row.id
}

/** Adds a comment to a thread of the workspace; returns its id. */
export async function insertComment(db: Db, args: { workspaceId: string; threadId: string; authorId: string; body: string }) {
  const [row] = await db<[{ id: string }]>`
    insert into comments (thread_id, workspace_id, author_id, body)
    values (${args.threadId}, ${args.workspaceId}, ${args.authorId}, ${args.body})
    returning id`
  await db`update comment_threads set updated_at = now() where id = ${args.threadId}`
  return row.id
}

/** The threads of one narrative or one initiative, oldest first, each with its comments in order. */
export async function listThreads(
  db: Db,
  args: { workspaceId: string; narrativeId?: string; initiativeId?: string; resolved?: boolean },
  page?: Keyset,
) {
  return db<(ThreadRow & { sortMicros: string })[]>`
    select ${microsOf(db, 't.created_at')} as "sortMicros", t.id, t.narrative_id as "narrativeId", t.initiative_id as "initiativeId",
      t.anchor_start as "anchorStart", t.anchor_end as "anchorEnd", t.quote, t.author_id as "authorId",
      t.resolved_at as "resolvedAt", r.name as "resolvedByName", t.created_at as "createdAt", t.blocking,
      coalesce((
        select json_agg(json_build_object('id', c.id, 'authorId', c.author_id, 'authorName', u.name, 'body', c.body,
          'createdAt', c.created_at, 'editedAt', c.edited_at) order by c.created_at, c.id)
        from comments c join users u on u.id = c.author_id
        where c.thread_id = t.id), '[]') as comments
    from comment_threads t left join users r on r.id = t.resolved_by
    where t.workspace_id = ${args.workspaceId}
      ${args.narrativeId ? db`and t.narrative_id = ${args.narrativeId}` : db``}
      ${args.initiativeId ? db`and t.initiative_id = ${args.initiativeId}` : db``}
      ${!args.narrativeId && !args.initiativeId ? db`and false` : db``}
      ${args.resolved === undefined ? db`` : args.resolved ? db`and t.resolved_at is not null` : db`and t.resolved_at is null`}
      ${keysetAfter(db, page, { time: 't.created_at', id: 't.id', timeDesc: false, idDesc: false })}
    order by t.created_at, t.id
    limit ${page ? page.limit + 1 : 1000}`
}

export interface ThreadRef {
  id: string
  narrativeId: string | null
  initiativeId: string | null
  authorId: string
  quote: string
}

/** A thread of the workspace (what it belongs to, who started it), or null. */
export async function getThread(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[ThreadRef?]>`
    select id, narrative_id as "narrativeId", initiative_id as "initiativeId", author_id as "authorId", quote
    from comment_threads where id = ${args.id} and workspace_id = ${args.workspaceId}`
  return row ?? null
}

/** A comment of the workspace with its thread, or null. */
export async function getComment(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[{ id: string; threadId: string; authorId: string }?]>`
    select id, thread_id as "threadId", author_id as "authorId"
    from comments where id = ${args.id} and workspace_id = ${args.workspaceId}`
  return row ?? null
}

export async function updateCommentBody(db: Db, args: { id: string; workspaceId: string; body: string }) {
  await db`update comments set body = ${args.body}, edited_at = now() where id = ${args.id} and workspace_id = ${args.workspaceId}`
}

/** Deletes a comment; a thread left without comments goes with it. Returns whether the thread went. */
export async function deleteComment(db: Db, args: { id: string; workspaceId: string; threadId: string }) {
  await db`delete from comments where id = ${args.id} and workspace_id = ${args.workspaceId}`
  const gone = await db`
    delete from comment_threads t where t.id = ${args.threadId} and t.workspace_id = ${args.workspaceId}
      and not exists (select 1 from comments c where c.thread_id = t.id)
    returning id`
  return gone.length > 0
}

export async function setThreadResolved(db: Db, args: { id: string; workspaceId: string; resolvedBy: string | null }) {
  await db`
    update comment_threads
    set resolved_at = ${args.resolvedBy ? db`now()` : null}, resolved_by = ${args.resolvedBy}, updated_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId}`
}

/** Everyone who wrote in the thread (its starter first). */
export async function listThreadParticipants(db: Db, threadId: string) {
  const rows = await db<{ authorId: string }[]>`
    select author_id as "authorId" from comments where thread_id = ${threadId}
    group by author_id order by min(created_at)`
  return rows.map((r) => r.authorId)
}

/** Marks a thread as blocking approval (or not). */
export async function setThreadBlocking(db: Db, args: { id: string; workspaceId: string; blocking: boolean }) {
  await db`update comment_threads set blocking = ${args.blocking}, updated_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId}`
}
