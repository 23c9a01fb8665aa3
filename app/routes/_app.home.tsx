import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { BarChart3, CheckCircle2, FileText, Layers, Map, Star, Users } from 'lucide-react'
import { PageHeader } from '#app/components/empty-state.tsx'
import { HealthChip } from '#app/components/metrics/health-chip.tsx'
import { Sparkline } from '#app/components/metrics/sparkline.tsx'
import { formatAttainment, formatValue, type Health } from '#app/domain/metrics.ts'
import { canCreateNarrative, canManageWorkspace, canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { getReviewFor } from '#app/services/metrics/review.server.ts'
import { getDashboardFor } from '#app/services/metrics/series.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import metricsStyles from '#app/styles/metrics.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction = () => [{ title: 'Home · Accord' }]

const HEALTH_ORDER: Record<Health, number> = { at_risk: 0, behind: 1, unknown: 2, on_track: 3 }

/** Home: the shared goal first, then what needs attention and the commitments coming due. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, actor, membership } = await requireActor(request)
  const [dashboard, review] = await Promise.all([getDashboardFor(actor), getReviewFor(actor, { cadence: 'quarter' })])
  const view = (m: (typeof dashboard.metrics)[number]) => ({
    key: m.metric.key,
    name: m.metric.name,
    unit: m.metric.unit,
    currency: m.metric.currency,
    indicator: m.metric.indicator,
    spark: m.series.map((p) => ({ actual: p.complete ? p.actual : null, target: p.target })),
    latest: m.latest
      ? {
          actual: m.latest.actual,
          target: m.latest.target,
          attainment: m.latest.attainment,
          health: m.latest.health,
          label: m.latest.label,
        }
      : null,
  })
  const goal = dashboard.metrics.filter((m) => m.metric.northStar).map(view)
  const attention = dashboard.metrics
    .filter((m) => !m.metric.northStar && (m.latest?.health === 'at_risk' || m.latest?.health === 'behind'))
    .sort(
      (a, b) =>
        HEALTH_ORDER[a.latest!.health] - HEALTH_ORDER[b.latest!.health] || (a.latest!.attainment ?? 0) - (b.latest!.attainment ?? 0),
    )
    .slice(0, 5)
    .map(view)
  const due = review.commitments
    .filter((c) => c.dueOn >= new Date().toISOString().slice(0, 10))
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn))
    .slice(0, 6)
    .map((c) => ({
      id: c.id,
      narrativeId: c.narrativeId,
      narrativeTitle: c.narrativeTitle,
      metricName: c.metric.name,
      unit: c.metric.unit,
      currency: c.metric.currency,
      baseline: c.baseline,
      target: c.target,
      current: c.current,
      dueOn: c.dueOn,
      health: c.health,
    }))
  return json({
    firstName: user.name.split(' ')[0] ?? user.name,
    workspaceName: membership.workspaceName,
    goal,
    attention,
    due,
    can: { working: canSeeWorkingMaterial(actor), write: canCreateNarrative(actor), manage: canManageWorkspace(actor) },
  })
}

type MetricView = ReturnType<typeof useLoaderData<typeof loader>>['goal'][number]

function GoalCard({ m }: { m: MetricView }) {
  const l = m.latest
  return (
    <Link to={`/metrics/${m.key}`} className="card home-goal">
      <div className="card-body">
        <p className="home-goal-name">
          <Star size={14} aria-hidden /> {m.name}
        </p>
        <p className="home-goal-value">{formatValue(l?.actual ?? null, m.unit as never, { currency: m.currency, style: 'summary' })}</p>
        <p className="muted">
          {l?.target !== null && l?.target !== undefined
            ? `${formatAttainment(l.attainment)} of ${formatValue(l.target, m.unit as never, { currency: m.currency, style: 'summary' })} target`
            : 'No target yet'}
          {l?.label ? ` · ${l.label}` : ''}
        </p>
        <div className="row home-goal-foot">
          <HealthChip health={(l?.health ?? 'unknown') as Health} />
          <Sparkline id={`home-${m.key}`} points={m.spark} health={(l?.health ?? 'unknown') as Health} width={160} height={36} />
        </div>
      </div>
    </Link>
  )
}

export default function HomePage() {
  const { firstName, workspaceName, goal, attention, due, can } = useLoaderData<typeof loader>()
  useWorkspaceEvents((e) => e.type.startsWith('metrics') || e.type.startsWith('narrative'))
  const steps = [
    {
      to: '/narratives',
      icon: FileText,
      title: 'Write a strategy narrative',
      text: 'Co-author the plan with Marketing Ops in one live document.',
      show: can.working,
    },
    {
      to: '/stack',
      icon: Layers,
      title: 'Check the tech stack',
      text: 'Systems, capabilities and integrations, so plans meet the stack early.',
      show: can.working,
    },
    {
      to: '/metrics',
      icon: BarChart3,
      title: 'Shared metrics',
      text: 'One dictionary of goals that sales, marketing and finance trust.',
      show: true,
    },
    { to: '/roadmap', icon: Map, title: 'Plan the roadmap', text: 'Rank initiatives by impact on the shared goals.', show: can.working },
    {
      to: '/approved',
      icon: CheckCircle2,
      title: 'Read approved plans',
      text: 'Signed-off narratives with their evidence, for leadership.',
      show: true,
    },
    {
      to: '/settings/members',
      icon: Users,
      title: 'Invite your colleagues',
      text: 'CMO, Marketing Ops, sales, finance, leadership — each with a role.',
      show: can.manage,
    },
  ].filter((s) => s.show)
  return (
    <div className="page">
      <PageHeader
        title={`Good to see you, ${firstName}`}
        description={`Where ${workspaceName} stands against the shared goal, and what needs attention.`}
      />

      {goal.length ? (
        <section aria-labelledby="goal-title" className="home-section">
          <h2 id="goal-title" className="home-section-title">
            Shared goal
          </h2>
          <div className="grid-2">
            {goal.map((m) => (
              <GoalCard key={m.key} m={m} />
            ))}
          </div>
        </section>
      ) : null}

      {attention.length || due.length ? (
        <div className="grid-2 home-section">
          <section className="card" aria-labelledby="attention-title">
            <div className="card-header">
              <div>
                <h2 id="attention-title">Metrics that need attention</h2>
                <p>Behind or at risk against this period's target.</p>
              </div>
            </div>
            {attention.length ? (
              <ul className="home-list">
                {attention.map((m) => (
                  <li key={m.key}>
                    <Link to={`/metrics/${m.key}`}>{m.name}</Link>
                    <span className="muted">
                      {m.latest?.attainment !== null && m.latest?.attainment !== undefined
                        ? `${formatAttainment(m.latest.attainment)} of target`
                        : '—'}
                    </span>
                    <HealthChip health={(m.latest?.health ?? 'unknown') as Health} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="card-body muted">Every metric with a target is on track.</p>
            )}
          </section>
          <section className="card" aria-labelledby="due-title">
            <div className="card-header">
              <div>
                <h2 id="due-title">Commitments due soon</h2>
                <p>What narratives promised, and where each stands.</p>
              </div>
            </div>
            {due.length ? (
              <ul className="home-list">
                {due.map((c) => (
                  <li key={c.id}>
                    <span>
                      <Link to={`/narratives/${c.narrativeId}`}>{c.metricName}</Link>
                      <span className="muted home-list-sub">
                        {formatValue(c.current, c.unit as never, { currency: c.currency, style: 'summary' })} →{' '}
                        {formatValue(c.target, c.unit as never, { currency: c.currency, style: 'summary' })} by{' '}
                        {new Date(`${c.dueOn}T00:00:00`).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}{' '}
                        · {c.narrativeTitle}
                      </span>
                    </span>
                    <HealthChip health={c.health as Health} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="card-body muted">No commitments fall due in the next two quarters.</p>
            )}
          </section>
        </div>
      ) : null}

      <section aria-labelledby="start-title" className="home-section">
        <h2 id="start-title" className="home-section-title">
          {goal.length ? 'Everything in Accord' : 'Get started'}
        </h2>
        <div className="grid-2">
          {steps.map((s) => (
            <Link key={s.to} to={s.to} className="card home-card">
              <div className="card-body">
                <span className="empty-icon" aria-hidden>
                  <s.icon size={20} />
                </span>
                <h3>{s.title}</h3>
                <p className="muted">{s.text}</p>
              </div>
            </Link>
          ))}
        </div>
      </section>
    </div>
  )
}
