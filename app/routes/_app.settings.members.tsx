import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useFetcher, useLoaderData } from '@remix-run/react'
import { Copy, Link2, Trash2 } from 'lucide-react'
import { useState } from 'react'
import { z } from 'zod'
import { Avatar } from '#app/components/avatar.tsx'
import { Field, FormMessage, SelectField, isFormResult } from '#app/components/form.tsx'
import { FUNCTIONS, FUNCTION_LABELS, ROLES, ROLE_LABELS } from '#app/domain/policies.ts'
import { ChangeRoleSchema, CreateInviteSchema, RemoveMemberSchema } from '#app/schemas/accounts.ts'
import { changeRole, createInvite, listMembers, removeMember, revokeInvite } from '#app/services/workspaces.server.ts'
import { formAction, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { requireOwner } from '#app/utils/guards.server.ts'
import { publicUrl } from '#app/utils/origins.server.ts'
import { timeAgo } from '#app/utils/format.ts'

export const meta: MetaFunction = () => [{ title: 'Members · Settings · Accord' }]

const ROLE_HINTS: Record<(typeof ROLES)[number], string> = {
  owner: 'Everything, including members and API tokens',
  editor: 'Writes narratives, inventory, metrics and roadmap',
  commenter: 'Reads working material, comments and gives input',
  reader: 'Reads approved narratives and dashboards',
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireOwner(request)
  const { members, invites } = await listMembers(actor)
  return json({
    me: actor.userId,
    members: members.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() })),
    invites: invites.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      function: i.function,
      invitedBy: i.invitedBy,
      expiresAt: i.expiresAt.toISOString(),
    })),
  })
}

const IntentSchema = z.object({ intent: z.enum(['invite', 'role', 'remove', 'revoke'], { error: 'Unknown action' }) })

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireOwner(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const { intent } = parseOrThrow(IntentSchema, values)
    if (intent === 'invite') {
      const input = parseOrThrow(CreateInviteSchema, values)
      const { token } = await createInvite(actor, input)
      return json({ ok: true as const, inviteLink: publicUrl(`/invite/${token}`), role: input.role })
    }
    if (intent === 'role') await changeRole(actor, parseOrThrow(ChangeRoleSchema, values))
    if (intent === 'remove') await removeMember(actor, parseOrThrow(RemoveMemberSchema, values))
    if (intent === 'revoke') await revokeInvite(actor, parseOrThrow(z.object({ inviteId: z.uuid() }), values).inviteId)
    return json({ ok: true as const, inviteLink: null, role: null })
  })
}

function MemberRow({ member, isMe }: { member: ReturnType<typeof useLoaderData<typeof loader>>['members'][number]; isMe: boolean }) {
  const fetcher = useFetcher<typeof action>()
  const error = isFormResult(fetcher.data) ? fetcher.data.message : null
  return (
    <tr id={`member-${member.userId}`}>
      <td>
        <div className="row">
          <Avatar id={member.userId} name={member.name} />
          <div>
            <div>
              {member.name} {isMe ? <span className="muted">(you)</span> : null}
            </div>
            <div className="muted">{member.email}</div>
          </div>
        </div>
      </td>
      <td>{FUNCTION_LABELS[member.function]}</td>
      <td>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="role" />
          <input type="hidden" name="userId" value={member.userId} />
          <select
            name="role"
            aria-label={`Role of ${member.name}`}
            defaultValue={member.role}
            onChange={(e) => fetcher.submit(e.currentTarget.form)}
            className="compact-select"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </fetcher.Form>
        {error ? (
          <div className="field-error" role="alert">
            {error}
          </div>
        ) : null}
      </td>
      <td className="muted">{timeAgo(member.joinedAt)}</td>
      <td>
        {!isMe ? (
          <fetcher.Form
            method="post"
            onSubmit={(e) => {
              if (!confirm(`Remove ${member.name} from this workspace? Their sessions end at once.`)) e.preventDefault()
            }}
          >
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="userId" value={member.userId} />
            <button type="submit" className="button ghost small" aria-label={`Remove ${member.name}`}>
              <Trash2 size={16} aria-hidden />
            </button>
          </fetcher.Form>
        ) : null}
      </td>
    </tr>
  )
}

export default function MembersPage() {
  const { me, members, invites } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  const link = data && !isFormResult(data) ? data.inviteLink : null
  const [copied, setCopied] = useState(false)
  return (
    <>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Invite a colleague</h2>
            <p>
              Create a link for one person, by email address: only that address can use it to sign up or sign in and join with this role.
              Links expire after 14 days.
            </p>
          </div>
        </div>
        <div className="card-body">
          <Form method="post" className="inline-form" noValidate>
            <input type="hidden" name="intent" value="invite" />
            <Field name="email" label="Email" type="email" autoComplete="off" required result={result} />
            <SelectField
              name="role"
              label="Role"
              result={result}
              defaultValue="editor"
              options={ROLES.map((r) => ({ value: r, label: `${ROLE_LABELS[r]} — ${ROLE_HINTS[r]}` }))}
            />
            <SelectField
              name="function"
              label="Function"
              result={result}
              defaultValue="marketing"
              options={FUNCTIONS.map((f) => ({ value: f, label: FUNCTION_LABELS[f] }))}
            />
            <button className="button" type="submit">
              <Link2 size={16} aria-hidden /> Create invite link
            </button>
          </Form>
          <FormMessage result={result} />
          {link ? (
            <div className="invite-result">
              <label className="label" htmlFor="invite-link">
                Send this link to your colleague
              </label>
              <div className="row">
                <input
                  id="invite-link"
                  data-testid="invite-link"
                  className="code invite-input"
                  readOnly
                  value={link}
                  onFocus={(e) => e.currentTarget.select()}
                />
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => {
                    void navigator.clipboard?.writeText(link).then(() => setCopied(true))
                  }}
                >
                  <Copy size={16} aria-hidden /> {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
            </div>
          ) : null}
        </div>
      </section>

      <section className="card">
        <div className="card-header">
          <div>
            <h2>Members</h2>
            <p>
              {members.length} {members.length === 1 ? 'person' : 'people'}. Changing a role takes effect at once; removing someone ends
              their sessions.
            </p>
          </div>
        </div>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Function</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MemberRow key={m.userId} member={m} isMe={m.userId === me} />
            ))}
          </tbody>
        </table>
      </section>

      {invites.length ? (
        <section className="card">
          <div className="card-header">
            <div>
              <h2>Open invites</h2>
              <p>Links that have not been used yet.</p>
            </div>
          </div>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">For</th>
                <th scope="col">Role</th>
                <th scope="col">Function</th>
                <th scope="col">Created by</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invites.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{ROLE_LABELS[i.role]}</td>
                  <td>{FUNCTION_LABELS[i.function]}</td>
                  <td>{i.invitedBy}</td>
                  <td className="muted">{timeAgo(i.expiresAt)}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="inviteId" value={i.id} />
                      <button type="submit" className="button ghost small">
                        Revoke
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  )
}
