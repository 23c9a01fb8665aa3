import { singleton } from '#db/singleton.ts'

interface PresenceSource {
  presence(narrativeId: string): { userId: string; name: string }[]
  /** Commits what an open copy of the narrative still holds in memory (no-op when not open here). */
  flush?(narrativeId: string): Promise<void>
  /**
   * Applies a server-made update (a restore) to the open copy of the narrative, which stores it
   * and relays it to its clients; false when the narrative is not open on this instance.
   */
  applyServerUpdate?(narrativeId: string, update: Uint8Array, authorId: string | null): Promise<boolean>
}

/**
 * The collaboration server attached in this process, if any. A globalThis singleton: the Remix
 * server build bundles its own copy of this module, and must see the one server/index.ts attached.
 */
export const collabRegistry = singleton('collab-registry', () => ({ current: null as PresenceSource | null }))

/** Who has the narrative open right now on this instance ([] when no collaboration server runs). */
export function getPresence(narrativeId: string): { userId: string; name: string }[] {
  return collabRegistry.current?.presence(narrativeId) ?? []
}
