import { createCookie, redirect } from '@remix-run/node'
import { getSql } from '#db/client.ts'
import * as sessions from '#db/queries/sessions.ts'
import * as workspaces from '#db/queries/workspaces.ts'
import * as tokens from '#db/queries/api-tokens.ts'
import type { Db } from '#db/client.ts'
import type { TokenScope } from '#db/queries/api-tokens.ts'
import { forbidden, tooManyRequests, unauthenticated } from '#app/domain/errors.ts'
import { recordAudit } from '#app/services/audit.server.ts'
import type { Actor } from '#app/domain/policies.ts'
import { sha256 } from './crypto.server.ts'
import { apiContext } from './api-context.server.ts'
import { takeToken, type RateDecision } from './rate-limit.server.ts'
import { SESSION_DAYS } from '#app/services/accounts.server.ts'

export const SESSION_COOKIE = 'accord_session'

const sessionCookie = createCookie(SESSION_COOKIE, {
  httpOnly: true,
  sameSite: 'lax',
  path: '/',
  maxAge: SESSION_DAYS * 24 * 3600,
})

function isHttps(request: Request) {
  return new URL(request.url).protocol === 'https:'
}

export async function commitSessionCookie(request: Request, token: string) {
  return sessionCookie.serialize(token, { secure: isHttps(request) })
}

export async function clearSessionCookie(request: Request) {
  return sessionCookie.serialize('', { maxAge: 0, secure: isHttps(request) })
}

/** Marks a browser where someone signed in before: its sign-ins skip the account's backoff. */
const deviceCookie = createCookie('accord_device', { httpOnly: true, sameSite: 'lax', path: '/login', maxAge: 365 * 24 * 3600 })

export async function commitDeviceCookie(request: Request, token: string) {
  return deviceCookie.serialize(token, { secure: isHttps(request) })
}

/** The known-device token from the cookie header, or null. */
export async function readDeviceToken(cookieHeader: string | null): Promise<string | null> {
  const value: unknown = await deviceCookie.parse(cookieHeader)
  return typeof value === 'string' && value.length > 0 && value.length < 200 ? value : null
}

/** The raw session token from the cookie header, or null. */
export async function readSessionToken(cookieHeader: string | null): Promise<string | null> {
  const value: unknown = await sessionCookie.parse(cookieHeader)
  return typeof value === 'string' && value.length > 0 && value.length < 200 ? value : null
}

export interface SessionUser {
  id: string
  name: string
  email: string
}

/** The credentials of a request, as plain header values (an HTTP request's or a websocket upgrade's). */
export interface Credentials {
  cookie?: string | null
  authorization?: string | null
}

export interface ApiTokenUse {
  id: string
  name: string
  prefix: string
  scope: TokenScope
  workspaceName: string
}

/**
 * Who is calling: a session (cookie) or an API token (bearer), and the actor they are in
 * `workspaceId` (default: the session's current workspace, falling back to its first; a token's own
 * workspace). `actor` is null when they are no member there; `token` is null for a session.
 */
export interface Identity {
  user: SessionUser
  actor: Actor | null
  token: ApiTokenUse | null
  session: { token: string; workspaceId: string | null } | null
  /** A session's memberships, when its current workspace was looked up (the workspace switcher lists them). */
  memberships: workspaces.MembershipRow[] | null
}

const BEARER = /^Bearer\s+(\S{10,200})$/i

/**
 * The one sign-in rule for every door (pages, API, collaboration socket): a bearer token when an
 * Authorization header is sent (never falling back to the cookie), else the session cookie.
 * Null when neither identifies anyone. No side effects: callers count token use (`admitTokenUse`).
 */
export async function authenticate(db: Db, credentials: Credentials, opts: { workspaceId?: string } = {}): Promise<Identity | null> {
  if (credentials.authorization) {
    const match = BEARER.exec(credentials.authorization)
    const row = match?.[1] ? await tokens.getTokenActor(db, sha256(match[1])) : null
    if (!row) return null
    const own = !opts.workspaceId || opts.workspaceId === row.workspaceId
    return {
      user: { id: row.userId, name: row.name, email: row.email },
      actor: own ? { userId: row.userId, workspaceId: row.workspaceId, role: row.role, function: row.function } : null,
      token: { id: row.tokenId, name: row.tokenName, prefix: row.prefix, scope: row.scope, workspaceName: row.workspaceName },
      session: null,
      memberships: null,
    }
  }
  const token = await readSessionToken(credentials.cookie ?? null)
  const session = token ? await sessions.getSession(db, sha256(token)) : null
  if (!token || !session) return null
  let membership: workspaces.MembershipRow | null
  let memberships: workspaces.MembershipRow[] | null = null
  if (opts.workspaceId) membership = await workspaces.getMembership(db, { workspaceId: opts.workspaceId, userId: session.userId })
  else {
    memberships = await workspaces.listMemberships(db, session.userId)
    membership = memberships.find((m) => m.workspaceId === session.workspaceId) ?? memberships[0] ?? null
  }
  return {
    user: { id: session.userId, name: session.name, email: session.email },
    actor: membership
      ? { userId: session.userId, workspaceId: membership.workspaceId, role: membership.role, function: membership.function }
      : null,
    token: null,
    session: { token, workspaceId: session.workspaceId },
    memberships,
  }
}

