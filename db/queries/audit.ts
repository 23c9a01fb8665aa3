import type { Db } from '../client.ts'
import type { JSONValue } from 'postgres'

export interface AuditInsert {
  workspaceId: string | null
  actorId: string | null
  action: string
  target?: string | null
  meta?: Record<string, unknown>
  ip?: string | null
}

export async function insertAuditEvents(db: Db, events: AuditInsert[]) {
  if (events.length === 0) return
  await db`insert into audit_events ${db(
    events.map((e) => ({
      workspace_id: e.workspaceId,
      actor_id: e.actorId,
      action: e.action,
      target: e.target?.slice(0, 300) ?? null,
      meta: (e.meta ?? {}) as JSONValue,
      ip: e.ip?.slice(0, 100) ?? null,
    })),
  )}`
}

export interface AuditRow {
  id: string
  action: string
  target: string | null
  meta: Record<string, unknown>
  ip: string | null
  createdAt: Date
  actorId: string | null
  actorName: string | null
}

/** The workspace's events, newest first; `before` is the id to page past. */
export async function listAuditEvents(db: Db, args: { workspaceId: string; before?: string; action?: string; limit: number }) {
  return db<AuditRow[]>`
    select a.id::text as id, a.action, a.target, a.meta, a.ip, a.created_at as "createdAt",
      a.actor_id as "actorId", u.name as "actorName"
    from audit_events a left join users u on u.id = a.actor_id
    where a.workspace_id = ${args.workspaceId}
      ${args.before ? db`and a.id < ${args.before}::bigint` : db``}
      ${args.action ? db`and a.action = ${args.action}` : db``}
    order by a.id desc
    limit ${args.limit}`
}

/** A person's name as the log shows it (kept in the event, so it survives their removal). */
export async function userNameOf(db: Db, userId: string) {
  const [row] = await db<[{ name: string }?]>`select name from users where id = ${userId}`
  return row?.name ?? null
}
