import type { IncomingMessage } from 'node:http'
import type { Sql } from '#db/client.ts'
import { getSession } from '#db/queries/sessions.ts'
import { getTokenActor } from '#db/queries/api-tokens.ts'
import { getMembership } from '#db/queries/workspaces.ts'
import { getNarrativeAccess, type Template } from '#db/queries/narratives.ts'
import { canEditNarrative, canReadNarrative, type Actor, type NarrativeStatus } from '#app/domain/policies.ts'
import { readSessionToken } from '#app/utils/auth.server.ts'
import { sha256 } from '#app/utils/crypto.server.ts'
import { CloseCode } from '#app/editor/collab/close-codes.ts'

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
 * Origin, then the session cookie or bearer token, then the narrative and the membership of its
 * workspace, judged with the same policies as the HTTP routes. Foreign and missing look the same.
 */
export async function authorizeUpgrade(
  sql: Sql,
  req: IncomingMessage,
  narrativeId: string,
  opts: { appUrl?: string },
): Promise<UpgradeDecision> {
  if (!isOwnOrigin(req, opts.appUrl)) return refuse(CloseCode.Forbidden, 'Origin not allowed')

  let user: { userId: string; name: string } | null = null
  let tokenWorkspace: { workspaceId: string; role: Actor['role'] } | null = null
  const bearer = /^Bearer\s+(\S{10,200})$/i.exec(req.headers.authorization ?? '')
  if (bearer?.[1]) {
    const row = await getTokenActor(sql, sha256(bearer[1]))
    if (row) {
      user = { userId: row.userId, name: row.name }
      tokenWorkspace = { workspaceId: row.workspaceId, role: row.role }
    }
  } else {
    const token = await readSessionToken(req.headers.cookie ?? null)
    const session = token ? await getSession(sql, sha256(token)) : null
    if (session) user = { userId: session.userId, name: session.name }
  }
  if (!user) return refuse(CloseCode.Unauthenticated, 'Sign in to open this narrative')

  const notFound = refuse(CloseCode.NotFound, 'No such narrative')
  if (!UUID.test(narrativeId)) return notFound
  const access = await getNarrativeAccess(sql, narrativeId)
  if (!access) return notFound
  // A token acts in its own workspace only; a session in any workspace the user belongs to.
  const role = tokenWorkspace
    ? tokenWorkspace.workspaceId === access.workspaceId
      ? tokenWorkspace.role
      : null
    : ((await getMembership(sql, { workspaceId: access.workspaceId, userId: user.userId }))?.role ?? null)
  if (!role) return notFound

  const actor: Actor = { userId: user.userId, workspaceId: access.workspaceId, role }
  if (!canReadNarrative(actor, access)) return refuse(CloseCode.Forbidden, 'You may not read this narrative')
  return {
    ok: true,
    user,
    actor,
    narrative: {
      id: narrativeId,
      workspaceId: access.workspaceId,
      status: access.status,
      seeded: access.seeded,
      template: access.template,
    },
    canWrite: canEditNarrative(actor, access),
  }
}
