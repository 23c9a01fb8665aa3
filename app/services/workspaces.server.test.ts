import { describe, expect, it } from 'vitest'
import { useTestDatabase } from '#test/db.ts'
import { buildApiToken, buildMember, buildNarrative, buildOwner, buildWorkspace, PASSWORD, uniq } from '#test/factories.ts'
import { AppError } from '#app/domain/errors.ts'
import { ROLES } from '#app/domain/policies.ts'
import { requireApiActor, requireActor } from '#app/utils/auth.server.ts'
import { InviteSignUpSchema } from '#app/schemas/accounts.ts'
import { sha256 } from '#app/utils/crypto.server.ts'
import { getNarrativeFor, listNarrativesFor } from './narratives.server.ts'
import {
  acceptInvite,
  changeMember,
  changeRole,
  createApiToken,
  createInvite,
  getInvite,
  issueApiTokenWithPassword,
  listApiTokens,
  listMembers,
  listMembersForApi,
  listWorkspacesOf,
  removeMember,
  revokeApiToken,
  revokeInvite,
  signUpWithInvite,
  switchWorkspace,
} from './workspaces.server.ts'

const db = await useTestDatabase()
const sql = db.sql

async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}

const role = async (workspaceId: string, userId: string) =>
  (await sql<{ role: string }[]>`select role from memberships where workspace_id = ${workspaceId} and user_id = ${userId}`)[0]?.role ?? null

const newPerson = () => {
  const id = uniq()
  return { name: `New ${id}`, email: `new-${id}@example.test`, password: PASSWORD }
}

const apiRequest = (token: string) => new Request('http://localhost/api/v1/me', { headers: { Authorization: `Bearer ${token}` } })
const pageRequest = (cookie: string) => new Request('http://localhost/home', { headers: { Cookie: cookie } })

