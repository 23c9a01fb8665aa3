import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { AuthLayout } from '#app/components/auth-layout.tsx'
import { Field, FormMessage, isFormResult } from '#app/components/form.tsx'
import { WorkspaceNameSchema } from '#app/schemas/accounts.ts'
import { createAnotherWorkspace, listWorkspacesOf } from '#app/services/workspaces.server.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { formAction, parseOrThrow, readForm } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: 'New workspace · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUser(request)
  const memberships = await listWorkspacesOf(user.id)
  return json({ hasWorkspaces: memberships.length > 0 })
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, token } = await requireUser(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const { workspaceName } = parseOrThrow(z.object({ workspaceName: WorkspaceNameSchema }), values)
    await createAnotherWorkspace({ userId: user.id, sessionToken: token, name: workspaceName })
    return redirect('/home')
  })
}

export default function NewWorkspace() {
  const { hasWorkspaces } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  return (
    <AuthLayout>
      <h1>New workspace</h1>
      <p>
        {hasWorkspaces
          ? 'A workspace is one company: its narratives, stack, metrics and people. Nothing is shared between workspaces.'
          : 'You are not a member of any workspace. Create one, or open an invite link from a colleague.'}
      </p>
      <Form method="post" noValidate>
        <FormMessage result={result} />
        <Field name="workspaceName" label="Workspace name" required result={result} autoFocus />
        <button className="button block" type="submit">
          Create workspace
        </button>
      </Form>
      {hasWorkspaces ? (
        <p className="auth-footer">
          <Link to="/home">Back</Link>
        </p>
      ) : (
        <Form method="post" action="/logout" className="auth-footer">
          <button className="button ghost small" type="submit">
            Sign out
          </button>
        </Form>
      )}
    </AuthLayout>
  )
}
