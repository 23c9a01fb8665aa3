import type { PresentUser } from '#app/document/live.ts'

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
