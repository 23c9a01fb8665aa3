import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { AuthLayout } from '#app/components/auth-layout.tsx'
import { Field, FormMessage, isFormResult } from '#app/components/form.tsx'
import { FUNCTION_LABELS, ROLE_LABELS } from '#app/domain/policies.ts'
import { InviteSignUpSchema } from '#app/schemas/accounts.ts'
import { acceptInvite, getInvite, isInviteFor, signUpWithInvite } from '#app/services/workspaces.server.ts'
import { commitSessionCookie, getSessionUser } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: 'Join a workspace · Accord' }]

const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,64}$/)

function tokenOf(params: { token?: string }) {
  const parsed = TokenSchema.safeParse(params.token)
  if (!parsed.success) throw json({ message: 'This invite link is not valid. Ask for a new one.' }, { status: 404 })
  return parsed.data
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = tokenOf(params)
  return orThrowResponse(async () => {
    const invite = await getInvite(token).catch(() => {
      throw json({ message: 'This invite link has expired, was revoked or was already used. Ask for a new one.' }, { status: 404 })
    })
    const current = await getSessionUser(request)
    return json({
      workspaceName: invite.workspaceName,
      invitedBy: invite.invitedBy,
      role: ROLE_LABELS[invite.role],
      function: FUNCTION_LABELS[invite.function],
      email: invite.email,
      signedInAs: current ? current.user.email : null,
      /** Signed in with another address than the invited one: the page says so and offers no join. */
      forAnotherAddress: current ? !isInviteFor(invite, current.user.email) : false,
      path: new URL(request.url).pathname,
    })
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const token = tokenOf(params)
  const values = await readForm(request)
  return formAction(values, async () => {
    const current = await getSessionUser(request)
    if (current) {
      await acceptInvite({ token, userId: current.user.id, sessionToken: current.token })
      return redirect('/home')
    }
    const input = parseOrThrow(InviteSignUpSchema, values)
    const { session } = await signUpWithInvite({ token, ...input })
    return redirect('/home', { headers: { 'Set-Cookie': await commitSessionCookie(request, session.token) } })
  })
}

export default function InvitePage() {
  const invite = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  return (
    <AuthLayout>
      <h1>Join {invite.workspaceName}</h1>
      <p>
        {invite.invitedBy} invited you as <strong>{invite.role}</strong> ({invite.function}).
      </p>
      {invite.forAnotherAddress ? (
        <div className="form-error" role="alert" data-testid="invite-other-address">
          <p>
            This invite is for <strong>{invite.email ?? 'another address'}</strong>, and you are signed in as {invite.signedInAs}.
          </p>
          <p>
            Sign out and sign in (or sign up) as {invite.email ?? 'the invited address'}, or ask {invite.invitedBy} for an invite to your
            address.
          </p>
          <Form method="post" action="/logout">
            <input type="hidden" name="redirectTo" value={invite.path} />
            <button className="button secondary" type="submit">
              Sign out and open this invite again
            </button>
          </Form>
        </div>
      ) : (
        <Form method="post" noValidate>
          <FormMessage result={result} />
          {invite.signedInAs ? (
            <>
              <p className="hint invite-signed-in">You are signed in as {invite.signedInAs}.</p>
              <button className="button block" type="submit">
                Join {invite.workspaceName}
              </button>
            </>
          ) : (
            <>
              <Field name="name" label="Name" autoComplete="name" required result={result} autoFocus />
              <Field
                name="email"
                label="Email"
                type="email"
                autoComplete="email"
                required
                result={result}
                defaultValue={invite.email ?? undefined}
                hint="The invite is for this address."
              />
              <Field
                name="password"
                label="Password"
                type="password"
                autoComplete="new-password"
                required
                result={result}
                hint="At least 8 characters."
              />
              <button className="button block" type="submit">
                Join {invite.workspaceName}
              </button>
            </>
          )}
        </Form>
      )}
      {!invite.signedInAs ? (
        <p className="auth-footer">
          Already have an account? <Link to={`/login?redirectTo=${encodeURIComponent(invite.path)}`}>Sign in first</Link> and you will come
          back here.
        </p>
      ) : null}
    </AuthLayout>
  )
}
