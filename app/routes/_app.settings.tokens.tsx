import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { KeyRound } from 'lucide-react'
import { z } from 'zod'
import { Field, FormMessage, isFormResult } from '#app/components/form.tsx'
import { CreateTokenSchema } from '#app/schemas/accounts.ts'
import { createApiToken, listApiTokens, revokeApiToken } from '#app/services/workspaces.server.ts'
import { formAction, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { requireOwner } from '#app/utils/guards.server.ts'
import { timeAgo } from '#app/utils/format.ts'

export const meta: MetaFunction = () => [{ title: 'API tokens · Settings · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireOwner(request)
  const tokens = await listApiTokens(actor)
  return json({
    tokens: tokens.map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null })),
  })
}

const IntentSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('create'), name: CreateTokenSchema.shape.name, scope: CreateTokenSchema.shape.scope }),
  z.object({ intent: z.literal('revoke'), tokenId: z.uuid('Unknown token') }),
])

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireOwner(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const input = parseOrThrow(IntentSchema, values)
    if (input.intent === 'create') {
      const { token } = await createApiToken(actor, { name: input.name, scope: input.scope })
      return json({ ok: true as const, token })
    }
    await revokeApiToken(actor, input.tokenId)
    return json({ ok: true as const, token: null })
  })
}

export default function TokensPage() {
  const { tokens } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  const created = data && !isFormResult(data) ? data.token : null
  return (
    <>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Create a token</h2>
            <p>
              Tokens let other tools use Accord's REST API (<code>/api/v1</code>) as you, in this workspace. Send it as{' '}
              <code>Authorization: Bearer &lt;token&gt;</code>.
            </p>
          </div>
        </div>
        <div className="card-body">
          <Form method="post" className="inline-form" noValidate>
            <input type="hidden" name="intent" value="create" />
            <Field name="name" label="Token name" placeholder="e.g. Warehouse sync" result={result} />
            <div className="field">
              <label className="label" htmlFor="token-scope">
                Access
              </label>
              <select id="token-scope" name="scope" defaultValue="read">
                <option value="read">Read only (GET)</option>
                <option value="write">Read and write</option>
              </select>
            </div>
            <button className="button" type="submit">
              <KeyRound size={16} aria-hidden /> Create token
            </button>
          </Form>
          <FormMessage result={result} />
          {created ? (
            <div className="invite-result">
              <label className="label" htmlFor="new-token">
                Copy it now — it is shown only once
              </label>
              <input
                id="new-token"
                data-testid="new-token"
                className="code invite-input"
                readOnly
                value={created}
                onFocus={(e) => e.currentTarget.select()}
              />
            </div>
          ) : null}
        </div>
      </section>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Active tokens</h2>
            <p>Revoke a token the moment a tool no longer needs it.</p>
          </div>
        </div>
        {tokens.length === 0 ? (
          <div className="card-body muted">No tokens yet.</div>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Access</th>
                <th scope="col">Created by</th>
                <th scope="col">Last used</th>
                <th scope="col" className="num">
                  Uses
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>
                    <span className="chip neutral">{t.scope === 'read' ? 'Read only' : 'Read and write'}</span>
                  </td>
                  <td>{t.userName}</td>
                  <td className="muted">{t.lastUsedAt ? timeAgo(t.lastUsedAt) : 'never'}</td>
                  <td className="num">{t.useCount}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="tokenId" value={t.id} />
                      <button type="submit" className="button danger small" aria-label={`Revoke ${t.name}`}>
                        Revoke
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
