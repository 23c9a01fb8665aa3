import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { CheckCircle2 } from 'lucide-react'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { NarrativeRow } from '#app/components/narrative-row.tsx'
import { listNarrativesFor } from '#app/services/narratives.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { timeAgo } from '#app/utils/format.ts'

export const meta: MetaFunction = () => [{ title: 'Approved · Accord' }]

/** The leadership library: approved narratives only, for every role. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  const rows = await listNarrativesFor(actor, { status: 'approved' })
  return json({
    narratives: rows.map((n) => ({
      id: n.id,
      title: n.title,
      excerpt: n.excerpt,
      ownerName: n.ownerName,
      updatedAt: n.updatedAt.toISOString(),
    })),
  })
}

export default function ApprovedPage() {
  const { narratives } = useLoaderData<typeof loader>()
  return (
    <div className="page">
      <PageHeader
        title="Approved"
        description="The plans the company runs on: signed off by the CMO and Marketing Ops, with their evidence."
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
            <NarrativeRow key={n.id} narrative={{ ...n, status: 'approved' }} meta={`${n.ownerName} · ${timeAgo(n.updatedAt)}`} />
          ))}
        </ul>
      )}
    </div>
  )
}
