import { bus } from '#app/events/bus.ts'

/**
 * Tells every instance that who may read or write changed — a narrative's status, or anything of
 * a workspace — after the change committed: open collaboration sockets are re-checked and closed
 * (4205) where their rights differ now. Membership changes do the same through 'membership.changed'.
 */
export function accessChanged(scope: { workspaceId: string; narrativeId?: string }) {
  bus.publish({ type: 'access.changed', ...scope })
}
