import type { IncomingMessage } from 'node:http'
import type { Sql } from '#db/client.ts'
import { getNarrativeAccess, type Template } from '#db/queries/narratives.ts'
import { canEditNarrative, canReadNarrative, type Actor, type NarrativeStatus } from '#app/domain/policies.ts'
import { admitTokenUse, authenticate, mayWrite, type Credentials, type Identity } from '#app/utils/auth.server.ts'
import { CloseCode } from '#app/document/close-codes.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface NarrativeAccess {
  id: string
  workspaceId: string
  status: NarrativeStatus
  seeded: boolean
  template: Template
}

export type UpgradeDecision =
  | {
      ok: true
      user: { userId: string; name: string }
      actor: Actor
      narrative: NarrativeAccess
      canWrite: boolean
    }
  | { ok: false; code: number; reason: string }

const refuse = (code: number, reason: string): UpgradeDecision => ({ ok: false, code, reason })

/** The narrative id of a `/collab/<id>` upgrade URL (any query string ignored), or null for other paths. */
export function collabRoomOf(url: string | undefined): string | null {
  const path = new URL(url ?? '/', 'http://localhost').pathname
  const match = /^\/collab\/([^/]+)\/?$/.exec(path)
  if (!match?.[1]) return null
  try {
    return decodeURIComponent(match[1])
  } catch {
    return ''
  }
}

/** True when the request has no Origin (not a browser) or the app's own origin. */
export function isOwnOrigin(req: IncomingMessage, appUrl?: string): boolean {
  const origin = req.headers.origin
  if (!origin) return true
  if (appUrl) return origin === new URL(appUrl).origin
  const host = req.headers.host
  return !!host && (origin === `http://${host}` || origin === `https://${host}`)
}

/**
 * Decides whether the upgrade request may open narrative `narrativeId`, and with which rights:
 * Origin, then who is calling (the app's one `authenticate`: session cookie or bearer token), then
 * the narrative and the membership of its workspace, judged with the same policies as the HTTP
 * routes; a token's use is rate limited and audited as on the API. Foreign and missing look the same.
 */
export async function authorizeUpgrade(
  sql: Sql,
  req: IncomingMessage,
  narrativeId: string,
  opts: { appUrl?: string },
): Promise<UpgradeDecision> {
  if (!isOwnOrigin(req, opts.appUrl)) return refuse(CloseCode.Forbidden, 'Origin not allowed')
  const { decision, identity } = await decide(sql, credentialsOf(req), narrativeId)
  if (identity?.token) {
    const { refusal, rate } = await admitTokenUse(
      sql,
      { ...identity, token: identity.token },
      { method: 'GET', path: `/collab/${narrativeId}`, ip: req.socket.remoteAddress ?? 'unknown', write: false },
    )
    if (refusal) return refuse(CloseCode.RateLimited, `Too many requests with this token: retry in ${rate?.retryAfterSeconds ?? 1} s`)
  }
  return decision
}

/** The credentials an upgrade request carries (kept by its connection to re-check it later). */
export function credentialsOf(req: IncomingMessage): Credentials {
  return { cookie: req.headers.cookie ?? null, authorization: req.headers.authorization ?? null }
}

/**
 * The rights `credentials` have on the narrative now (no Origin check, no token use counted): at
 * the upgrade, and again for open sockets whenever the narrative's status or a membership changes.
 */
export async function decide(
  sql: Sql,
  credentials: Credentials,
  narrativeId: string,
): Promise<{ decision: UpgradeDecision; identity: Identity | null }> {
  const access = UUID.test(narrativeId) ? await getNarrativeAccess(sql, narrativeId) : null
  // A token acts in its own workspace only; a session in any workspace the user belongs to.
  const identity = await authenticate(sql, credentials, access ? { workspaceId: access.workspaceId } : {})
  if (!identity) return { decision: refuse(CloseCode.Unauthenticated, 'Sign in to open this narrative'), identity }
  if (!access || !identity.actor) return { decision: refuse(CloseCode.NotFound, 'No such narrative'), identity }
  const actor = identity.actor
  if (!canReadNarrative(actor, access)) return { decision: refuse(CloseCode.Forbidden, 'You may not read this narrative'), identity }
  const decision: UpgradeDecision = {
    ok: true,
    user: { userId: identity.user.id, name: identity.user.name },
    actor,
    narrative: {
      id: narrativeId,
      workspaceId: access.workspaceId,
      status: access.status,
      seeded: access.seeded,
      template: access.template,
    },
    // A read-scoped token reads, whatever its owner's role.
    canWrite: canEditNarrative(actor, access) && mayWrite(identity),
  }
  return { decision, identity }
}
