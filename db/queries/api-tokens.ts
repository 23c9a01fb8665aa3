import type { Db } from '../client.ts'
import type { MemberFunction, Role } from '#app/domain/policies.ts'

export interface ApiTokenRow {
  id: string
  name: string
  prefix: string
  createdAt: Date
  lastUsedAt: Date | null
  userName: string
}

export async function insertApiToken(
  db: Db,
  args: { workspaceId: string; userId: string; name: string; tokenHash: string; prefix: string },
) {
  const [row] = await db<[{ id: string }]>`
    insert into api_tokens (workspace_id, user_id, name, token_hash, prefix)
    values (${args.workspaceId}, ${args.userId}, ${args.name}, ${args.tokenHash}, ${args.prefix})
    returning id`
  return row
}

/** The actor behind a live token whose user is still a member of the token's workspace. */
export async function getTokenActor(db: Db, tokenHash: string) {
  const [row] = await db<
    [
      {
        tokenId: string
        userId: string
        workspaceId: string
        workspaceName: string
        role: Role
        function: MemberFunction
        name: string
        email: string
      }?,
    ]
  >`
    select t.id as "tokenId", t.user_id as "userId", t.workspace_id as "workspaceId", w.name as "workspaceName",
      m.role, m.function, u.name, u.email
    from api_tokens t
    join memberships m on m.workspace_id = t.workspace_id and m.user_id = t.user_id
    join workspaces w on w.id = t.workspace_id
    join users u on u.id = t.user_id
    where t.token_hash = ${tokenHash} and t.revoked_at is null`
  return row ?? null
}

export async function touchApiToken(db: Db, id: string) {
  await db`update api_tokens set last_used_at = now()
    where id = ${id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`
}

export async function listApiTokens(db: Db, workspaceId: string) {
  return db<ApiTokenRow[]>`
    select t.id, t.name, t.prefix, t.created_at as "createdAt", t.last_used_at as "lastUsedAt", u.name as "userName"
    from api_tokens t join users u on u.id = t.user_id
    where t.workspace_id = ${workspaceId} and t.revoked_at is null
    order by t.created_at desc`
}

export async function revokeApiToken(db: Db, args: { id: string; workspaceId: string }) {
  const rows = await db`update api_tokens set revoked_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId} and revoked_at is null returning id`
  return rows.length > 0
}
