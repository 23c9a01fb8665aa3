import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Layers } from 'lucide-react'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { requireWorkingMember } from '#app/utils/guards.server.ts'

export const meta: MetaFunction = () => [{ title: 'Tech stack · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireWorkingMember(request)
  return null
}

export default function TechstackPage() {
  return (
    <div className="page">
      <PageHeader title="Tech stack" />
      <EmptyState icon={Layers} title="Know what your stack can do">
        <p>The inventory Marketing Ops keeps: systems, capabilities, integrations and data quality. Every narrative is checked against it, so a plan never promises what the stack cannot deliver.</p>
        <p className="hint">Systems and integrations will appear here once the inventory is recorded for this workspace.</p>
      </EmptyState>
    </div>
  )
}
