import { singleton } from '#db/singleton.ts'

/**
 * The app's two origins, set once by the process shell when it starts listening and never read
 * from a request: Host and X-Forwarded-* are whatever the client chose to send.
 * - public: APP_URL (default http://localhost:PORT), for links people follow (invitations).
 * - internal: this process's own loopback address, the only origin the server's PDF browser may open.
 * A globalThis singleton: the Remix build bundles its own copy of this module.
 */
const origins = singleton('origins', () => ({ public: null as string | null, internal: null as string | null }))

export function configureOrigins(next: { public: string; internal: string }) {
  origins.public = new URL(next.public).origin
  origins.internal = new URL(next.internal).origin
}

/** An absolute URL on the app's public origin for `path` (e.g. "/invite/abc"). */
export function publicUrl(path: string): string {
  if (!origins.public) throw new Error('the public origin is not configured: call configureOrigins() at start-up')
  return new URL(path, origins.public).toString()
}

/** The loopback origin of this process, or null before it listens. */
export function internalOrigin(): string | null {
  return origins.internal
}
