import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Fragment } from 'react'
import { Link, useLoaderData } from '@remix-run/react'
import { ArrowLeft, ChevronLeft, ChevronRight, Filter } from 'lucide-react'
import { EmptyState } from '#app/components/empty-state.tsx'
import { ChartFrame } from '#app/components/metrics/chart-frame.tsx'
import { FunnelChart, FunnelConversions } from '#app/components/metrics/funnel-chart.tsx'
import { HealthChip } from '#app/components/metrics/health-chip.tsx'
import { formatValue } from '#app/domain/metrics.ts'
import { metricAbilities } from '#app/services/metrics/context.server.ts'
import { getFunnelFor } from '#app/services/metrics/series.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { orThrowResponse } from '#app/utils/http.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import metricsStyles from '#app/styles/metrics.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction = () => [{ title: 'Funnel · Metrics · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const url = new URL(request.url)
    const granularity = url.searchParams.get('g') === 'quarter' ? 'quarter' : 'month'
    const f = await getFunnelFor(actor, { granularity, period: url.searchParams.get('period') ?? undefined })
    return json({
      granularity,
      period: f.period,
      periodLabel: f.periodLabel,
      previous: f.previous,
      next: f.next,
      steps: f.steps,
      leads: f.leads,
      acceptance: f.acceptance
        ? {
            name: f.acceptance.metric.name,
            key: f.acceptance.metric.key,
            actual: f.acceptance.point.actual,
            target: f.acceptance.point.target,
            health: f.acceptance.point.health,
          }
        : null,
      can: metricAbilities(actor),
    })
  })
}

