import { json } from '@remix-run/node'
import { canManageWorkspace, canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { requireActor } from './auth.server.ts'

/** Pages with working material (drafts, stack, metrics, roadmap): not for readers. */
export async function requireWorkingMember(request: Request) {
  const ctx = await requireActor(request)
  if (!canSeeWorkingMaterial(ctx.actor)) {
    throw json({ message: 'Readers see approved narratives only. Open the Approved library instead.' }, { status: 403 })
  }
  return ctx
}

/** Settings: owners only. */
export async function requireOwner(request: Request) {
  const ctx = await requireActor(request)
  if (!canManageWorkspace(ctx.actor)) {
    throw json({ message: 'Only workspace owners can open Settings.' }, { status: 403 })
  }
  return ctx
}
