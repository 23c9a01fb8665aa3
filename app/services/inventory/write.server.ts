/**
 * Who may see and change the inventory, and the one write path every change takes.
 */
import { getSql, type TransactionSql } from '#db/client.ts'
import * as inv from '#db/queries/inventory.ts'
import { listNarrativeOwners } from '#db/queries/narratives.ts'
import { assertNoNul, conflict, forbidden, invalid } from '#app/domain/errors.ts'
import { canEditInventory, canSeeWorkingMaterial, type Actor } from '#app/domain/policies.ts'
import { bus } from '#app/events/bus.ts'
import type { z } from 'zod'
import { publishFeasibility, reevaluateWorkspace, type FeasibilityChange } from '../feasibility.server.ts'
import { notify } from '../notifications.server.ts'

/** Throws 403 unless the actor may see the inventory (working material). */
export function assertCanReadInventory(actor: Actor) {
  if (!canSeeWorkingMaterial(actor)) throw forbidden('Readers see approved narratives only; the tech stack is working material')
}
/** Throws 403 unless the actor may change the inventory. */
export function assertCanEditInventory(actor: Actor) {
  assertCanReadInventory(actor)
  if (!canEditInventory(actor)) throw forbidden('Only owners and editors can change the tech-stack inventory')
}

/** What the actor may do with the inventory, for the UI. */
export function inventoryAbilities(actor: Actor) {
  return { edit: canEditInventory(actor) }
}

const UNIQUE: Record<string, [string, string]> = {
  systems_name_idx: ['name', 'A system with this name already exists'],
  capabilities_name_idx: ['name', 'A capability with this name already exists'],
  integrations_identity_idx: ['name', 'These two systems already have an integration with this name; give it a different name'],
}

/**
 * One inventory write: authorization, a per-workspace lock, the change, re-evaluation of every
 * requirement in the same transaction; then the change feed hears about it.
 */
export async function writeInventory<T>(
  actor: Actor,
  systemIds: string[] | ((value: T) => string[]),
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  assertCanEditInventory(actor)
  let out: { value: T; changes: Awaited<ReturnType<typeof reevaluateWorkspace>>; notified: () => void }
  try {
    out = await getSql().begin(async (tx) => {
      await inv.lockInventory(tx, actor.workspaceId)
      const value = await fn(tx)
      const changes = await reevaluateWorkspace(tx, actor.workspaceId)
      return { value, changes, notified: await notifyOwnersOfFailures(tx, actor, changes) }
    })
  } catch (e) {
    const pg = e as { code?: string; constraint_name?: string }
    if (pg.code === '23505') {
      const [field, message] = UNIQUE[pg.constraint_name ?? ''] ?? ['_form', 'This already exists']
      throw conflict(message, { [field]: [message] })
    }
    throw e
  }
  bus.publish({
    type: 'inventory.changed',
    workspaceId: actor.workspaceId,
    systemIds: typeof systemIds === 'function' ? systemIds(out.value) : systemIds,
  })
  publishFeasibility(actor.workspaceId, out.changes)
  out.notified()
  return out.value
}

/**
 * Tells the owners of narratives whose requirements newly fail after this inventory change, in
 * the change's transaction ("2 requirements now fail in 'FY27 ABM expansion'").
 */
async function notifyOwnersOfFailures(tx: TransactionSql, actor: Actor, changes: FeasibilityChange[]) {
  const failing = changes.filter((c) => c.newlyFailing > 0)
  const owners = await listNarrativeOwners(tx, { workspaceId: actor.workspaceId, ids: failing.map((c) => c.narrativeId) })
  const count = new Map(failing.map((c) => [c.narrativeId, c.newlyFailing]))
  return notify(
    tx,
    owners.map((n) => {
      const k = count.get(n.id) ?? 0
      return {
        workspaceId: actor.workspaceId,
        userId: n.ownerId,
        kind: 'feasibility' as const,
        actorId: actor.userId,
        narrativeId: n.id,
        excerpt: `${k} requirement${k === 1 ? '' : 's'} now fail${k === 1 ? 's' : ''} in “${n.title}” after a tech-stack change.`,
      }
    }),
  )
}

/** Parses with `schema` or throws a 400 with a message per field (NUL refused first). */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  assertNoNul(input)
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const errors: Record<string, string[]> = {}
  for (const issue of r.error.issues) (errors[issue.path.map(String).join('.') || '_form'] ??= []).push(issue.message)
  throw invalid('Some fields need attention', errors)
}
