import { getPresence, getPresenceOf } from '#app/document/live.ts'

/** Who has a narrative open right now (from the collaboration server's awareness). */
export function getPresenceFor(narrativeId: string): { userId: string; name: string }[] {
  return getPresence(narrativeId)
}

/** Who has each of these narratives open right now, on any instance (one Redis round trip with several). */
export function getPresenceForMany(narrativeIds: string[]): Promise<Map<string, { userId: string; name: string }[]>> {
  return getPresenceOf(narrativeIds)
}
