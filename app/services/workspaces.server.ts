import { getSql, type TransactionSql } from '#db/client.ts'
import * as workspaces from '#db/queries/workspaces.ts'
import * as users from '#db/queries/users.ts'
import * as invites from '#db/queries/invites.ts'
import * as sessions from '#db/queries/sessions.ts'
import * as tokens from '#db/queries/api-tokens.ts'
import type { TokenScope } from '#db/queries/api-tokens.ts'
import { conflict, forbidden, notFound } from '#app/domain/errors.ts'
import { canManageWorkspace, canSeeWorkingMaterial, type Actor, type MemberFunction, type Role } from '#app/domain/policies.ts'
import type { MemberJson } from '#app/schemas/responses.ts'
import { randomToken, sha256 } from '#app/utils/crypto.server.ts'
import { bus } from '#app/events/bus.ts'
import { accessChanged } from './access.server.ts'
import { createSession, createUser, createWorkspace, verifyCredentialsAudited } from './accounts.server.ts'
import { recordAudit } from './audit.server.ts'
import { userNameOf } from '#db/queries/audit.ts'

const INVITE_DAYS = 14

function assertOwner(actor: Actor) {
  if (!canManageWorkspace(actor)) throw forbidden('Only workspace owners can manage members and settings')
}

/** Creates an invite link for one address (the token is returned once; only its hash is stored). */
export async function createInvite(actor: Actor, args: { role: Role; function: MemberFunction; email: string }) {
  assertOwner(actor)
  const token = randomToken(24)
  await invites.insertInvite(getSql(), {
    workspaceId: actor.workspaceId,
    tokenHash: sha256(token),
    role: args.role,
    function: args.function,
    email: normaliseEmail(args.email),
    createdBy: actor.userId,
    expiresAt: new Date(Date.now() + INVITE_DAYS * 24 * 3600 * 1000),
  })
  return { token }
}

export async function revokeInvite(actor: Actor, inviteId: string) {
  assertOwner(actor)
  if (!(await invites.revokeInvite(getSql(), { id: inviteId, workspaceId: actor.workspaceId }))) {
    throw notFound('Invite')
  }
}

/** The invite behind a link, or a 404 when it is unknown, used, revoked or expired. */
export async function getInvite(token: string) {
  const invite = await invites.getOpenInvite(getSql(), sha256(token))
  if (!invite) throw notFound('Invite')
  return invite
}

const normaliseEmail = (email: string) => email.trim().toLowerCase()

/** True when `email` may accept `invite`: the invite names that very address (case and spaces aside). */
export function isInviteFor(invite: { email: string | null }, email: string): boolean {
  return invite.email !== null && normaliseEmail(invite.email) === normaliseEmail(email)
}

/** The refusal when someone else holds the link: no membership is created. */
function inviteForAnotherAddress(invite: { email: string | null }) {
  return forbidden(
    invite.email
      ? `This invite is for ${invite.email}. Sign in or sign up with that address, or ask for an invite to yours.`
      : 'This invite link is not tied to an address. Ask for a new one.',
  )
}

/** Joins the invite's workspace as `user`, who must be the invited address; the invite is used once (row lock). */
async function joinWithInvite(tx: TransactionSql, token: string, user: { id: string; email: string }) {
  const invite = await invites.getOpenInvite(tx, sha256(token), { lock: true })
  if (!invite) throw notFound('Invite')
  if (!isInviteFor(invite, user.email)) throw inviteForAnotherAddress(invite)
  const userId = user.id
  const existing = await workspaces.getMembership(tx, { workspaceId: invite.workspaceId, userId })
  if (!existing) {
    await workspaces.upsertMembership(tx, {
      workspaceId: invite.workspaceId,
      userId,
      role: invite.role,
      function: invite.function,
    })
  }
  await invites.markInviteAccepted(tx, { id: invite.id, userId })
  if (!existing)
    await recordAudit(tx, {
      workspaceId: invite.workspaceId,
      actorId: userId,
      action: 'member.joined',
      target: await userNameOf(tx, userId),
      meta: { userId, role: invite.role },
    })
  return invite
}

/** A signed-in person accepts an invite to their address; an existing member keeps their role. */
export async function acceptInvite(args: { token: string; userId: string; sessionToken: string }) {
  return getSql().begin(async (tx) => {
    const user = await users.getUserById(tx, args.userId)
    if (!user) throw notFound('User')
    const invite = await joinWithInvite(tx, args.token, user)
    await sessions.setSessionWorkspace(tx, { idHash: sha256(args.sessionToken), workspaceId: invite.workspaceId })
    return invite
  })
}

