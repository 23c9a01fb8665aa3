import type { Db } from '../client.ts'

export async function insertSession(db: Db, args: { idHash: string; userId: string; workspaceId: string | null; expiresAt: Date }) {
  await db`insert into sessions (id_hash, user_id, workspace_id, expires_at)
    values (${args.idHash}, ${args.userId}, ${args.workspaceId}, ${args.expiresAt})`
}

/** The live session with its user, or null when unknown or expired. */
export async function getSession(db: Db, idHash: string) {
  const [row] = await db<[{ userId: string; workspaceId: string | null; name: string; email: string; expiresAt: Date }?]>`
    select s.user_id as "userId", s.workspace_id as "workspaceId", u.name, u.email, s.expires_at as "expiresAt"
    from sessions s join users u on u.id = s.user_id
    where s.id_hash = ${idHash} and s.expires_at > now()`
  return row ?? null
}

export async function setSessionWorkspace(db: Db, args: { idHash: string; workspaceId: string }) {
  await db`update sessions set workspace_id = ${args.workspaceId} where id_hash = ${args.idHash}`
}

export async function deleteSession(db: Db, idHash: string) {
  await db`delete from sessions where id_hash = ${idHash}`
}

/** Ends the sessions a removed member has open in that workspace. */
export async function deleteSessionsInWorkspace(db: Db, args: { userId: string; workspaceId: string }) {
  await db`delete from sessions where user_id = ${args.userId} and workspace_id = ${args.workspaceId}`
}

export async function deleteExpiredSessions(db: Db) {
  await db`delete from sessions where expires_at <= now()`
}
