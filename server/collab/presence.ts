import { singleton } from '#db/singleton.ts'

export interface PresentUser {
  userId: string
  name: string
}

interface PresenceSource {
  presence(narrativeId: string): PresentUser[]
  /** Who has each narrative open on any instance (through Redis with several instances). */
  presenceOf(narrativeIds: string[]): Promise<Map<string, PresentUser[]>>
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
export function getPresence(narrativeId: string): PresentUser[] {
  return collabRegistry.current?.presence(narrativeId) ?? []
}

/** Who has each narrative open right now on any instance (empty lists when no collaboration server runs). */
export async function getPresenceOf(narrativeIds: string[]): Promise<Map<string, PresentUser[]>> {
  const source = collabRegistry.current
  if (!source) return new Map(narrativeIds.map((id) => [id, []]))
  return source.presenceOf(narrativeIds)
}

/** With several instances: each instance's users per narrative live in a Redis hash, one field per instance. */
export const PRESENCE_KEY = (narrativeId: string) => `accord:presence:${narrativeId}`
/** An instance re-writes its entries this often… */
export const PRESENCE_REFRESH_MS = 10_000
/** …and an entry older than this is ignored (its instance died without clearing it). */
export const PRESENCE_STALE_MS = 30_000

/** An instance's entry in a narrative's presence hash. */
export interface PresenceEntry {
  at: number
  users: PresentUser[]
}

/** Merges the entries of one narrative's hash (fresh ones only) with this instance's own users. */
export function mergePresence(hash: Record<string, string> | null, own: PresentUser[], ownField: string, now = Date.now()): PresentUser[] {
  const users = new Map<string, string>()
  for (const u of own) users.set(u.userId, u.name)
  for (const [field, raw] of Object.entries(hash ?? {})) {
    if (field === ownField) continue
    try {
      const entry = JSON.parse(raw) as PresenceEntry
      if (typeof entry.at !== 'number' || now - entry.at > PRESENCE_STALE_MS || !Array.isArray(entry.users)) continue
      for (const u of entry.users) if (typeof u.userId === 'string' && typeof u.name === 'string') users.set(u.userId, u.name)
    } catch {
      // Not ours: ignore.
    }
  }
  return [...users].map(([userId, name]) => ({ userId, name }))
}
