import type { LoaderFunctionArgs } from '@remix-run/node'
import { NavLink, Outlet } from '@remix-run/react'
import { PageHeader } from '#app/components/empty-state.tsx'
import { requireOwner } from '#app/utils/guards.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOwner(request)
  return null
}

export default function SettingsLayout() {
  return (
    <div className="page">
      <PageHeader title="Settings" description="Who is in this workspace, what they can do, and how other tools connect." />
      <nav className="tabs-list" aria-label="Settings">
        <NavLink to="/settings/members">Members</NavLink>
        <NavLink to="/settings/tokens">API tokens</NavLink>
        <NavLink to="/settings/audit">Audit log</NavLink>
      </nav>
      <Outlet />
    </div>
  )
}
