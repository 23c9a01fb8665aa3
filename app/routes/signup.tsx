import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { AuthLayout } from '#app/components/auth-layout.tsx'
import { Field, FormMessage, isFormResult } from '#app/components/form.tsx'
import { SignUpSchema } from '#app/schemas/accounts.ts'
import { signUp } from '#app/services/accounts.server.ts'
import { commitSessionCookie, getSessionUser } from '#app/utils/auth.server.ts'
import { formAction, parseOrThrow, readForm } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: 'Create your account · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getSessionUser(request)) throw redirect('/')
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const values = await readForm(request)
  return formAction(values, async () => {
    const input = parseOrThrow(SignUpSchema, values)
    const { session } = await signUp(input)
    return redirect('/home', { headers: { 'Set-Cookie': await commitSessionCookie(request, session.token) } })
  })
}

export default function SignUp() {
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  const busy = useNavigation().state !== 'idle'
  return (
    <AuthLayout>
      <h1>Create your account</h1>
      <p>Start a workspace for your company, then invite your CMO, Marketing Ops and the teams who weigh in.</p>
      <Form method="post" noValidate>
        <FormMessage result={result} />
        <Field name="name" label="Name" autoComplete="name" required result={result} autoFocus />
        <Field name="email" label="Email" type="email" autoComplete="email" required result={result} />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          result={result}
          hint="At least 8 characters."
        />
        <Field name="workspaceName" label="Workspace name" required result={result} hint="Usually your company's name." />
        <button className="button block" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </Form>
      <p className="auth-footer">
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </AuthLayout>
  )
}
