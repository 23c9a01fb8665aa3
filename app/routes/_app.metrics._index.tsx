import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ArrowDownRight, ArrowUpRight, BarChart3, CalendarRange, Filter, Plus, Settings2, Star, Upload } from 'lucide-react'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { HealthChip } from '#app/components/metrics/health-chip.tsx'
import { Sparkline } from '#app/components/metrics/sparkline.tsx'
import {
  formatAttainment,
  formatValue,
  HEALTH_LABELS,
  INDICATOR_LABELS,
  isImprovement,
  type Direction,
  type Health,
} from '#app/domain/metrics.ts'
import { FUNCTION_LABELS } from '#app/domain/policies.ts'
import { metricAbilities } from '#app/services/metrics/context.server.ts'
import { canImportValues } from '#app/services/metrics/import.server.ts'
import { getDashboardFor } from '#app/services/metrics/series.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { orThrowResponse } from '#app/utils/http.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import metricsStyles from '#app/styles/metrics.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction = () => [{ title: 'Metrics · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const d = await getDashboardFor(actor)
    return json({
      metrics: d.metrics.map(({ metric: m, series, latest, change }) => ({
        key: m.key,
        name: m.name,
        unit: m.unit,
        currency: m.currency,
        direction: m.direction,
        indicator: m.indicator,
        ownerFunction: m.ownerFunction,
        northStar: m.northStar,
        goalKey: m.goalKey,
        // Whole periods only: a month to date would look like a fall.
        spark: series.map((p) => ({ actual: p.complete ? p.actual : null, target: p.target })),
        latest,
        change,
      })),
      can: { ...metricAbilities(actor), importValues: await canImportValues(actor) },
    })
  })
}

