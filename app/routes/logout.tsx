import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { endSession } from '#app/services/accounts.server.ts'
import { clearSessionCookie, readSessionToken } from '#app/utils/auth.server.ts'
import { readForm } from '#app/utils/http.server.ts'
import { safeRedirect } from '#app/utils/redirect.ts'

/**
 * Sign-out is a POST (GET never mutates); the session ends on the server too. `redirectTo` (a path
 * of this site, e.g. the invite being opened) is where the person goes next; else the sign-in page.
 */
export async function action({ request }: ActionFunctionArgs) {
  const token = await readSessionToken(request.headers.get('Cookie'))
  if (token) await endSession(token)
  const { redirectTo } = await readForm(request)
  return redirect(safeRedirect(redirectTo, '/login'), { headers: { 'Set-Cookie': await clearSessionCookie(request) } })
}

export async function loader() {
  return redirect('/')
}