/** A new person signs up through an invite: user, membership and session, all or nothing. */
export async function signUpWithInvite(args: { token: string; name: string; email: string; password: string }) {
  return getSql().begin(async (tx) => {
    // Checked first so the answer is about the address (not "email taken"), with no password hashed
    // in vain; joinWithInvite checks again under the row lock.
    const open = await invites.getOpenInvite(tx, sha256(args.token))
    if (!open) throw notFound('Invite')
    if (!isInviteFor(open, args.email)) throw inviteForAnotherAddress(open)
    const user = await createUser(tx, args)
    const invite = await joinWithInvite(tx, args.token, user)
    const session = await createSession(tx, { userId: user.id, workspaceId: invite.workspaceId })
    return { user, invite, session }
  })
}

export async function listMembers(actor: Actor) {
  const sql = getSql()
  const [members, openInvites] = await Promise.all([
    workspaces.listMembers(sql, actor.workspaceId),
    canManageWorkspace(actor) ? invites.listOpenInvites(sql, actor.workspaceId) : Promise.resolve([]),
  ])
  return { members, invites: openInvites }
}

/** The workspace's members, for pickers and filters (every member may see who is in it). */
export async function listMembersOf(actor: Actor) {
  return workspaces.listMembers(getSql(), actor.workspaceId)
}

/** Changes a member's role; the last owner cannot be demoted. */
export async function changeRole(actor: Actor, args: { userId: string; role: Role }) {
  await changeMember(actor, args)
}

/**
 * Changes a member's role and/or function (Settings → Members and PATCH /api/v1/members/ID);
 * owners only, and the last owner cannot be demoted. Both changes are audited: the function
 * carries rights too (finance records the actuals of the metrics finance owns).
 */
export async function changeMember(actor: Actor, args: { userId: string; role?: Role; function?: MemberFunction }) {
  assertOwner(actor)
  await getSql().begin(async (tx) => {
    await workspaces.lockWorkspaceMembers(tx, actor.workspaceId)
    const current = await workspaces.lockMembership(tx, { workspaceId: actor.workspaceId, userId: args.userId })
    if (!current) throw notFound('Member')
    const target = { workspaceId: actor.workspaceId, userId: args.userId }
    if (args.role !== undefined) {
      if (current.role === 'owner' && args.role !== 'owner') {
        const owners = await workspaces.countOwners(tx, actor.workspaceId)
        if (owners <= 1) throw conflict('A workspace needs at least one owner', { role: ['Make someone else an owner first'] })
      }
      await workspaces.updateMemberRole(tx, { ...target, role: args.role })
      if (current.role !== args.role)
        await recordAudit(tx, {
          workspaceId: actor.workspaceId,
          actorId: actor.userId,
          action: 'member.role_changed',
          target: await userNameOf(tx, args.userId),
          meta: { userId: args.userId, from: current.role, to: args.role },
        })
    }
    if (args.function !== undefined && args.function !== current.function) {
      await workspaces.updateMemberFunction(tx, { ...target, function: args.function })
      await recordAudit(tx, {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: 'member.function_changed',
        target: await userNameOf(tx, args.userId),
        meta: { userId: args.userId, from: current.function, to: args.function },
      })
    }
  })
  bus.publish({ type: 'membership.changed', workspaceId: actor.workspaceId, userId: args.userId })
}

/** The member directory for the API: everyone but readers (for whom the team is working material, as in search). */
export async function listMembersForApi(actor: Actor) {
  if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers see approved narratives and dashboards, not the member directory')
  return workspaces.listMembers(getSql(), actor.workspaceId)
}

/** A member as the API returns it. */
export function memberJson(m: workspaces.MemberRow): MemberJson {
  return { id: m.userId, name: m.name, email: m.email, role: m.role, function: m.function, joined: m.joinedAt.toISOString() }
}

/** One member of the actor's workspace (after a change), or 404. */
export async function getMemberFor(actor: Actor, userId: string) {
  const member = (await workspaces.listMembers(getSql(), actor.workspaceId)).find((m) => m.userId === userId)
  if (!member) throw notFound('Member')
  return member
}

/** Removes a member: their sessions and tokens in this workspace end at once. */
export async function removeMember(actor: Actor, args: { userId: string }) {
  assertOwner(actor)
  await getSql().begin(async (tx) => {
    await workspaces.lockWorkspaceMembers(tx, actor.workspaceId)
    const current = await workspaces.lockMembership(tx, { workspaceId: actor.workspaceId, userId: args.userId })
    if (!current) throw notFound('Member')
    if (current.role === 'owner' && (await workspaces.countOwners(tx, actor.workspaceId)) <= 1) {
      throw conflict('A workspace needs at least one owner')
    }
    await workspaces.deleteMembership(tx, { workspaceId: actor.workspaceId, userId: args.userId })
    await sessions.deleteSessionsInWorkspace(tx, { workspaceId: actor.workspaceId, userId: args.userId })
    // Revoked, not only unusable while the membership is missing: a later re-invite must not
    // bring the old tokens back to life.
    const revoked = await tokens.revokeMemberTokens(tx, { workspaceId: actor.workspaceId, userId: args.userId })
    const name = await userNameOf(tx, args.userId)
    await recordAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: 'member.removed',
      target: name,
      meta: { userId: args.userId, role: current.role, tokensRevoked: revoked.length },
    })
    for (const t of revoked)
      await recordAudit(tx, {
        workspaceId: actor.workspaceId,
        actorId: actor.userId,
        action: 'token.revoked',
        target: `${t.name} (${t.prefix}…)`,
        meta: { tokenId: t.id, uses: Number(t.useCount), reason: 'member removed', userId: args.userId },
      })
  })
  bus.publish({ type: 'membership.changed', workspaceId: actor.workspaceId, userId: args.userId })
}

