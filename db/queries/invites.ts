import type { Db } from '../client.ts'
import type { MemberFunction, Role } from '#app/domain/policies.ts'

export interface InviteRow {
  id: string
  workspaceId: string
  workspaceName: string
  role: Role
  function: MemberFunction
  email: string | null
  createdAt: Date
  expiresAt: Date
  invitedBy: string
}

export async function insertInvite(
  db: Db,
  args: {
    workspaceId: string
    tokenHash: string
    role: Role
    function: MemberFunction
    email: string | null
    createdBy: string
    expiresAt: Date
  },
) {
  const [row] = await db<[{ id: string }]>`
    insert into invites (workspace_id, token_hash, role, function, email, created_by, expires_at)
    values (${args.workspaceId}, ${args.tokenHash}, ${args.role}, ${args.function}, ${args.email},
      ${args.createdBy}, ${args.expiresAt})
    returning id`
  return row
}

const inviteColumns = (db: Db) => db`
  i.id, i.workspace_id as "workspaceId", w.name as "workspaceName", i.role, i.function, i.email,
  i.created_at as "createdAt", i.expires_at as "expiresAt", u.name as "invitedBy"`

/** An invite that can still be accepted, or null. */
export async function getOpenInvite(db: Db, tokenHash: string, opts: { lock?: boolean } = {}) {
  const [row] = await db<[InviteRow?]>`
    select ${inviteColumns(db)}
    from invites i join workspaces w on w.id = i.workspace_id join users u on u.id = i.created_by
    where i.token_hash = ${tokenHash} and i.accepted_at is null and i.revoked_at is null
      and i.expires_at > now()
    ${opts.lock ? db`for update of i` : db``}`
  return row ?? null
}

export async function listOpenInvites(db: Db, workspaceId: string) {
  return db<InviteRow[]>`
    select ${inviteColumns(db)}
    from invites i join workspaces w on w.id = i.workspace_id join users u on u.id = i.created_by
    where i.workspace_id = ${workspaceId} and i.accepted_at is null and i.revoked_at is null
      and i.expires_at > now()
    order by i.created_at desc`
}

export async function markInviteAccepted(db: Db, args: { id: string; userId: string }) {
  await db`update invites set accepted_by = ${args.userId}, accepted_at = now() where id = ${args.id}`
}

/** Revokes an open invite of the workspace; returns false when there was none. */
export async function revokeInvite(db: Db, args: { id: string; workspaceId: string }) {
  const rows = await db`update invites set revoked_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId} and accepted_at is null and revoked_at is null
    returning id`
  return rows.length > 0
}