describe('invites', () => {
  it('join with the invited role and function, once', async () => {
    const { owner } = await buildOwner()
    const person = newPerson()
    const { token } = await createInvite(owner.actor, { role: 'commenter', function: 'finance', email: person.email })
    const invite = await getInvite(token)
    expect(invite).toMatchObject({ workspaceId: owner.workspaceId, role: 'commenter', function: 'finance', invitedBy: owner.name })
    const { user } = await signUpWithInvite({ token, ...person })
    expect(await sql`select role, function from memberships where workspace_id = ${owner.workspaceId} and user_id = ${user.id}`).toEqual([
      { role: 'commenter', function: 'finance' },
    ])
    // Used: neither opening nor accepting it works again.
    expect((await appError(getInvite(token))).status).toBe(404)
    expect((await appError(signUpWithInvite({ token, ...person, email: `again-${person.email}` }))).status).toBe(404)
  })

  it('stores only the hash of the invite token', async () => {
    const { owner } = await buildOwner()
    const { token } = await createInvite(owner.actor, { role: 'editor', function: 'marketing', email: newPerson().email })
    expect(await sql`select 1 from invites where token_hash = ${sha256(token)}`).toHaveLength(1)
    expect(await sql`select 1 from invites i where i::text like ${'%' + token + '%'}`).toHaveLength(0)
  })

  it('signing up through a used, expired or revoked invite creates nobody (all or nothing)', async () => {
    const { owner } = await buildOwner()
    const person = newPerson()
    const invite = async () => (await createInvite(owner.actor, { role: 'editor', function: 'marketing', email: person.email })).token
    const expired = await invite()
    await sql`update invites set expires_at = now() - interval '1 second' where token_hash = ${sha256(expired)}`
    const revoked = await invite()
    const [row] = await sql<{ id: string }[]>`select id from invites where token_hash = ${sha256(revoked)}`
    await revokeInvite(owner.actor, row!.id)
    const used = await invite()
    const user = await signUpWithInvite({ token: used, ...person })
    // The used link stays used even for a new address (tokens are bearer secrets; the address check comes after).
    await sql`delete from memberships where user_id = ${user.user.id}`
    await sql`update users set email = ${`moved-${person.email}`} where id = ${user.user.id}`

    for (const token of [expired, revoked, used, 'x'.repeat(32)]) {
      expect((await appError(getInvite(token))).status).toBe(404)
      expect((await appError(signUpWithInvite({ token, ...person }))).status).toBe(404)
      expect(await sql`select 1 from users where email = ${person.email}`).toHaveLength(0)
    }
  })

  it('signing up through an invite with a taken email is a 409 and leaves the invite open', async () => {
    const { owner } = await buildOwner()
    const { owner: other } = await buildOwner()
    const { token } = await createInvite(owner.actor, { role: 'editor', function: 'marketing', email: other.email })
    const e = await appError(signUpWithInvite({ token, name: 'Dup', email: other.email, password: PASSWORD }))
    expect(e.status).toBe(409)
    expect(e.fieldErrors?.email).toBeTruthy()
    await expect(getInvite(token)).resolves.toMatchObject({ workspaceId: owner.workspaceId })
  })

  it('an existing member who opens another invite keeps their role; the invite is used up', async () => {
    const ws = await buildWorkspace()
    const { token } = await createInvite(ws.owner.actor, { role: 'reader', function: 'leadership', email: ws.editor.email })
    await acceptInvite({ token, userId: ws.editor.id, sessionToken: ws.editor.sessionToken })
    expect(await role(ws.workspace.id, ws.editor.id)).toBe('editor')
    expect((await appError(getInvite(token))).status).toBe(404)
  })

  it('a signed-in person from another workspace joins and their session moves to the new workspace', async () => {
    const ws = await buildWorkspace()
    const { owner: outsider } = await buildOwner()
    const { token } = await createInvite(ws.owner.actor, { role: 'editor', function: 'product', email: outsider.email.toUpperCase() })
    await acceptInvite({ token, userId: outsider.id, sessionToken: outsider.sessionToken })
    expect(await role(ws.workspace.id, outsider.id)).toBe('editor')
    const { actor } = await requireActor(pageRequest(outsider.cookie))
    expect(actor).toEqual({ userId: outsider.id, workspaceId: ws.workspace.id, role: 'editor', function: 'product' })
    expect((await listWorkspacesOf(outsider.id)).map((w) => w.workspaceId).sort()).toEqual([outsider.workspaceId, ws.workspace.id].sort())
  })

  it('two people racing for one invite: exactly one joins', async () => {
    const { owner } = await buildOwner()
    const { email } = newPerson()
    const { token } = await createInvite(owner.actor, { role: 'editor', function: 'marketing', email })
    const results = await Promise.allSettled([
      signUpWithInvite({ token, ...newPerson(), email }),
      signUpWithInvite({ token, ...newPerson(), email }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected')
    // Used (404), or the same address taken a moment earlier (409).
    expect([404, 409]).toContain(((rejected as PromiseRejectedResult).reason as AppError).status)
    expect(await sql`select 1 from memberships where workspace_id = ${owner.workspaceId}`).toHaveLength(2)
  })

  it('an invite is for its address: someone else holding the link can neither sign up nor join with it', async () => {
    const ws = await buildWorkspace()
    const invited = newPerson()
    const { token } = await createInvite(ws.owner.actor, { role: 'editor', function: 'product', email: invited.email })
    // A stranger signs up through the link with their own address: refused, nobody created.
    const stranger = newPerson()
    const signUp = await appError(signUpWithInvite({ token, ...stranger }))
    expect(signUp.status).toBe(403)
    expect(signUp.message).toContain(invited.email)
    expect(await sql`select 1 from users where email = ${stranger.email}`).toHaveLength(0)
    // A signed-in person of another workspace opens it: refused, no membership, the invite stays open.
    const { owner: outsider } = await buildOwner()
    expect((await appError(acceptInvite({ token, userId: outsider.id, sessionToken: outsider.sessionToken }))).status).toBe(403)
    expect(await role(ws.workspace.id, outsider.id)).toBeNull()
    await expect(getInvite(token)).resolves.toMatchObject({ email: invited.email })
    // The invited address joins, whatever its case and spaces.
    const typed = InviteSignUpSchema.parse({ ...invited, email: `  ${invited.email.toUpperCase()} ` })
    const { user } = await signUpWithInvite({ token, ...typed })
    expect(await role(ws.workspace.id, user.id)).toBe('editor')
  })

  it('an open invite made without an address (before invites were bound) lets nobody in', async () => {
    const { owner } = await buildOwner()
    const { token } = await createInvite(owner.actor, { role: 'editor', function: 'marketing', email: newPerson().email })
    // As the rows of old invites are: the constraint is NOT VALID for them, so write one directly.
    await sql`alter table invites drop constraint invites_email_required`
    try {
      await sql`update invites set email = null where token_hash = ${sha256(token)}`
    } finally {
      await sql`alter table invites add constraint invites_email_required check (email is not null) not valid`
    }
    const person = newPerson()
    expect((await appError(signUpWithInvite({ token, ...person }))).status).toBe(403)
    expect(await sql`select 1 from users where email = ${person.email}`).toHaveLength(0)
  })

  it.each(['editor', 'commenter', 'reader'] as const)('a %s cannot invite, revoke invites, change roles or remove people', async (r) => {
    const ws = await buildWorkspace()
    const actor = ws.byRole[r].actor
    expect((await appError(createInvite(actor, { role: 'owner', function: 'other', email: newPerson().email }))).status).toBe(403)
    expect((await appError(changeRole(actor, { userId: actor.userId, role: 'owner' }))).status).toBe(403)
    expect((await appError(removeMember(actor, { userId: ws.owner.id }))).status).toBe(403)
    expect((await appError(revokeInvite(actor, crypto.randomUUID()))).status).toBe(403)
    expect(await role(ws.workspace.id, actor.userId)).toBe(r)
    expect(await role(ws.workspace.id, ws.owner.id)).toBe('owner')
  })
})

describe('roles and removal', () => {
  it('an owner changes roles; the change applies to the next request', async () => {
    const ws = await buildWorkspace()
    for (const r of ROLES) {
      await changeRole(ws.owner.actor, { userId: ws.commenter.id, role: r })
      expect((await requireActor(pageRequest(ws.commenter.cookie))).actor.role).toBe(r)
    }
  })

  it('the last owner can be neither demoted nor removed', async () => {
    const ws = await buildWorkspace()
    const demote = await appError(changeRole(ws.owner.actor, { userId: ws.owner.id, role: 'editor' }))
    expect(demote.status).toBe(409)
    expect(demote.fieldErrors?.role).toBeTruthy()
    expect((await appError(removeMember(ws.owner.actor, { userId: ws.owner.id }))).status).toBe(409)
    expect(await role(ws.workspace.id, ws.owner.id)).toBe('owner')
    // With a second owner, the first may step down.
    await changeRole(ws.owner.actor, { userId: ws.editor.id, role: 'owner' })
    await changeRole(ws.owner.actor, { userId: ws.owner.id, role: 'editor' })
    expect(await role(ws.workspace.id, ws.owner.id)).toBe('editor')
  })

  it('two owners demoting or removing each other at the same moment leave one owner', async () => {
    for (const action of ['demote', 'remove'] as const) {
      const { owner } = await buildOwner()
      const second = await buildMember(owner, 'owner')
      const run = (by: typeof owner, target: typeof owner) =>
        action === 'demote' ? changeRole(by.actor, { userId: target.id, role: 'editor' }) : removeMember(by.actor, { userId: target.id })
      const results = await Promise.allSettled([run(owner, second), run(second, owner)])
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
      const [row] = await sql`select count(*)::int as n from memberships where workspace_id = ${owner.workspaceId} and role = 'owner'`
      expect(row!.n).toBe(1)
    }
  })

  it('an owner changes a member’s function (audited, applies to the next request); the last owner stays one', async () => {
    const ws = await buildWorkspace()
    await changeMember(ws.owner.actor, { userId: ws.editor.id, function: 'finance' })
    expect((await requireActor(pageRequest(ws.editor.cookie))).actor.function).toBe('finance')
    expect(await role(ws.workspace.id, ws.editor.id)).toBe('editor')
    const [audit] = await sql<{ meta: unknown }[]>`
      select meta from audit_events where workspace_id = ${ws.workspace.id} and action = 'member.function_changed'`
    expect(audit!.meta).toEqual({ userId: ws.editor.id, from: 'marketing', to: 'finance' })
    // A function change alongside a demotion of the last owner is refused as a whole.
    expect((await appError(changeMember(ws.owner.actor, { userId: ws.owner.id, role: 'editor', function: 'sales' }))).status).toBe(409)
    expect(await role(ws.workspace.id, ws.owner.id)).toBe('owner')
    expect((await appError(changeMember(ws.editor.actor, { userId: ws.editor.id, function: 'sales' }))).status).toBe(403)
  })

  it('the API’s member directory is for everyone but readers', async () => {
    const ws = await buildWorkspace()
    expect((await listMembersForApi(ws.commenter.actor)).map((m) => m.role).sort()).toEqual(['commenter', 'editor', 'owner', 'reader'])
    expect((await appError(listMembersForApi(ws.reader.actor))).status).toBe(403)
  })

  it('changing or removing someone who is not a member is a 404', async () => {
    const ws = await buildWorkspace()
    const { owner: stranger } = await buildOwner()
    expect((await appError(changeRole(ws.owner.actor, { userId: stranger.id, role: 'reader' }))).status).toBe(404)
    expect((await appError(removeMember(ws.owner.actor, { userId: stranger.id }))).status).toBe(404)
    expect(await role(stranger.workspaceId, stranger.id)).toBe('owner')
  })

  it('removal ends the member’s sessions and tokens in that workspace at once, and nothing else', async () => {
    const ws = await buildWorkspace()
    const member = ws.editor
    // The member also owns a workspace of their own, with a session there.
    const { createWorkspace, createSession } = await import('./accounts.server.ts')
    const own = await createWorkspace(sql, { name: `Own ${uniq()}`, userId: member.id })
    const elsewhere = await createSession(sql, { userId: member.id, workspaceId: own.id })
    const token = await buildApiToken(member)
    await expect(requireApiActor(apiRequest(token))).resolves.toMatchObject({ actor: { workspaceId: ws.workspace.id } })

    await removeMember(ws.owner.actor, { userId: member.id })

    expect(await role(ws.workspace.id, member.id)).toBeNull()
    expect(await sql`select 1 from sessions where id_hash = ${sha256(member.sessionToken)}`).toHaveLength(0)
    expect(await sql`select 1 from sessions where id_hash = ${sha256(elsewhere.token)}`).toHaveLength(1)
    expect((await appError(requireApiActor(apiRequest(token)))).status).toBe(401)
    // Other members are untouched.
    expect(await sql`select 1 from sessions where id_hash = ${sha256(ws.commenter.sessionToken)}`).toHaveLength(1)
    expect((await listMembers(ws.owner.actor)).members.map((m) => m.userId).sort()).toEqual(
      [ws.owner.id, ws.commenter.id, ws.reader.id].sort(),
    )
  })

  it('removal revokes the member’s tokens of that workspace (audited), so a re-invite does not bring them back', async () => {
    const ws = await buildWorkspace()
    const member = ws.editor
    const token = await buildApiToken(member)
    await removeMember(ws.owner.actor, { userId: member.id })
    const [row] = await sql<
      { revoked: boolean }[]
    >`select revoked_at is not null as revoked from api_tokens where token_hash = ${sha256(token)}`
    expect(row!.revoked).toBe(true)
    const audit = await sql<{ meta: { reason?: string; userId?: string } }[]>`
      select meta from audit_events where workspace_id = ${ws.workspace.id} and action = 'token.revoked'`
    expect(audit.map((a) => a.meta)).toEqual([expect.objectContaining({ reason: 'member removed', userId: member.id })])
    // Invited back: a member again, yet the old token stays dead.
    const { token: invite } = await createInvite(ws.owner.actor, { role: 'editor', function: 'marketing', email: member.email })
    await acceptInvite({ token: invite, userId: member.id, sessionToken: member.sessionToken })
    expect(await role(ws.workspace.id, member.id)).toBe('editor')
    expect((await appError(requireApiActor(apiRequest(token)))).status).toBe(401)
  })

  it('switching workspace: only to one the user belongs to', async () => {
    const a = await buildWorkspace()
    const b = await buildWorkspace()
    const { token } = await createInvite(b.owner.actor, { role: 'reader', function: 'leadership', email: a.editor.email })
    await acceptInvite({ token, userId: a.editor.id, sessionToken: a.editor.sessionToken })
    await switchWorkspace({ userId: a.editor.id, sessionToken: a.editor.sessionToken, workspaceId: a.workspace.id })
    expect((await requireActor(pageRequest(a.editor.cookie))).actor).toMatchObject({ workspaceId: a.workspace.id, role: 'editor' })
    await switchWorkspace({ userId: a.editor.id, sessionToken: a.editor.sessionToken, workspaceId: b.workspace.id })
    expect((await requireActor(pageRequest(a.editor.cookie))).actor).toMatchObject({ workspaceId: b.workspace.id, role: 'reader' })
    // Not a member of c: refused, and the session stays where it was.
    const c = await buildWorkspace()
    expect(
      (await appError(switchWorkspace({ userId: a.editor.id, sessionToken: a.editor.sessionToken, workspaceId: c.workspace.id }))).status,
    ).toBe(404)
    expect((await requireActor(pageRequest(a.editor.cookie))).actor.workspaceId).toBe(b.workspace.id)
  })
})

describe('API tokens', () => {
  it('are stored hashed: the raw token appears nowhere in the database', async () => {
    const ws = await buildWorkspace()
    const tokens = [await buildApiToken(ws.owner), await buildApiToken(ws.reader)]
    const tables = await sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`
    expect(tables.length).toBeGreaterThan(5)
    for (const token of tokens) {
      expect(token).toMatch(/^acc_[A-Za-z0-9_-]{40}$/)
      for (const { table_name } of tables) {
        const hits = await sql.unsafe(`select 1 from "${table_name}" t where t::text like $1`, [`%${token.slice(4)}%`])
        expect(hits, `${table_name} holds the raw token`).toHaveLength(0)
      }
      expect(await sql`select 1 from api_tokens where token_hash = ${sha256(token)}`).toHaveLength(1)
    }
  })

  it('identify the user, workspace and current role; revoked tokens are refused', async () => {
    const ws = await buildWorkspace()
    const token = await buildApiToken(ws.owner)
    await expect(requireApiActor(apiRequest(token))).resolves.toEqual({
      actor: { userId: ws.owner.id, workspaceId: ws.workspace.id, role: 'owner', function: 'other' },
      user: { id: ws.owner.id, name: ws.owner.name, email: ws.owner.email },
      workspace: { id: ws.workspace.id, name: ws.workspace.name },
    })
    const [listed] = await listApiTokens(ws.owner.actor)
    expect(listed).toMatchObject({ prefix: token.slice(0, 10), userName: ws.owner.name })
    await revokeApiToken(ws.owner.actor, listed!.id)
    expect((await appError(requireApiActor(apiRequest(token)))).status).toBe(401)
    expect(await listApiTokens(ws.owner.actor)).toHaveLength(0)
    // Revoking twice, or another workspace's token, is a 404.
    expect((await appError(revokeApiToken(ws.owner.actor, listed!.id))).status).toBe(404)
  })

  it('an owner cannot revoke another workspace’s token', async () => {
    const a = await buildWorkspace()
    const b = await buildWorkspace()
    const token = await buildApiToken(b.owner)
    const [listed] = await listApiTokens(b.owner.actor)
    expect((await appError(revokeApiToken(a.owner.actor, listed!.id))).status).toBe(404)
    await expect(requireApiActor(apiRequest(token))).resolves.toBeTruthy()
  })

  it('only owners create and list tokens in Settings', async () => {
    const ws = await buildWorkspace()
    for (const r of ['editor', 'commenter', 'reader'] as const) {
      expect((await appError(createApiToken(ws.byRole[r].actor, { name: 'mine' }))).status).toBe(403)
      expect((await appError(listApiTokens(ws.byRole[r].actor))).status).toBe(403)
    }
  })

  it('a password exchange picks the named workspace, or the first; a foreign workspace name is a 404', async () => {
    const a = await buildWorkspace()
    const b = await buildWorkspace()
    const { token: invite } = await createInvite(b.owner.actor, { role: 'commenter', function: 'sales', email: a.editor.email })
    await acceptInvite({ token: invite, userId: a.editor.id, sessionToken: a.editor.sessionToken })
    const first = await issueApiTokenWithPassword({ email: a.editor.email, password: PASSWORD, ip: `ip-${uniq()}` })
    expect(first.workspace.id).toBe(a.workspace.id)
    const named = await issueApiTokenWithPassword({
      email: a.editor.email,
      password: PASSWORD,
      workspace: b.workspace.name,
      ip: `ip-${uniq()}`,
    })
    expect((await requireApiActor(apiRequest(named.token))).actor).toEqual({
      userId: a.editor.id,
      workspaceId: b.workspace.id,
      role: 'commenter',
      function: 'sales',
    })
    const c = await buildWorkspace()
    const e = await appError(
      issueApiTokenWithPassword({ email: a.editor.email, password: PASSWORD, workspace: c.workspace.name, ip: `ip-${uniq()}` }),
    )
    expect(e.status).toBe(404)
  })

  it.each(['', 'Bearer', 'Bearer short', 'Basic abcdefghijklmnop', `Bearer acc_${'x'.repeat(40)}`])(
    'refuses the header %j with 401',
    async (header) => {
      const request = new Request('http://localhost/api/v1/me', { headers: header ? { Authorization: header } : {} })
      expect((await appError(requireApiActor(request))).status).toBe(401)
    },
  )
})

describe('nothing crosses workspaces', () => {
  it('a member of A gets 404 for B’s narrative by id, and never sees it listed', async () => {
    const a = await buildWorkspace()
    const b = await buildWorkspace()
    const theirs = await buildNarrative(b.owner, { title: 'B secret plan' })
    const approved = await buildNarrative(b.owner, { title: 'B approved plan', status: 'approved' })
    for (const r of ROLES) {
      for (const id of [theirs.id, approved.id]) expect((await appError(getNarrativeFor(a.byRole[r].actor, id))).status).toBe(404)
      const listed = await listNarrativesFor(a.byRole[r].actor, {})
      expect(listed.map((n) => n.workspaceId).every((w) => w === a.workspace.id)).toBe(true)
    }
    // Even a member of both sees B's narrative only while acting in B.
    const { token } = await createInvite(b.owner.actor, { role: 'editor', function: 'marketing', email: a.owner.email })
    await acceptInvite({ token, userId: a.owner.id, sessionToken: a.owner.sessionToken })
    expect((await appError(getNarrativeFor(a.owner.actor, theirs.id))).status).toBe(404)
    await expect(getNarrativeFor({ ...a.owner.actor, workspaceId: b.workspace.id, role: 'editor' }, theirs.id)).resolves.toMatchObject({
      title: 'B secret plan',
    })
  })

  it('readers see approved narratives only; missing and hidden look the same', async () => {
    const ws = await buildWorkspace()
    const draft = await buildNarrative(ws.editor, { title: 'Draft' })
    const approved = await buildNarrative(ws.editor, { title: 'Approved', status: 'approved' })
    const missing = await appError(getNarrativeFor(ws.reader.actor, crypto.randomUUID()))
    const hidden = await appError(getNarrativeFor(ws.reader.actor, draft.id))
    expect({ status: hidden.status, message: hidden.message }).toEqual({ status: missing.status, message: missing.message })
    await expect(getNarrativeFor(ws.reader.actor, approved.id)).resolves.toMatchObject({ title: 'Approved' })
    expect((await listNarrativesFor(ws.reader.actor, {})).map((n) => n.title)).toEqual(['Approved'])
    expect((await listNarrativesFor(ws.commenter.actor, {})).map((n) => n.title).sort()).toEqual(['Approved', 'Draft'])
  })
})
