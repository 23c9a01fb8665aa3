import { getPresence } from '#server/collab/presence.ts'

/** Who has a narrative open right now (from the collaboration server's awareness). */
export function getPresenceFor(narrativeId: string): { userId: string; name: string }[] {
  return getPresence(narrativeId)
}
