import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { AtSign, CheckCheck, Inbox, MessageSquare, Stamp, ThumbsUp, TriangleAlert } from 'lucide-react'
import { z } from 'zod'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { listNotificationsFor, markNotificationsRead } from '#app/services/notifications.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { formAction, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
// Relative, so the compiler bundles the stylesheet (see app/editor/styles.ts).
import { links as commentsLinks } from '../components/comments/styles.ts'

export const links = commentsLinks

export const meta: MetaFunction = () => [{ title: 'Inbox · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return json({ notifications: await listNotificationsFor(actor), userId: actor.userId })
}

const MarkReadSchema = z.object({ id: z.uuid('Not a notification id').optional() })

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const { id } = parseOrThrow(MarkReadSchema, values)
    await markNotificationsRead(actor, id ? [id] : undefined)
    return json({ ok: true as const })
  })
}

const KIND = {
  mention: { icon: AtSign, verb: 'mentioned you' },
  reply: { icon: MessageSquare, verb: 'replied in a thread you are in' },
  stance: { icon: ThumbsUp, verb: 'gave input on your initiative' },
  feasibility: { icon: TriangleAlert, verb: 'changed the tech stack, and requirements now fail' },
  review: { icon: Stamp, verb: 'wrote about a review' },
} as const

export default function InboxPage() {
  const { notifications, userId } = useLoaderData<typeof loader>()
  useWorkspaceEvents((e) => e.type === 'notifications.changed' && (e as { userId?: string }).userId === userId)
  const unread = notifications.filter((n) => !n.read).length
  return (
    <div className="page">
      <PageHeader
        title="Inbox"
        description="Mentions, replies to your threads and input on your initiatives."
        actions={
          unread > 0 ? (
            <Form method="post">
              <button type="submit" className="button secondary small">
                <CheckCheck size={16} aria-hidden /> Mark all read
              </button>
            </Form>
          ) : null
        }
      />
      {notifications.length === 0 ? (
        <EmptyState icon={Inbox} title="Nothing for you yet">
          <p>
            When someone mentions you with @, replies in a thread you are in, gives input on your initiative, or an inventory change makes
            one of your narratives' requirements fail, it shows up here.
          </p>
        </EmptyState>
      ) : (
        <ul className="card inbox-list" aria-label={`Notifications, ${unread} unread`}>
          {notifications.map((n) => {
            const kind = KIND[n.kind]
            return (
              <li key={n.id} className={`inbox-item${n.read ? '' : ' unread'}`}>
                <kind.icon size={16} aria-hidden className="inbox-icon" />
                <div className="inbox-main">
                  <p>
                    <strong>{n.actorName ?? 'Someone'}</strong> {kind.verb}
                    {n.target ? (
                      <>
                        {' '}
                        in{' '}
                        <Link to={n.target.href} className="inbox-target">
                          {n.target.title}
                        </Link>
                      </>
                    ) : null}
                  </p>
                  <p className="inbox-excerpt">{n.excerpt}</p>
                  <time className="muted" dateTime={n.createdAt}>
                    {n.createdAt.slice(0, 16).replace('T', ' ')}
                  </time>
                </div>
                {!n.read ? (
                  <Form method="post">
                    <input type="hidden" name="id" value={n.id} />
                    <button type="submit" className="button ghost small">
                      Mark read
                    </button>
                  </Form>
                ) : null}
              </li>
            )
          })}
        </ul>
      )}
    </div>
  )
}
