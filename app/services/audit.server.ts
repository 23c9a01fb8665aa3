import type { Db } from '#db/client.ts'
import { getSql } from '#db/client.ts'
import * as audit from '#db/queries/audit.ts'
import * as users from '#db/queries/users.ts'
import * as workspaces from '#db/queries/workspaces.ts'
import { forbidden } from '#app/domain/errors.ts'
import { canManageWorkspace, type Actor } from '#app/domain/policies.ts'
import type { AuditAction } from '#app/domain/audit.ts'

export interface AuditEvent {
  workspaceId: string | null
  actorId: string | null
  action: AuditAction
  /** What the event was about, in words ("Claire Dubois", "token Warehouse sync (acc_1234)"). */
  target?: string | null
  meta?: Record<string, unknown>
  ip?: string | null
}

/**
 * Records a security-relevant event. Pass the transaction handle when the event belongs to a
 * write (a role change, a revocation), so both commit or neither does.
 */
export async function recordAudit(db: Db, event: AuditEvent) {
  await audit.insertAuditEvents(db, [event])
}

/**
 * A sign-in attempt (form or password exchange for an API token). A failure for a known e-mail is
 * recorded in every workspace of that person, so each owner sees guessing against their members;
 * a failure for an unknown e-mail is kept without a workspace.
 */
export async function auditSignIn(args: {
  email: string
  ok: boolean
  ip: string
  via: 'form' | 'api'
  userId?: string
  workspaceId?: string | null
}) {
  const sql = getSql()
  const meta = { via: args.via, email: args.email.slice(0, 254) }
  if (args.ok) {
    await recordAudit(sql, {
      workspaceId: args.workspaceId ?? null,
      actorId: args.userId ?? null,
      action: 'auth.sign_in',
      meta,
      ip: args.ip,
    })
    return
  }
  const user = await users.getUserCredentials(sql, args.email.toLowerCase())
  const memberships = user ? await workspaces.listMemberships(sql, user.id) : []
  const events = memberships.length
    ? memberships.map((m) => ({ workspaceId: m.workspaceId, actorId: user!.id, action: 'auth.sign_in_failed', meta, ip: args.ip }))
    : [{ workspaceId: null, actorId: user?.id ?? null, action: 'auth.sign_in_failed', meta, ip: args.ip }]
  await audit.insertAuditEvents(sql, events)
}

/** The audit log of the actor's workspace (owners only), newest first. */
export async function listAuditFor(actor: Actor, args: { before?: string; action?: string; limit?: number }) {
  if (!canManageWorkspace(actor)) throw forbidden('Only owners can read the audit log')
  return audit.listAuditEvents(getSql(), {
    workspaceId: actor.workspaceId,
    before: args.before,
    action: args.action,
    limit: args.limit ?? 100,
  })
}
