import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { CheckCircle2, Stamp } from 'lucide-react'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { StatusChip } from '#app/components/status-chip.tsx'
import { listApprovedFor } from '#app/services/reviews.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'

export const meta: MetaFunction = () => [{ title: 'Approved · Accord' }]

/** The leadership library: every narrative with an approved version, newest approval first, for every role. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  const rows = await listApprovedFor(actor)
  return json({
    narratives: rows.map((n) => ({
      id: n.id,
      title: n.title,
      excerpt: n.excerpt,
      status: n.status,
      ownerName: n.ownerName,
      version: n.versionNumber,
      approvedAt: n.approvedAt.toISOString(),
      approvers: n.approvers,
    })),
  })
}

const date = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })

export default function ApprovedPage() {
  const { narratives } = useLoaderData<typeof loader>()
  useWorkspaceEvents((e) => e.type === 'review.changed' || e.type === 'narrative.changed')
  return (
    <div className="page">
      <PageHeader
        title="Approved"
        description="The plans the company runs on: signed off by the people who execute them, with their evidence."
      />
      {narratives.length === 0 ? (
        <EmptyState icon={CheckCircle2} title="Nothing approved yet">
          <p>
            When the named approvers sign off a narrative, that exact version appears here for leadership to read, with its feasibility and
            metric evidence.
          </p>
        </EmptyState>
      ) : (
        <ul className="narrative-list" aria-label="Approved narratives">
          {narratives.map((n) => (
            <li key={n.id} className="card narrative-row">
              <div className="narrative-main">
                <Link to={`/read/${n.id}`} reloadDocument className="narrative-title">
                  {n.title}
                </Link>
                {n.excerpt ? <p className="narrative-excerpt">{n.excerpt}</p> : null}
                <p className="narrative-meta">
                  <Stamp size={12} aria-hidden /> v{n.version} approved {date(n.approvedAt)}
                  {n.approvers.length ? ` by ${n.approvers.join(', ')}` : ''} · owner {n.ownerName}
                </p>
              </div>
              <div className="narrative-side">
                {/* A later draft in progress shows as Draft / In review; leadership still reads the approved version. */}
                {n.status === 'approved' ? (
                  <StatusChip status="approved" />
                ) : (
                  <>
                    <StatusChip status="approved" />
                    <span className="muted small-note">newer draft {n.status === 'in_review' ? 'in review' : 'in progress'}</span>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
