import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { ShieldCheck } from 'lucide-react'
import { z } from 'zod'
import { AUDIT_ACTIONS, auditLabel } from '#app/domain/audit.ts'
import { listAuditFor } from '#app/services/audit.server.ts'
import { requireOwner } from '#app/utils/guards.server.ts'
import { orThrowResponse, parseOrThrow } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: 'Audit log · Settings · Accord' }]

const PAGE = 50
const QuerySchema = z.object({
  before: z
    .string()
    .regex(/^\d{1,18}$/, 'Not an event id')
    .optional(),
  action: z
    .enum(Object.keys(AUDIT_ACTIONS) as [keyof typeof AUDIT_ACTIONS], { error: 'Unknown event type' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
})

/** GET /settings/audit?action=&before= — security-relevant events of the workspace, newest first (owners). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireOwner(request)
  return orThrowResponse(async () => {
    const query = parseOrThrow(QuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const rows = await listAuditFor(actor, { ...query, limit: PAGE + 1 })
    const events = rows.slice(0, PAGE).map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))
    return json({ events, next: rows.length > PAGE ? events[events.length - 1]!.id : null, action: query.action ?? '' })
  })
}

function details(meta: Record<string, unknown>) {
  const parts: string[] = []
  if (typeof meta.from === 'string' && typeof meta.to === 'string') parts.push(`${meta.from} → ${meta.to}`)
  if (typeof meta.scope === 'string') parts.push(meta.scope === 'read' ? 'read only' : 'read and write')
  if (typeof meta.via === 'string') parts.push(`via ${meta.via}`)
  if (typeof meta.email === 'string') parts.push(meta.email)
  if (typeof meta.kind === 'string') parts.push(meta.kind)
  if (typeof meta.method === 'string' && typeof meta.path === 'string') parts.push(`${meta.method} ${meta.path}`)
  if (typeof meta.uses === 'number') parts.push(`${meta.uses} uses`)
  return parts.join(' · ')
}

export default function AuditPage() {
  const { events, next, action } = useLoaderData<typeof loader>()
  return (
    <section className="card">
      <div className="card-header">
        <div>
          <h2>Audit log</h2>
          <p>Sign-ins and failed attempts, role changes and removals, API tokens created, revoked and used, and exports.</p>
        </div>
        <Form method="get" className="row">
          <label className="visually-hidden" htmlFor="audit-action">
            Event type
          </label>
          <select id="audit-action" name="action" defaultValue={action}>
            <option value="">All events</option>
            {Object.entries(AUDIT_ACTIONS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
          <button className="button secondary" type="submit">
            Show
          </button>
        </Form>
      </div>
      {events.length === 0 ? (
        <div className="card-body muted">
          <ShieldCheck size={16} aria-hidden /> No events yet.
        </div>
      ) : (
        <table className="table" aria-label="Audit events">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Event</th>
              <th scope="col">About</th>
              <th scope="col">Details</th>
              <th scope="col">Address</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td className="muted">
                  <time dateTime={e.createdAt}>{new Date(e.createdAt).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC</time>
                </td>
                <td>{e.actorName ?? '—'}</td>
                <td>{auditLabel(e.action)}</td>
                <td>{e.target ?? ''}</td>
                <td className="muted">{details(e.meta)}</td>
                <td className="muted">
                  <code>{e.ip ?? ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next ? (
        <div className="card-body">
          <Link className="button secondary small" to={`?${new URLSearchParams({ ...(action ? { action } : {}), before: next })}`}>
            Older events
          </Link>
        </div>
      ) : null}
    </section>
  )
}
