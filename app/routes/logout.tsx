import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { endSession } from '#app/services/accounts.server.ts'
import { clearSessionCookie, readSessionToken } from '#app/utils/auth.server.ts'

/** Sign-out is a POST (GET never mutates); the session ends on the server too. */
export async function action({ request }: ActionFunctionArgs) {
  const token = await readSessionToken(request.headers.get('Cookie'))
  if (token) await endSession(token)
  return redirect('/login', { headers: { 'Set-Cookie': await clearSessionCookie(request) } })
}

export async function loader() {
  return redirect('/')
}