function Change({
  change,
  direction,
  unit,
}: {
  change: { delta: number; relative: number | null } | null
  direction: Direction
  unit: string
}) {
  if (!change || Math.abs(change.delta) < (unit === 'percent' ? 0.05 : 1e-9)) return <span className="muted">—</span>
  const good = isImprovement(change.delta, direction)
  const Icon = change.delta > 0 ? ArrowUpRight : ArrowDownRight
  const text =
    unit === 'percent'
      ? `${change.delta > 0 ? '+' : ''}${change.delta.toFixed(1)} pts`
      : change.relative === null
        ? ''
        : `${change.relative > 0 ? '+' : ''}${(change.relative * 100).toFixed(1)}%`
  return (
    <span className={`delta ${good ? 'good' : 'bad'}`}>
      <Icon size={14} aria-hidden />
      {text}
      <span className="visually-hidden">{good ? ' (better)' : ' (worse)'}</span>
    </span>
  )
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['metrics'][number]

/** How many metrics are on track, behind or at risk, and which need attention first. */
function Glance({ metrics }: { metrics: Row[] }) {
  const count = (h: Health) => metrics.filter((m) => (m.latest?.health ?? 'unknown') === h).length
  const attention = metrics
    .filter((m) => m.latest?.health === 'at_risk' || m.latest?.health === 'behind')
    .sort((a, b) => (a.latest!.attainment ?? 0) - (b.latest!.attainment ?? 0))
  return (
    <section className="card glance-card" aria-labelledby="glance-title">
      <h2 id="glance-title">At a glance</h2>
      <p className="tally">
        {(['on_track', 'behind', 'at_risk', 'unknown'] as const).map((h) =>
          count(h) ? <HealthChip key={h} health={h} label={`${count(h)} ${HEALTH_LABELS[h].toLowerCase()}`} /> : null,
        )}
      </p>
      {attention.length ? (
        <ul className="attention" aria-label="Needs attention">
          {attention.slice(0, 3).map((m) => (
            <li key={m.key}>
              <Link to={`/metrics/${m.key}`}>{m.name}</Link>
              <span className="muted">{m.latest!.attainment === null ? '—' : `${formatAttainment(m.latest!.attainment)} of target`}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}

export default function MetricsPage() {
  const { metrics, can } = useLoaderData<typeof loader>()
  useWorkspaceEvents((e) => e.type === 'metrics.changed')
  const stars = metrics.filter((m) => m.northStar)
  const actions = (
    <>
      <Link to="/reviews" className="button secondary">
        <CalendarRange size={16} aria-hidden /> Reviews
      </Link>
      <Link to="/metrics/funnel" className="button secondary">
        <Filter size={16} aria-hidden /> Funnel
      </Link>
      {can.importValues ? (
        <Link to="/metrics/import" className="button secondary">
          <Upload size={16} aria-hidden /> Import CSV
        </Link>
      ) : null}
      {can.settings ? (
        <Link to="/metrics/settings" className="button ghost" aria-label="Metric settings" title="Fiscal year and thresholds">
          <Settings2 size={16} aria-hidden />
        </Link>
      ) : null}
      {can.edit ? (
        <Link to="/metrics/new" className="button">
          <Plus size={16} aria-hidden /> New metric
        </Link>
      ) : null}
    </>
  )
  if (metrics.length === 0) {
    return (
      <div className="page">
        <PageHeader title="Metrics" />
        <EmptyState
          icon={BarChart3}
          title="Agree on the numbers once"
          action={
            can.edit ? (
              <div className="row center">
                <Link to="/metrics/new" className="button">
                  <Plus size={16} aria-hidden /> Define the first metric
                </Link>
                <Link to="/metrics/import" className="button secondary">
                  <Upload size={16} aria-hidden /> Import actuals from CSV
                </Link>
              </div>
            ) : null
          }
        >
          <p>
            One dictionary that sales, marketing and finance read the same way: pipeline, MQL→SQL conversion, win rate, revenue — each with
            an owner, a definition in words, targets per period and actuals over time.
          </p>
          <ul>
            <li>Start with the shared goal (revenue) and pin it as the north star.</li>
            <li>Add the leading indicators that move it first: MQLs, SQLs, target-account engagement.</li>
            <li>Record actuals in the grid, from a CSV, or through the API.</li>
          </ul>
          {!can.edit ? <p className="hint">Owners and editors define metrics; they will appear here.</p> : null}
        </EmptyState>
      </div>
    )
  }
  return (
    <div className="page metrics-page">
      <PageHeader
        title="Metrics"
        description="The shared dictionary: one definition, owner and target per metric, read the same way by every team."
        actions={actions}
      />
      {stars.length ? (
        <section aria-label="North-star metrics and health" className="north-stars">
          {stars.map((m) => (
            <Link key={m.key} to={`/metrics/${m.key}`} className="card star-card">
              <div className="star-head">
                <span className="star-label">
                  <Star size={14} aria-hidden /> North star
                </span>
                {m.latest ? <HealthChip health={m.latest.health} /> : null}
              </div>
              <h2>{m.name}</h2>
              <div className="star-figures">
                <div>
                  <div className="big-number">{formatValue(m.latest?.actual, m.unit, { currency: m.currency, style: 'summary' })}</div>
                  <div className="muted small">
                    {m.latest ? `${m.latest.label}${m.latest.complete ? '' : ' to date'}` : 'No actuals yet'}
                    {m.latest?.target != null
                      ? ` · target ${formatValue(m.latest.target, m.unit, { currency: m.currency, style: 'summary' })}`
                      : ''}
                  </div>
                </div>
                <Sparkline id={`star-${m.key}`} points={m.spark} health={m.latest?.health ?? 'unknown'} width={220} height={56} />
              </div>
            </Link>
          ))}
          <Glance metrics={metrics} />
        </section>
      ) : can.edit ? (
        <p className="hint star-hint">Pin the shared goal (usually revenue) as a north-star metric: it is shown first everywhere.</p>
      ) : null}
      <section className="card">
        <table className="table metric-list">
          <caption className="visually-hidden">Every metric with its latest actual, target and health</caption>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Last 12 months</th>
              <th scope="col" className="num">
                Latest
              </th>
              <th scope="col" className="num">
                Target
              </th>
              <th scope="col" className="num">
                Change
              </th>
              <th scope="col">Health</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {metrics.map((m) => (
              <tr key={m.key}>
                <th scope="row">
                  <Link to={`/metrics/${m.key}`} className="metric-name">
                    {m.name}
                  </Link>
                  <span className="metric-sub">
                    <span className={`tag ${m.indicator}`}>{INDICATOR_LABELS[m.indicator]}</span>
                    <code>{m.key}</code>
                  </span>
                </th>
                <td>
                  <Sparkline id={`spark-${m.key}`} points={m.spark} health={m.latest?.health ?? 'unknown'} />
                </td>
                <td className="num">
                  <span className="value">{formatValue(m.latest?.actual, m.unit, { currency: m.currency, style: 'summary' })}</span>
                  {m.latest ? <span className="metric-sub">{m.latest.label}</span> : null}
                </td>
                <td className="num">{formatValue(m.latest?.target, m.unit, { currency: m.currency, style: 'summary' })}</td>
                <td className="num">
                  <Change change={m.change} direction={m.direction} unit={m.unit} />
                </td>
                <td>
                  <HealthChip health={m.latest?.health ?? 'unknown'} />
                </td>
                <td className="muted">{m.ownerFunction ? FUNCTION_LABELS[m.ownerFunction] : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  )
}
