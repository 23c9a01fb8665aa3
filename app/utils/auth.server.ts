import { createCookie, redirect } from '@remix-run/node'
import { getSql } from '#db/client.ts'
import * as sessions from '#db/queries/sessions.ts'
import * as workspaces from '#db/queries/workspaces.ts'
import * as tokens from '#db/queries/api-tokens.ts'
import { forbidden, tooManyRequests, unauthenticated } from '#app/domain/errors.ts'
import { recordAudit } from '#app/services/audit.server.ts'
import type { Actor } from '#app/domain/policies.ts'
import { sha256 } from './crypto.server.ts'
import { apiContext } from './api-context.server.ts'
import { takeToken } from './rate-limit.server.ts'
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

/** The signed-in user and their session, or null. */
export async function getSessionUser(request: Request) {
  const token = await readSessionToken(request.headers.get('Cookie'))
  if (!token) return null
  const session = await sessions.getSession(getSql(), sha256(token))
  if (!session) return null
  return {
    token,
    user: { id: session.userId, name: session.name, email: session.email } satisfies SessionUser,
    workspaceId: session.workspaceId,
  }
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
  const current = await requireUser(request)
  const memberships = await workspaces.listMemberships(getSql(), current.user.id)
  const membership = memberships.find((m) => m.workspaceId === current.workspaceId) ?? memberships[0]
  if (!membership) throw redirect('/workspaces/new')
  const actor: Actor = {
    userId: current.user.id,
    workspaceId: membership.workspaceId,
    role: membership.role,
    function: membership.function,
  }
  return { ...current, actor, membership, memberships }
}

/** The actor behind `Authorization: Bearer <token>`; throws 401 otherwise. */
export async function requireApiActor(request: Request) {
  const header = request.headers.get('Authorization') ?? ''
  const match = /^Bearer\s+(\S{10,200})$/i.exec(header)
  if (!match?.[1]) throw unauthenticated('Send an API token as "Authorization: Bearer <token>"')
  const row = await tokens.getTokenActor(getSql(), sha256(match[1]))
  if (!row) throw unauthenticated('The API token is unknown or revoked')
  // Throttled per token, before any other work; every answer then tells the client where it stands.
  const rate = takeToken(row.tokenId)
  if (rate) {
    const ctx = apiContext()
    if (ctx) Object.assign(ctx.headers, rate.headers)
    if (!rate.allowed) {
      const e = tooManyRequests(`Too many requests with this token: retry in ${rate.retryAfterSeconds} s`, rate.retryAfterSeconds)
      Object.assign(e.headers ?? {}, rate.headers)
      throw e
    }
  }
  // Read tokens read: every method but GET and HEAD is a write.
  if (row.scope === 'read' && request.method !== 'GET' && request.method !== 'HEAD') {
    throw forbidden('This API token is read-only: create a write token in Settings → API tokens to change data')
  }
  if (await tokens.touchApiToken(getSql(), row.tokenId)) {
    await recordAudit(getSql(), {
      workspaceId: row.workspaceId,
      actorId: row.userId,
      action: 'token.used',
      target: `${row.tokenName} (${row.prefix}…)`,
      meta: { scope: row.scope, method: request.method, path: new URL(request.url).pathname.slice(0, 200) },
      ip: clientAddress(request),
    })
  }
  const actor: Actor = { userId: row.userId, workspaceId: row.workspaceId, role: row.role, function: row.function }
  return {
    actor,
    user: { id: row.userId, name: row.name, email: row.email },
    workspace: { id: row.workspaceId, name: row.workspaceName },
  }
}

/** The client address for throttling (Express sets it from the socket or a trusted proxy). */
export function clientAddress(request: Request): string {
  return request.headers.get('x-accord-client-ip') ?? 'unknown'
}
