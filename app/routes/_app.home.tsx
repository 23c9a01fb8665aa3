import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { BarChart3, CheckCircle2, FileText, Layers, Map, Users } from 'lucide-react'
import { PageHeader } from '#app/components/empty-state.tsx'
import { canCreateNarrative, canManageWorkspace, canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { requireActor } from '#app/utils/auth.server.ts'

export const meta: MetaFunction = () => [{ title: 'Home · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, actor, membership } = await requireActor(request)
  return json({
    firstName: user.name.split(' ')[0] ?? user.name,
    workspaceName: membership.workspaceName,
    can: {
      working: canSeeWorkingMaterial(actor),
      write: canCreateNarrative(actor),
      manage: canManageWorkspace(actor),
    },
  })
}

export default function HomePage() {
  const { firstName, workspaceName, can } = useLoaderData<typeof loader>()
  const steps = [
    { to: '/narratives', icon: FileText, title: 'Write a strategy narrative', text: 'Co-author the plan with Marketing Ops in one live document.', show: can.working },
    { to: '/stack', icon: Layers, title: 'Map your tech stack', text: 'Systems, capabilities and integrations, so plans meet the stack early.', show: can.working },
    { to: '/metrics', icon: BarChart3, title: 'Agree on shared metrics', text: 'One dictionary of goals that sales, marketing and finance trust.', show: can.working },
    { to: '/roadmap', icon: Map, title: 'Plan the roadmap', text: 'Rank initiatives by impact on the shared goals.', show: can.working },
    { to: '/approved', icon: CheckCircle2, title: 'Read approved plans', text: 'Signed-off narratives with their evidence, for leadership.', show: true },
    { to: '/settings/members', icon: Users, title: 'Invite your colleagues', text: 'CMO, Marketing Ops, sales, finance, leadership — each with a role.', show: can.manage },
  ].filter((s) => s.show)
  return (
    <div className="page">
      <PageHeader title={`Good to see you, ${firstName}`} description={`Here is where ${workspaceName}'s plans come together.`} />
      <div className="grid-2">
        {steps.map((s) => (
          <Link key={s.to} to={s.to} className="card home-card">
            <div className="card-body">
              <span className="empty-icon" aria-hidden>
                <s.icon size={20} />
              </span>
              <h2>{s.title}</h2>
              <p className="muted">{s.text}</p>
            </div>
          </Link>
        ))}
      </div>
    </div>
  )
}
