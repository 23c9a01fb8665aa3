import { requireActor, requireApiActor } from './auth.server.ts'

/**
 * The actor of a reading-view request: a bearer token when one is sent (the API's PDF export
 * renders the page as the token's owner), else the session cookie.
 */
export async function requireReadingActor(request: Request) {
  if (request.headers.get('Authorization')) return (await requireApiActor(request)).actor
  return (await requireActor(request)).actor
}