export default function FunnelPage() {
  const d = useLoaderData<typeof loader>()
  useWorkspaceEvents((e) => e.type === 'metrics.changed')
  const overall =
    d.steps.length > 1 && d.steps[0]!.value && d.steps.at(-1)!.value !== null ? d.steps.at(-1)!.value! / d.steps[0]!.value : null
  const summary = `Funnel for ${d.periodLabel}: ${d.steps.map((s) => `${s.name} ${formatValue(s.value, 'count')}`).join(', ')}.`
  return (
    <div className="page metrics-page">
      <Link to="/metrics" className="back-link">
        <ArrowLeft size={14} aria-hidden /> Metrics
      </Link>
      <div className="page-header">
        <div>
          <h1>Funnel</h1>
          <p>From lead to revenue by the same rules as the sales pipeline: how many move from each step to the next.</p>
        </div>
        <div className="row">
          <nav className="segmented" aria-label="Period length">
            <Link to="?g=month" aria-current={d.granularity === 'month' ? 'page' : undefined}>
              Month
            </Link>
            <Link to="?g=quarter" aria-current={d.granularity === 'quarter' ? 'page' : undefined}>
              Quarter
            </Link>
          </nav>
          <nav className="period-nav" aria-label="Period">
            <Link to={`?g=${d.granularity}&period=${d.previous}`} className="button ghost small" aria-label="Previous period">
              <ChevronLeft size={16} aria-hidden />
            </Link>
            <strong>{d.periodLabel}</strong>
            <Link to={`?g=${d.granularity}&period=${d.next}`} className="button ghost small" aria-label="Next period">
              <ChevronRight size={16} aria-hidden />
            </Link>
          </nav>
        </div>
      </div>
      {d.steps.length < 2 ? (
        <EmptyState icon={Filter} title="Give your funnel its steps">
          <p>
            Mark the count metrics of your funnel with a step number — MQLs 1, SQLs 2, opportunities 3, deals won 4 — and this page shows
            how many move from each step to the next.
          </p>
          {d.can.edit ? (
            <Link to="/metrics" className="button">
              Open the dictionary
            </Link>
          ) : null}
        </EmptyState>
      ) : (
        <>
          <section className="kpis" aria-label="Funnel summary">
            {d.steps.map((s) => (
              <div className="kpi" key={s.key}>
                <span className="kpi-label">
                  <Link to={`/metrics/${s.key}`}>{s.name}</Link>
                </span>
                <span className="kpi-value">{formatValue(s.value, 'count', { style: 'summary' })}</span>
                <span className="kpi-sub">
                  <HealthChip health={s.health} />{' '}
                  {s.target !== null ? `target ${formatValue(s.target, 'count', { style: 'summary' })}` : ''}
                </span>
              </div>
            ))}
          </section>
          <ChartFrame
            title={
              <div>
                <h2 className="chart-h">{d.periodLabel}</h2>
                <p className="muted small">
                  {overall !== null
                    ? `${(overall * 100).toFixed(1)}% of ${d.steps[0]!.name} became ${d.steps.at(-1)!.name}`
                    : 'Conversion between each step'}
                  {d.acceptance?.actual != null ? ` · sales accepted ${formatValue(d.acceptance.actual, 'percent')} of leads` : ''}
                </p>
              </div>
            }
            summary={summary}
            chart={(width) => (
              <>
                <FunnelChart id="funnel" steps={d.steps} width={width} />
                <FunnelConversions steps={d.steps} />
              </>
            )}
            table={
              <table className="table metric-table">
                <caption className="visually-hidden">{summary}</caption>
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col" className="num">
                      Count
                    </th>
                    <th scope="col" className="num">
                      Target
                    </th>
                    <th scope="col" className="num">
                      Conversion from previous step
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.steps.map((s) => (
                    <Fragment key={s.key}>
                      <tr>
                        <th scope="row">{s.name}</th>
                        <td className="num">{formatValue(s.value, 'count')}</td>
                        <td className="num">{formatValue(s.target, 'count')}</td>
                        <td className="num">{s.conversion === null ? '—' : `${(s.conversion * 100).toFixed(1)}%`}</td>
                      </tr>
                      {s.key === d.leads?.acceptedKey && d.leads.rejected !== null ? (
                        <tr className="sub-row">
                          <th scope="row">Leads rejected by sales</th>
                          <td className="num">{formatValue(d.leads.rejected, 'count')}</td>
                          <td className="num">—</td>
                          <td className="num">{d.leads.rate === null ? '—' : `${((1 - d.leads.rate) * 100).toFixed(1)}% of decided`}</td>
                        </tr>
                      ) : null}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            }
          />
          {d.leads && (d.leads.accepted !== null || d.leads.rejected !== null) ? (
            <section className="card card-body acceptance" aria-labelledby="leads-title">
              <div>
                <h2 id="leads-title">Leads accepted and rejected</h2>
                <p className="muted">
                  Every MQL marketing delivers is accepted or rejected by a sales rep, with a reason, in the CRM.
                  {d.acceptance ? (
                    <>
                      {' '}
                      See <Link to={`/metrics/${d.acceptance.key}`}>{d.acceptance.name}</Link> over time.
                    </>
                  ) : null}
                </p>
              </div>
              <dl className="lead-decisions">
                <div>
                  <dt>{d.leads.acceptedKey ? <Link to={`/metrics/${d.leads.acceptedKey}`}>Accepted</Link> : 'Accepted'}</dt>
                  <dd className="kpi-value">{formatValue(d.leads.accepted, 'count')}</dd>
                </div>
                <div>
                  <dt>{d.leads.rejectedKey ? <Link to={`/metrics/${d.leads.rejectedKey}`}>Rejected</Link> : 'Rejected'}</dt>
                  <dd className="kpi-value">{formatValue(d.leads.rejected, 'count')}</dd>
                </div>
                <div>
                  <dt>Acceptance</dt>
                  <dd className="kpi-value">{d.leads.rate === null ? '—' : formatValue(d.leads.rate * 100, 'percent')}</dd>
                  {d.acceptance ? (
                    <dd>
                      <HealthChip health={d.acceptance.health} />
                    </dd>
                  ) : null}
                </div>
              </dl>
            </section>
          ) : d.acceptance ? (
            <section className="card card-body acceptance">
              <div>
                <h2>
                  <Link to={`/metrics/${d.acceptance.key}`}>{d.acceptance.name}</Link>
                </h2>
                <p className="muted">
                  Leads sales accepted out of those marketing delivered; the rest were rejected, with a reason, in the CRM.
                </p>
              </div>
              <div className="acceptance-figures">
                <span className="kpi-value">{formatValue(d.acceptance.actual, 'percent')}</span>
                <span className="muted">
                  accepted · {d.acceptance.actual === null ? '—' : formatValue(100 - d.acceptance.actual, 'percent')} rejected
                </span>
                <HealthChip health={d.acceptance.health} />
              </div>
            </section>
          ) : null}
        </>
      )}
    </div>
  )
}
