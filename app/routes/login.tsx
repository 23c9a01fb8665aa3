import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { AuthLayout } from '#app/components/auth-layout.tsx'
import { Field, FormMessage, isFormResult } from '#app/components/form.tsx'
import { SignInSchema } from '#app/schemas/accounts.ts'
import { signIn } from '#app/services/accounts.server.ts'
import { clientAddress, commitDeviceCookie, commitSessionCookie, getSessionUser, readDeviceToken } from '#app/utils/auth.server.ts'
import { formAction, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { safeRedirect } from '#app/utils/redirect.ts'

export const meta: MetaFunction = () => [{ title: 'Sign in · Accord' }]

// A document POST only sends the headers this function returns: keep Retry-After on a 429.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After')
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers()
}

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionUser(request)) throw redirect('/')
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const values = await readForm(request)
  return formAction(values, async () => {
    const input = parseOrThrow(SignInSchema, values)
    const deviceToken = await readDeviceToken(request.headers.get('Cookie'))
    const signedIn = await signIn({ ...input, ip: clientAddress(request), deviceToken })
    const headers = new Headers({ 'Set-Cookie': await commitSessionCookie(request, signedIn.session.token) })
    if (signedIn.deviceToken) headers.append('Set-Cookie', await commitDeviceCookie(request, signedIn.deviceToken))
    return redirect(safeRedirect(values.redirectTo), { headers })
  })
}

export default function Login() {
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  const [params] = useSearchParams()
  const busy = useNavigation().state !== 'idle'
  return (
    <AuthLayout>
      <h1>Sign in</h1>
      <p>Welcome back. Your plans are where you left them.</p>
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/'} />
        <FormMessage result={result} />
        <Field name="email" label="Email" type="email" autoComplete="email" required result={result} autoFocus />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required result={result} />
        <button className="button block" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </Form>
      <p className="auth-footer">
        New to Accord? <Link to="/signup">Create an account</Link>
      </p>
    </AuthLayout>
  )
}
