import type { Db } from '../client.ts'
import type { MemberFunction, Role } from '#app/domain/policies.ts'

export type TokenScope = 'read' | 'write'

export interface ApiTokenRow {
  id: string
  name: string
  prefix: string
  scope: TokenScope
  useCount: number
  createdAt: Date
  lastUsedAt: Date | null
  userName: string
}

export async function insertApiToken(
  db: Db,
  args: { workspaceId: string; userId: string; name: string; tokenHash: string; prefix: string; scope?: TokenScope },
) {
  const [row] = await db<[{ id: string }]>`
    insert into api_tokens (workspace_id, user_id, name, token_hash, prefix, scope)
    values (${args.workspaceId}, ${args.userId}, ${args.name}, ${args.tokenHash}, ${args.prefix}, ${args.scope ?? 'write'})
    returning id`
  return row
}

/** The actor behind a live token whose user is still a member of the token's workspace. */
export async function getTokenActor(db: Db, tokenHash: string) {
  const [row] = await db<
    [
      {
        tokenId: string
        tokenName: string
        prefix: string
        scope: TokenScope
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
    select t.id as "tokenId", t.name as "tokenName", t.prefix, t.scope, t.user_id as "userId", t.workspace_id as "workspaceId", w.name as "workspaceName",
      m.role, m.function, u.name, u.email
    from api_tokens t
    join memberships m on m.workspace_id = t.workspace_id and m.user_id = t.user_id
    join workspaces w on w.id = t.workspace_id
    join users u on u.id = t.user_id
    where t.token_hash = ${tokenHash} and t.revoked_at is null`
  return row ?? null
}

/**
 * Counts one use of the token and stamps it; true when this is its first use in an hour (the
 * audit log records token use at most hourly, the count is exact).
 */
export async function touchApiToken(db: Db, id: string): Promise<boolean> {
  const [row] = await db<[{ first: boolean }?]>`
    update api_tokens t set last_used_at = now(), use_count = t.use_count + 1
    from (select last_used_at from api_tokens where id = ${id}) before
    where t.id = ${id}
    returning (before.last_used_at is null or before.last_used_at < now() - interval '1 hour') as first`
  return row?.first ?? false
}

export async function listApiTokens(db: Db, workspaceId: string) {
  return db<ApiTokenRow[]>`
    select t.id, t.name, t.prefix, t.scope, t.use_count::int as "useCount", t.created_at as "createdAt",
      t.last_used_at as "lastUsedAt", u.name as "userName"
    from api_tokens t join users u on u.id = t.user_id
    where t.workspace_id = ${workspaceId} and t.revoked_at is null
    order by t.created_at desc`
}

/** Revokes a live token of the workspace; its name, prefix and use count, or null. */
export async function revokeApiToken(db: Db, args: { id: string; workspaceId: string }) {
  const [row] = await db<[{ name: string; prefix: string; useCount: string }?]>`update api_tokens set revoked_at = now()
    where id = ${args.id} and workspace_id = ${args.workspaceId} and revoked_at is null
    returning name, prefix, use_count as "useCount"`
  return row ?? null
}

/** Revokes every live token `userId` holds in the workspace; the revoked tokens. */
export async function revokeMemberTokens(db: Db, args: { workspaceId: string; userId: string }) {
  return db<{ id: string; name: string; prefix: string; useCount: string }[]>`update api_tokens set revoked_at = now()
    where workspace_id = ${args.workspaceId} and user_id = ${args.userId} and revoked_at is null
    returning id, name, prefix, use_count as "useCount"`
}