/** Read-scoped tokens read; sessions and write tokens may write (what the actor's role allows). */
export function mayWrite(identity: Pick<Identity, 'token'>): boolean {
  return identity.token?.scope !== 'read'
}

/**
 * Counts one use of an API token, on every door: its rate bucket first, then its scope (`write`:
 * the use changes data), then the use count and the hourly 'token.used' audit row. A refused use
 * (`refusal`) is neither counted nor audited; `rate` is null when the API is not rate limited.
 */
export async function admitTokenUse(
  db: Db,
  identity: Identity & { token: ApiTokenUse },
  use: { method: string; path: string; ip: string; write: boolean },
): Promise<{ rate: RateDecision | null; refusal: 'rate' | 'scope' | null }> {
  const rate = takeToken(identity.token.id)
  if (rate && !rate.allowed) return { rate, refusal: 'rate' }
  if (use.write && !mayWrite(identity)) return { rate, refusal: 'scope' }
  if (await tokens.touchApiToken(db, identity.token.id)) {
    await recordAudit(db, {
      workspaceId: identity.actor?.workspaceId ?? null,
      actorId: identity.user.id,
      action: 'token.used',
      target: `${identity.token.name} (${identity.token.prefix}…)`,
      meta: { scope: identity.token.scope, method: use.method, path: use.path.slice(0, 200) },
      ip: use.ip,
    })
  }
  return { rate, refusal: null }
}

/** The signed-in user and their session, or null. */
export async function getSessionUser(request: Request) {
  const identity = await authenticate(getSql(), { cookie: request.headers.get('Cookie') })
  if (!identity?.session) return null
  return { token: identity.session.token, user: identity.user, workspaceId: identity.session.workspaceId, identity }
}

function loginRedirect(request: Request) {
  const url = new URL(request.url)
  const to = url.pathname + url.search
  return redirect(`/login?redirectTo=${encodeURIComponent(to)}`)
}

export async function requireUser(request: Request) {
  const current = await getSessionUser(request)
  if (!current) throw loginRedirect(request)
  return current
}

/**
 * The signed-in user acting in their current workspace (falling back to their first one).
 * Without any workspace they are sent to create one.
 */
export async function requireActor(request: Request) {
  const { identity, ...current } = await requireUser(request)
  const memberships = identity.memberships ?? []
  const membership = memberships.find((m) => m.workspaceId === identity.actor?.workspaceId)
  if (!identity.actor || !membership) throw redirect('/workspaces/new')
  return { ...current, actor: identity.actor, membership, memberships }
}

/** The actor behind `Authorization: Bearer <token>`; throws 401 otherwise. */
export async function requireApiActor(request: Request) {
  const authorization = request.headers.get('Authorization') ?? ''
  if (!BEARER.test(authorization)) throw unauthenticated('Send an API token as "Authorization: Bearer <token>"')
  const identity = await authenticate(getSql(), { authorization })
  if (!identity?.token || !identity.actor) throw unauthenticated('The API token is unknown or revoked')
  const token = identity.token
  // Throttled per token, before any other work; every answer then tells the client where it stands.
  const { rate, refusal } = await admitTokenUse(
    getSql(),
    { ...identity, token },
    {
      method: request.method,
      path: new URL(request.url).pathname,
      ip: clientAddress(request),
      // Every method but GET and HEAD is a write.
      write: request.method !== 'GET' && request.method !== 'HEAD',
    },
  )
  const ctx = apiContext()
  if (rate && ctx) Object.assign(ctx.headers, rate.headers)
  if (rate && refusal === 'rate') {
    const e = tooManyRequests(`Too many requests with this token: retry in ${rate.retryAfterSeconds} s`, rate.retryAfterSeconds)
    Object.assign(e.headers ?? {}, rate.headers)
    throw e
  }
  if (refusal === 'scope') throw forbidden('This API token is read-only: create a write token in Settings → API tokens to change data')
  return {
    actor: identity.actor,
    user: identity.user,
    workspace: { id: identity.actor.workspaceId, name: token.workspaceName },
  }
}

/** The client address for throttling (Express sets it from the socket or a trusted proxy). */
export function clientAddress(request: Request): string {
  return request.headers.get('x-accord-client-ip') ?? 'unknown'
}
