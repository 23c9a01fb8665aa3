import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Map } from 'lucide-react'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { requireWorkingMember } from '#app/utils/guards.server.ts'

export const meta: MetaFunction = () => [{ title: 'Roadmap · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireWorkingMember(request)
  return null
}

export default function RoadmapPage() {
  return (
    <div className="page">
      <PageHeader title="Roadmap" />
      <EmptyState icon={Map} title="Plan what marketing does next">
        <p>Initiatives by quarter or now / next / later, ranked by their expected impact on the shared goals and by feasibility. Sales, finance, customer success and product give their input on each one in the open.</p>
        <p className="hint">Initiatives will be listed here once the roadmap is set up for this workspace.</p>
      </EmptyState>
    </div>
  )
}
