import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Network } from 'lucide-react'
import { EmptyState } from '#app/components/empty-state.tsx'
import { StackMap } from '#app/components/feasibility/stack-map.tsx'
import { getStackMap } from '#app/services/inventory/systems.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { orThrowResponse } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: 'Stack map · Tech stack · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    const { systems, integrations } = await getStackMap(actor)
    return json({
      systems: systems.map((s) => ({
        id: s.id,
        name: s.name,
        vendor: s.vendor,
        category: s.category,
        lifecycle: s.lifecycle,
        endDate: s.endDate,
      })),
      integrations: integrations.map((i) => ({
        id: i.id,
        fromSystemId: i.fromSystemId,
        toSystemId: i.toSystemId,
        fromName: i.fromName,
        toName: i.toName,
        name: i.name,
        direction: i.direction,
        status: i.status,
        objects: i.objects,
      })),
    })
  })
}

export default function StackMapPage() {
  const { systems, integrations } = useLoaderData<typeof loader>()
  if (!systems.length) {
    return (
      <EmptyState
        icon={Network}
        title="See the stack at a glance"
        action={
          <Link to="/stack" className="button">
            Add systems
          </Link>
        }
      >
        <p>
          Once systems and integrations are recorded, the map draws them by category with their data flows, coloured by lifecycle and
          health.
        </p>
      </EmptyState>
    )
  }
  return (
    <section className="card">
      <div className="card-header">
        <div>
          <h2>Stack map</h2>
          <p>
            Systems by category, data flowing left to right. Hover a system to trace its flows; click it to open it. The{' '}
            <Link to="/stack/integrations">integrations list</Link> has the same data as a table.
          </p>
        </div>
      </div>
      <div className="card-body">
        <StackMap systems={systems} integrations={integrations} />
      </div>
    </section>
  )
}
