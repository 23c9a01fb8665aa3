import type { Db } from '../client.ts'
import { keysetAfter, microsOf, type Keyset } from './api-conventions.ts'

export type NotificationKind = 'mention' | 'reply' | 'stance' | 'feasibility' | 'review'

export interface NotificationInsert {
  workspaceId: string
  userId: string
  kind: NotificationKind
  actorId: string
  narrativeId?: string | null
  initiativeId?: string | null
  threadId?: string | null
  excerpt: string
}

export interface NotificationRow {
  id: string
  kind: NotificationKind
  actorName: string | null
  narrativeId: string | null
  narrativeTitle: string | null
  initiativeId: string | null
  initiativeTitle: string | null
  threadId: string | null
  excerpt: string
  createdAt: Date
  readAt: Date | null
}

/** Inserts notifications (one statement for all). */
export async function insertNotifications(db: Db, rows: NotificationInsert[]) {
  if (rows.length === 0) return
  await db`insert into notifications ${db(
    rows.map((r) => ({
      workspace_id: r.workspaceId,
      user_id: r.userId,
      kind: r.kind,
      actor_id: r.actorId,
      narrative_id: r.narrativeId ?? null,
      initiative_id: r.initiativeId ?? null,
      thread_id: r.threadId ?? null,
      excerpt: r.excerpt.slice(0, 300),
    })),
  )}`
}

/** A member's notifications in one workspace, newest first. */
export async function listNotifications(
  db: Db,
  args: { userId: string; workspaceId: string; unreadOnly?: boolean; limit?: number },
  page?: Keyset,
) {
  return db<(NotificationRow & { sortMicros: string })[]>`
    select ${microsOf(db, 'n.created_at')} as "sortMicros", n.id, n.kind, a.name as "actorName", n.narrative_id as "narrativeId", nv.title as "narrativeTitle",
      n.initiative_id as "initiativeId", i.title as "initiativeTitle", n.thread_id as "threadId", n.excerpt,
      n.created_at as "createdAt", n.read_at as "readAt"
    from notifications n
      left join users a on a.id = n.actor_id
      left join narratives nv on nv.id = n.narrative_id
      left join initiatives i on i.id = n.initiative_id
    where n.user_id = ${args.userId} and n.workspace_id = ${args.workspaceId}
      ${args.unreadOnly ? db`and n.read_at is null` : db``}
      ${keysetAfter(db, page, { time: 'n.created_at', id: 'n.id', timeDesc: true, idDesc: false })}
    order by n.created_at desc, n.id
    limit ${page ? page.limit + 1 : (args.limit ?? 100)}`
}

export async function countUnread(db: Db, args: { userId: string; workspaceId: string }): Promise<number> {
  const [row] = await db<[{ count: number }]>`
    select count(*)::int as count from notifications
    where user_id = ${args.userId} and workspace_id = ${args.workspaceId} and read_at is null`
  return row.count
}

/** Marks some (or, without ids, all) of a member's notifications read; returns how many changed. */
export async function markRead(db: Db, args: { userId: string; workspaceId: string; ids?: string[] }) {
  const rows = await db`
    update notifications set read_at = now()
    where user_id = ${args.userId} and workspace_id = ${args.workspaceId} and read_at is null
      ${args.ids ? db`and id = any(${args.ids}::uuid[])` : db``}
    returning id`
  return rows.length
}
