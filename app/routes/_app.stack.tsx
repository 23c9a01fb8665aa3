import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { Upload } from 'lucide-react'
import { PageHeader } from '#app/components/empty-state.tsx'
import { inventoryAbilities } from '#app/services/inventory/write.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import stackStyles from '#app/styles/stack.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stackStyles }]

export const meta: MetaFunction = () => [{ title: 'Tech stack · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return json({ can: inventoryAbilities(actor) })
}

const TABS = [
  { to: '/stack', label: 'Systems', end: true },
  { to: '/stack/map', label: 'Map' },
  { to: '/stack/capabilities', label: 'Capabilities' },
  { to: '/stack/integrations', label: 'Integrations' },
]

/** The Tech stack section: the inventory MOps keeps, in tabs; every page updates live. */
export default function StackLayout() {
  const { can } = useLoaderData<typeof loader>()
  // Someone else's change to the inventory shows up without a reload.
  useWorkspaceEvents((e) => e.type === 'inventory.changed' || e.type === 'feasibility.changed')
  return (
    <div className="page page-wide">
      <PageHeader
        title="Tech stack"
        description="The systems Marketing Ops runs, what each can do, how data flows between them and how clean it is. Every narrative is checked against it."
        actions={
          can.edit ? (
            <NavLink to="/stack/import" className="button secondary">
              <Upload size={16} aria-hidden /> Import CSV
            </NavLink>
          ) : null
        }
      />
      <nav className="tabs-list" aria-label="Tech stack">
        {TABS.map((t) => (
          <NavLink key={t.to} to={t.to} end={t.end} prefetch="intent">
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  )
}
