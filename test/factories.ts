/**
 * Test factories: every object is made through the app's own service functions (sign-up, invite,
 * narrative creation), so a fixture is exactly what a user could have created. Each call makes a
 * fresh workspace; tests never share or truncate state.
 */
import { randomBytes } from 'node:crypto'
import { getSql } from '#db/client.ts'
import * as narrativeQueries from '#db/queries/narratives.ts'
import type { Actor, MemberFunction, NarrativeStatus, Role } from '#app/domain/policies.ts'
import type { TemplateKey } from '#app/domain/templates.ts'
import { signUp } from '#app/services/accounts.server.ts'
import { createNarrative } from '#app/services/narratives.server.ts'
import { createApiToken, createInvite, issueApiTokenWithPassword, signUpWithInvite } from '#app/services/workspaces.server.ts'
import { commitSessionCookie } from '#app/utils/auth.server.ts'
import { buildMarkdownUpdate, seedNarrativeContent } from '#app/document/content.ts'
import { MetricInputSchema } from '#app/schemas/metrics.ts'
import { addCommitment } from '#app/services/metrics/commitments.server.ts'
import { createMetric } from '#app/services/metrics/dictionary.server.ts'
import { decideReview, requestReview } from '#app/services/reviews.server.ts'

export const PASSWORD = 'correct horse battery'

/** A unique suffix for names and emails. */
export const uniq = () => randomBytes(4).toString('hex')

export interface Person {
  id: string
  name: string
  email: string
  password: string
  role: Role
  workspaceId: string
  actor: Actor
  /** The raw session token (what the cookie holds). */
  sessionToken: string
  /** A `Cookie` header value that signs this person in. */
  cookie: string
}

/** The `Cookie` header for a session token, serialized by the app itself, as a browser would send it. */
export async function sessionCookie(token: string): Promise<string> {
  const setCookie = await commitSessionCookie(new Request('http://localhost/'), token)
  return setCookie.split(';')[0]!
}

async function person(args: {
  user: { id: string; name: string; email: string }
  role: Role
  workspaceId: string
  sessionToken: string
  function?: MemberFunction
}): Promise<Person> {
  return {
    ...args.user,
    password: PASSWORD,
    role: args.role,
    workspaceId: args.workspaceId,
    actor: { userId: args.user.id, workspaceId: args.workspaceId, role: args.role, function: args.function ?? 'other' },
    sessionToken: args.sessionToken,
    cookie: await sessionCookie(args.sessionToken),
  }
}

/** A new user who signed up and owns a new workspace. */
export async function buildOwner(overrides: { name?: string; email?: string; workspaceName?: string } = {}) {
  const id = uniq()
  const { user, workspace, session } = await signUp({
    name: overrides.name ?? `Owner ${id}`,
    email: overrides.email ?? `owner-${id}@example.test`,
    password: PASSWORD,
    workspaceName: overrides.workspaceName ?? `Workspace ${id}`,
  })
  return { owner: await person({ user, role: 'owner', workspaceId: workspace.id, sessionToken: session.token }), workspace }
}

/** A new person who joins `owner`'s workspace through an invite link with `role`. */
export async function buildMember(owner: Person, role: Role, fn: MemberFunction = 'other') {
  const id = uniq()
  const email = `${role}-${id}@example.test`
  const { token } = await createInvite(owner.actor, { role, function: fn, email })
  const { user, session } = await signUpWithInvite({
    token,
    name: `${role} ${id}`,
    email,
    password: PASSWORD,
  })
  return person({ user, role, workspaceId: owner.workspaceId, sessionToken: session.token, function: fn })
}

export interface WorkspaceFixture {
  workspace: { id: string; name: string }
  owner: Person
  editor: Person
  commenter: Person
  reader: Person
  /** The members by role. */
  byRole: Record<Role, Person>
}

/** A fresh workspace with one member of each role (the owner signed up, the others were invited). */
export async function buildWorkspace(overrides: { workspaceName?: string } = {}): Promise<WorkspaceFixture> {
  const { owner, workspace } = await buildOwner(overrides)
  const [editor, commenter, reader] = await Promise.all([
    buildMember(owner, 'editor', 'marketing'),
    buildMember(owner, 'commenter', 'sales'),
    buildMember(owner, 'reader', 'leadership'),
  ])
  return { workspace, owner, editor, commenter, reader, byRole: { owner, editor, commenter, reader } }
}

/** A narrative created by `author` (owner or editor); `status` is set directly (no approval flow yet). */
export async function buildNarrative(
  author: Person | Actor,
  args: { title?: string; template?: TemplateKey; status?: NarrativeStatus } = {},
) {
  const actor = 'actor' in author ? author.actor : author
  const narrative = await createNarrative(actor, { title: args.title ?? `Narrative ${uniq()}`, template: args.template ?? 'strategy' })
  if (args.status && args.status !== 'draft') {
    await narrativeQueries.updateNarrativeStatus(getSql(), { id: narrative.id, workspaceId: actor.workspaceId, status: args.status })
  }
  return { ...narrative, status: args.status ?? narrative.status }
}

/**
 * A narrative approved through the real flow: its text from `markdown`, a pipeline commitment (the
 * gate needs one), sent to review with the owner and the editor, who both approve.
 */
export async function buildApprovedNarrative(ws: WorkspaceFixture, args: { title: string; markdown: string }) {
  const owner = ws.owner.actor
  const n = await buildNarrative(ws.owner, { title: args.title })
  await seedNarrativeContent(getSql(), n.id, buildMarkdownUpdate(args.markdown))
  const key = `pipeline_${uniq().slice(0, 8)}`
  await createMetric(
    owner,
    MetricInputSchema.parse({ key, name: 'Pipeline', unit: 'count', direction: 'higher', indicator: 'lagging', aggregation: 'sum' }),
  )
  await addCommitment(owner, n.id, { metricKey: key, baseline: 100, target: 120, granularity: 'quarter', dueOn: '2099-03-31', note: '' })
  await requestReview(owner, n.id, { approverIds: [ws.owner.id, ws.editor.id] })
  await decideReview(owner, n.id, { decision: 'approve', note: '' })
  await decideReview(ws.editor.actor, n.id, { decision: 'approve', note: '' })
  return n
}

/**
 * An API token for `who`: owners create it in Settings, others exchange their password (each
 * exchange from its own address so that throttling in one test never leaks into another).
 */
export async function buildApiToken(who: Person): Promise<string> {
  if (who.role === 'owner') return (await createApiToken(who.actor, { name: `token ${uniq()}` })).token
  const workspace = await getSql()<{ name: string }[]>`select name from workspaces where id = ${who.workspaceId}`
  const { token } = await issueApiTokenWithPassword({
    email: who.email,
    password: who.password,
    workspace: workspace[0]!.name,
    ip: `factory-${uniq()}`,
  })
  return token
}
