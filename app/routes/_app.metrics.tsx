import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { BarChart3 } from 'lucide-react'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { requireWorkingMember } from '#app/utils/guards.server.ts'

export const meta: MetaFunction = () => [{ title: 'Metrics · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireWorkingMember(request)
  return null
}

export default function MetricsPage() {
  return (
    <div className="page">
      <PageHeader title="Metrics" />
      <EmptyState icon={BarChart3} title="One source of truth for goals">
        <p>A single dictionary of metrics — pipeline, MQL→SQL conversion, win rate, revenue — with owners, definitions, targets and actuals that every team reads the same way.</p>
        <p className="hint">Metric definitions, targets and actuals will appear here once they are recorded for this workspace.</p>
      </EmptyState>
    </div>
  )
}
