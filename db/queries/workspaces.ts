import type { Db } from '../client.ts'
import type { MemberFunction, Role } from '#app/domain/policies.ts'

export interface WorkspaceRow {
  id: string
  name: string
}

export interface MembershipRow {
  workspaceId: string
  workspaceName: string
  role: Role
  function: MemberFunction
}

export interface MemberRow {
  userId: string
  name: string
  email: string
  role: Role
  function: MemberFunction
  joinedAt: Date
}

export async function insertWorkspace(db: Db, name: string) {
  const [row] = await db<[WorkspaceRow]>`insert into workspaces (name) values (${name}) returning id, name`
  return row
}

/** Adds a member, or changes the role and function of an existing one. */
export async function upsertMembership(db: Db, args: { workspaceId: string; userId: string; role: Role; function: MemberFunction }) {
  await db`
    insert into memberships (workspace_id, user_id, role, function)
    values (${args.workspaceId}, ${args.userId}, ${args.role}, ${args.function})
    on conflict (workspace_id, user_id) do update set role = excluded.role, function = excluded.function`
}

/** The user's memberships, oldest first (the first is the default workspace). */
export async function listMemberships(db: Db, userId: string) {
  return db<MembershipRow[]>`
    select m.workspace_id as "workspaceId", w.name as "workspaceName", m.role, m.function
    from memberships m join workspaces w on w.id = m.workspace_id
    where m.user_id = ${userId}
    order by m.created_at, w.name`
}

export async function getMembership(db: Db, args: { workspaceId: string; userId: string }) {
  const [row] = await db<[MembershipRow?]>`
    select m.workspace_id as "workspaceId", w.name as "workspaceName", m.role, m.function
    from memberships m join workspaces w on w.id = m.workspace_id
    where m.workspace_id = ${args.workspaceId} and m.user_id = ${args.userId}`
  return row ?? null
}

/**
 * Serializes role changes and removals within one workspace, so two owners demoting or removing
 * each other at the same time cannot both pass the "last owner" check (write skew).
 */
export async function lockWorkspaceMembers(db: Db, workspaceId: string) {
  await db`select id from workspaces where id = ${workspaceId} for no key update`
}

/** Locks the membership row for a role change or removal. */
export async function lockMembership(db: Db, args: { workspaceId: string; userId: string }) {
  const [row] = await db<[{ role: Role; function: MemberFunction }?]>`
    select role, function from memberships
    where workspace_id = ${args.workspaceId} and user_id = ${args.userId} for update`
  return row ?? null
}

export async function listMembers(db: Db, workspaceId: string) {
  return db<MemberRow[]>`
    select u.id as "userId", u.name, u.email, m.role, m.function, m.created_at as "joinedAt"
    from memberships m join users u on u.id = m.user_id
    where m.workspace_id = ${workspaceId}
    order by u.name`
}

export async function countOwners(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db<[{ n: number }]>`
    select count(*)::int as n from memberships where workspace_id = ${workspaceId} and role = 'owner'`
  return row.n
}

export async function updateMemberRole(db: Db, args: { workspaceId: string; userId: string; role: Role }) {
  await db`update memberships set role = ${args.role}
    where workspace_id = ${args.workspaceId} and user_id = ${args.userId}`
}

export async function updateMemberFunction(db: Db, args: { workspaceId: string; userId: string; function: MemberFunction }) {
  await db`update memberships set function = ${args.function}
    where workspace_id = ${args.workspaceId} and user_id = ${args.userId}`
}

export async function deleteMembership(db: Db, args: { workspaceId: string; userId: string }) {
  await db`delete from memberships where workspace_id = ${args.workspaceId} and user_id = ${args.userId}`
}

export async function getWorkspaceByName(db: Db, args: { userId: string; name: string }) {
  const [row] = await db<[WorkspaceRow?]>`
    select w.id, w.name from workspaces w
    join memberships m on m.workspace_id = w.id and m.user_id = ${args.userId}
    where lower(w.name) = lower(${args.name}) or w.id::text = ${args.name}
    order by m.created_at limit 1`
  return row ?? null
}