/** The workspaces a user belongs to, oldest membership first. */
export async function listWorkspacesOf(userId: string) {
  return workspaces.listMemberships(getSql(), userId)
}

/** Moves the session to another workspace the user belongs to. */
export async function switchWorkspace(args: { userId: string; sessionToken: string; workspaceId: string }) {
  const sql = getSql()
  const membership = await workspaces.getMembership(sql, { workspaceId: args.workspaceId, userId: args.userId })
  if (!membership) throw notFound('Workspace')
  await sessions.setSessionWorkspace(sql, { idHash: sha256(args.sessionToken), workspaceId: args.workspaceId })
}

/** A signed-in person creates another workspace and switches to it. */
export async function createAnotherWorkspace(args: { userId: string; sessionToken: string; name: string }) {
  return getSql().begin(async (tx) => {
    const workspace = await createWorkspace(tx, { name: args.name, userId: args.userId })
    await sessions.setSessionWorkspace(tx, { idHash: sha256(args.sessionToken), workspaceId: workspace.id })
    return workspace
  })
}

// --- API tokens -------------------------------------------------------------------------------

function newApiToken() {
  const token = `acc_${randomToken(30)}`
  return { token, tokenHash: sha256(token), prefix: token.slice(0, 10) }
}

/** An owner creates a token in Settings; the secret is shown once. Read tokens may only read. */
export async function createApiToken(actor: Actor, args: { name: string; scope?: TokenScope }) {
  assertOwner(actor)
  const t = newApiToken()
  const scope = args.scope ?? 'write'
  await getSql().begin(async (tx) => {
    await tokens.insertApiToken(tx, {
      workspaceId: actor.workspaceId,
      userId: actor.userId,
      name: args.name,
      tokenHash: t.tokenHash,
      prefix: t.prefix,
      scope,
    })
    await recordAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: 'token.created',
      target: `${args.name} (${t.prefix}…)`,
      meta: { scope, via: 'settings' },
    })
  })
  return { token: t.token }
}

/** Exchanges a password for a token in the named (or first) workspace of the user. */
export async function issueApiTokenWithPassword(args: {
  email: string
  password: string
  workspace?: string
  ip: string
  scope?: TokenScope
}) {
  const user = await verifyCredentialsAudited(args, 'api')
  const sql = getSql()
  const workspace = args.workspace
    ? await workspaces.getWorkspaceByName(sql, { userId: user.id, name: args.workspace })
    : ((await workspaces.listMemberships(sql, user.id)).map((m) => ({ id: m.workspaceId, name: m.workspaceName }))[0] ?? null)
  if (!workspace) throw notFound('Workspace')
  const t = newApiToken()
  const scope = args.scope ?? 'write'
  await sql.begin(async (tx) => {
    await tokens.insertApiToken(tx, {
      workspaceId: workspace.id,
      userId: user.id,
      name: 'API (password exchange)',
      tokenHash: t.tokenHash,
      prefix: t.prefix,
      scope,
    })
    await recordAudit(tx, { workspaceId: workspace.id, actorId: user.id, action: 'auth.sign_in', meta: { via: 'api' }, ip: args.ip })
    await recordAudit(tx, {
      workspaceId: workspace.id,
      actorId: user.id,
      action: 'token.created',
      target: `API (password exchange) (${t.prefix}…)`,
      meta: { scope, via: 'password' },
      ip: args.ip,
    })
  })
  return { token: t.token, workspace }
}

export async function listApiTokens(actor: Actor) {
  assertOwner(actor)
  return tokens.listApiTokens(getSql(), actor.workspaceId)
}

export async function revokeApiToken(actor: Actor, tokenId: string) {
  assertOwner(actor)
  await getSql().begin(async (tx) => {
    const revoked = await tokens.revokeApiToken(tx, { id: tokenId, workspaceId: actor.workspaceId })
    if (!revoked) throw notFound('Token')
    await recordAudit(tx, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: 'token.revoked',
      target: `${revoked.name} (${revoked.prefix}…)`,
      meta: { tokenId, uses: Number(revoked.useCount) },
    })
  })
  accessChanged({ workspaceId: actor.workspaceId })
}
