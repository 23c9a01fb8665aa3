import { singleton } from '#db/singleton.ts'

export interface PresentUser {
  userId: string
  name: string
}

/**
 * The live-documents port: what the app may ask of the narratives open in the collaboration
 * server. The process shell (server/collab) attaches its implementation at boot; the app never
 * imports the server. Without one (tests, scripts) nothing is open: presence is empty, flushes are
 * no-ops and server-made updates go straight to the log.
 */
export interface LiveDocuments {
  presence(narrativeId: string): PresentUser[]
  /** Who has each narrative open on any instance (through Redis with several instances). */
  presenceOf(narrativeIds: string[]): Promise<Map<string, PresentUser[]>>
  /** Commits what an open copy of the narrative still holds in memory (no-op when not open here). */
  flush?(narrativeId: string): Promise<void>
  /**
   * Applies a server-made update (a restore, a repair) to the open copy of the narrative, which
   * stores it and relays it to its clients; false when the narrative is not open on this instance.
   */
  applyServerUpdate?(narrativeId: string, update: Uint8Array, authorId: string | null): Promise<boolean>
}

/** A globalThis singleton: the Remix server build bundles its own copy of this module. */
const port = singleton('live-documents', () => ({ current: null as LiveDocuments | null }))

/** Attaches (or, with null, detaches) the collaboration server of this process. */
export function attachLiveDocuments(source: LiveDocuments | null) {
  port.current = source
}

/** The attached collaboration server, or null. */
export function liveDocuments(): LiveDocuments | null {
  return port.current
}

/** Who has the narrative open right now on this instance ([] when no collaboration server runs). */
export function getPresence(narrativeId: string): PresentUser[] {
  return port.current?.presence(narrativeId) ?? []
}

/** Who has each narrative open right now on any instance (empty lists when no collaboration server runs). */
export async function getPresenceOf(narrativeIds: string[]): Promise<Map<string, PresentUser[]>> {
  const source = port.current
  if (!source) return new Map(narrativeIds.map((id) => [id, []]))
  return source.presenceOf(narrativeIds)
}
