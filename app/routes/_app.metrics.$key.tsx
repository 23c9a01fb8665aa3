import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import * as Dialog from '@radix-ui/react-dialog'
import { ArrowLeft, Pencil, Star } from 'lucide-react'
import { useEffect, useState } from 'react'
import { FormMessage, isFormResult } from '#app/components/form.tsx'
import { ActualTargetChart, ActualTargetLegend } from '#app/components/metrics/actual-target-chart.tsx'
import { ChartFrame } from '#app/components/metrics/chart-frame.tsx'
import { HealthChip } from '#app/components/metrics/health-chip.tsx'
import { MetricFields } from '#app/components/metrics/metric-form.tsx'
import { SeriesTable } from '#app/components/metrics/series-table.tsx'
import { ValuesGrid } from '#app/components/metrics/values-grid.tsx'
import {
  formatAttainment,
  AGGREGATION_LABELS,
  DIRECTION_LABELS,
  formatValue,
  type FigureStyle,
  INDICATOR_LABELS,
  latestPoint,
  unitSuffix,
} from '#app/domain/metrics.ts'
import {
  anchorDay,
  GRANULARITIES,
  GRANULARITY_LABELS,
  periodFromKey,
  periodKey,
  periodLabel,
  periodOf,
  periodRange,
  periodsBetween,
  shiftPeriod,
  today,
  type Granularity,
} from '#app/domain/periods.ts'
import { FUNCTION_LABELS } from '#app/domain/policies.ts'
import { MetricUpdateSchema } from '#app/schemas/metrics.ts'
import { assertCanEditMetrics, getMetricContext, metricAbilities } from '#app/services/metrics/context.server.ts'
import { getMetricDetailFor, listMetricsFor, updateMetric } from '#app/services/metrics/dictionary.server.ts'
import { getSeriesFor, getStandingFor } from '#app/services/metrics/series.server.ts'
import { assertCanWriteValues, BatchError, listStoredValuesFor, putValueSets } from '#app/services/metrics/values.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { timeAgo } from '#app/utils/format.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import metricsStyles from '#app/styles/metrics.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.metric.name ?? 'Metric'} · Metrics · Accord` }]

const SPAN: Record<Granularity, number> = { week: 26, month: 24, quarter: 8, year: 5 }
const pickGranularity = (v: string | null, fallback: Granularity): Granularity =>
  (GRANULARITIES as readonly string[]).includes(v ?? '') ? (v as Granularity) : fallback

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const url = new URL(request.url)
    const granularity = pickGranularity(url.searchParams.get('g'), 'month')
    const gridGranularity = pickGranularity(url.searchParams.get('grid'), 'month')
    const ctx = await getMetricContext(actor)
    const now = periodOf(today(), granularity, ctx.calendar)
    const key = params.key ?? ''
    const [detail, series, targets, actuals, all, standing] = await Promise.all([
      getMetricDetailFor(actor, key),
      getSeriesFor(actor, key, {
        granularity,
        from: periodKey(shiftPeriod(now, -(SPAN[granularity] - 1), ctx.calendar)),
        to: periodKey(now),
      }),
      listStoredValuesFor(actor, key, 'target'),
      listStoredValuesFor(actor, key, 'actual'),
      listMetricsFor(actor),
      // The KPIs show the same latest actual as the dashboard and the chips, whatever the chart's granularity.
      getStandingFor(actor, key),
    ])
    // The grid: one fiscal year of periods.
    const currentFy = periodOf(today(), 'year', ctx.calendar)
    const fyParam = Number(url.searchParams.get('fy'))
    const fy = Number.isInteger(fyParam) && fyParam > 1970 && fyParam < 2200 ? { ...currentFy, year: fyParam } : currentFy
    const range = periodRange(fy, ctx.calendar)
    const periods =
      gridGranularity === 'year'
        ? [fy]
        : periodsBetween(
            periodOf(range.start, gridGranularity, ctx.calendar),
            periodOf(range.end - 1, gridGranularity, ctx.calendar),
            ctx.calendar,
          ).filter((p) => {
            const a = anchorDay(p, ctx.calendar)
            return a >= range.start && a < range.end
          })
    const gridPeriods = gridGranularity === 'year' ? [fy] : periods
    // Targets the grid does not store itself (spread from a quarter or year, or rolled up) show as hints.
    const derived = await getSeriesFor(actor, key, {
      granularity: gridGranularity,
      from: periodKey(gridPeriods[0]!),
      to: periodKey(gridPeriods.at(-1)!),
    })
    const derivedTarget = new Map(derived.points.map((p) => [p.period, p.target]))
    const t = new Map(targets.map((v) => [v.period, v.value]))
    const a = new Map(actuals.map((v) => [v.period, v.value]))
    const m = detail.metric
    return json({
      metric: {
        key: m.key,
        name: m.name,
        definition: m.definition,
        unit: m.unit,
        currency: m.currency,
        direction: m.direction,
        indicator: m.indicator,
        aggregation: m.aggregation,
        ownerFunction: m.ownerFunction,
        sourceSystem: m.sourceSystem,
        goalKey: m.goalKey,
        northStar: m.northStar,
        funnelStep: m.funnelStep,
        version: m.version,
      },
      goal: detail.goal ? { key: detail.goal.key, name: detail.goal.name } : null,
      feeders: detail.feeders.map((f) => ({ key: f.key, name: f.name })),
      versions: detail.versions.map((v) => ({
        version: v.version,
        name: v.name,
        definition: v.definition,
        by: v.changedByName,
        at: v.changedAt.toISOString(),
      })),
      history: detail.history.map((h) => ({ ...h, changedAt: h.changedAt.toISOString(), label: periodLabel(periodFromKey(h.period)) })),
      granularity,
      // A young metric starts where its data starts (at least six periods are shown).
      points: series.points.slice(
        Math.max(
          0,
          Math.min(
            series.points.findIndex((p) => p.actual !== null || p.target !== null),
            series.points.length - 6,
          ),
        ),
      ),
      standing,
      thresholds: ctx.thresholds,
      currency: ctx.currency,
      grid: {
        granularity: gridGranularity,
        fy: fy.year,
        fyLabel: periodLabel(fy),
        fyKey: periodKey(fy),
        yearTarget: t.get(periodKey(fy)) ?? null,
        rows: gridPeriods.map((p) => ({
          period: periodKey(p),
          label: periodLabel(p),
          target: t.get(periodKey(p)) ?? null,
          derivedTarget: derivedTarget.get(periodKey(p)) ?? null,
          actual: a.get(periodKey(p)) ?? null,
        })),
        years: [currentFy.year - 2, currentFy.year - 1, currentFy.year, currentFy.year + 1].map((y) => ({
          value: y,
          label: periodLabel({ granularity: 'year', year: y, index: 1 }),
        })),
      },
      goals: all.filter((g) => g.key !== m.key).map((g) => ({ key: g.key, name: g.name })),
      can: metricAbilities(actor, m),
    })
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request)
  const key = params.key ?? ''
  if (values.intent === 'update') {
    return formAction(values, async () => {
      assertCanEditMetrics(actor)
      const patch = parseOrThrow(MetricUpdateSchema, {
        name: values.name,
        definition: values.definition ?? '',
        unit: values.unit,
        currency: values.currency ?? '',
        direction: values.direction,
        indicator: values.indicator,
        aggregation: values.aggregation,
        ownerFunction: values.ownerFunction ?? '',
        sourceSystem: values.sourceSystem ?? '',
        goalKey: values.goalKey ?? '',
        northStar: values.northStar ?? 'false',
        funnelStep: values.funnelStep ?? '',
      })
      await updateMetric(actor, key, patch)
      return json({ ok: true as const, saved: 'definition' })
    })
  }
  // intent=values: the changed cells of the grid, targets and actuals together.
  // Actual cells: also the metric's owner function; target cells are checked per batch (owners and editors).
  await orThrowResponse(async () => assertCanWriteValues(actor, key, 'actual'))
  const sets = { target: [] as { period: string; value: string }[], actual: [] as { period: string; value: string }[] }
  for (const [name, raw] of Object.entries(values)) {
    const m = /^(target|actual):(.+)$/.exec(name)
    if (!m) continue
    const kind = m[1] as 'target' | 'actual'
    const value = raw.trim()
    if (value === '' || value === (values[`was-${name}`] ?? '').trim()) continue
    sets[kind].push({ period: m[2]!, value })
  }
  if (sets.target.length + sets.actual.length === 0) return json({ ok: true as const, saved: 'nothing' })
  try {
    await putValueSets(
      actor,
      key,
      (['target', 'actual'] as const).filter((k) => sets[k].length).map((k) => ({ kind: k, rows: sets[k] })),
      'form',
    )
    return json({ ok: true as const, saved: 'values' })
  } catch (e) {
    if (e instanceof BatchError) {
      const cellErrors: Record<string, string> = {}
      for (const r of e.rows) {
        const cell = sets[r.kind ?? 'actual'][r.row - 1]
        if (cell) cellErrors[`${r.kind}:${cell.period}`] = r.reason
      }
      // Not a FormResult (that belongs to the definition dialog): the grid reads its own shape.
      return json({ gridError: e.message, cellErrors }, { status: 400 })
    }
    return orThrowResponse(() => Promise.reject(e))
  }
}

function EditDefinition({
  metric,
  goals,
  currency,
}: {
  metric: Parameters<typeof MetricFields>[0]['defaults']
  goals: { key: string; name: string }[]
  currency: string
}) {
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  const [open, setOpen] = useState(false)
  const nav = useNavigation()
  useEffect(() => {
    if (result) setOpen(true)
  }, [result])
  useEffect(() => {
    if (data && 'saved' in data && data.saved === 'definition') setOpen(false)
  }, [data])
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button" className="button secondary">
          <Pencil size={16} aria-hidden /> Edit definition
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-metric">
          <Dialog.Title asChild>
            <h2>Edit definition</h2>
          </Dialog.Title>
          <Dialog.Description className="dialog-description">
            A change to the name, definition, unit, direction or aggregation starts a new version; narratives keep citing the version they
            were written against.
          </Dialog.Description>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="update" />
            <FormMessage result={result} />
            <MetricFields result={result} defaults={metric} goals={goals} withKey={false} currency={currency} />
            <div className="dialog-actions">
              <Dialog.Close asChild>
                <button type="button" className="button secondary">
                  Cancel
                </button>
              </Dialog.Close>
              <button type="submit" className="button" disabled={nav.state === 'submitting'}>
                Save definition
              </button>
            </div>
          </Form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

export default function MetricPage() {
  const d = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  const nav = useNavigation()
  const [params] = useSearchParams()
  useWorkspaceEvents((e) => e.type === 'metrics.changed')
  const m = d.metric
  const latest = latestPoint(d.points)
  const standing = d.standing
  // Grids, tables and the change log are exact; the KPIs are a summary (the exact figure on hover).
  const fmt = (v: number | null | undefined, style: FigureStyle = 'exact') => formatValue(v, m.unit, { currency: m.currency, style })
  const gridError = data && 'gridError' in data ? { _form: data.gridError, ...data.cellErrors } : {}
  const withParam = (k: string, v: string) => {
    const p = new URLSearchParams(params)
    p.set(k, v)
    return `?${p.toString()}`
  }
  const summary = `${m.name} per ${d.granularity}, ${d.points[0]?.label} to ${d.points.at(-1)?.label}: ${
    latest ? `latest ${fmt(latest.actual)} in ${latest.label} against a target of ${fmt(latest.target)}` : 'no actuals yet'
  }.`
  return (
    <div className="page metric-page">
      <Link to="/metrics" className="back-link">
        <ArrowLeft size={14} aria-hidden /> Metrics
      </Link>
      <div className="page-header">
        <div>
          <h1>
            {m.northStar ? <Star className="star-icon" size={20} aria-label="North-star metric" /> : null}
            {m.name}
          </h1>
          <p className="metric-tags">
            <span className={`tag ${m.indicator}`}>{INDICATOR_LABELS[m.indicator]}</span>
            <span className="tag">{unitSuffix(m.unit, m.currency)}</span>
            <span className="tag">{DIRECTION_LABELS[m.direction]}</span>
            <span className="tag">{AGGREGATION_LABELS[m.aggregation]} over time</span>
            {d.goal ? (
              <span className="tag">
                Feeds <Link to={`/metrics/${d.goal.key}`}>{d.goal.name}</Link>
              </span>
            ) : null}
            <code className="tag mono">{m.key}</code>
          </p>
        </div>
        {d.can.edit ? <EditDefinition metric={{ ...m }} goals={d.goals} currency={d.currency} /> : null}
      </div>

      <section className="kpis" aria-label="Where it stands">
        <div className="kpi">
          <span className="kpi-label">Latest actual</span>
          <span className="kpi-value" title={fmt(standing?.actual)}>
            {fmt(standing?.actual, 'summary')}
          </span>
          <span className="kpi-sub">{standing ? `${standing.label}${standing.complete ? '' : ' to date'}` : 'No actuals yet'}</span>
        </div>
        <div className="kpi">
          <span className="kpi-label">Target</span>
          <span className="kpi-value" title={fmt(standing?.target)}>
            {fmt(standing?.target, 'summary')}
          </span>
          <span className="kpi-sub">{standing?.label ?? '—'}</span>
        </div>
        <div className="kpi">
          <span className="kpi-label">Attainment</span>
          <span className="kpi-value">{formatAttainment(standing?.attainment)}</span>
          <span className="kpi-sub">
            on track from {Math.round(d.thresholds.onTrack * 100)}%, at risk below {Math.round(d.thresholds.atRisk * 100)}%
          </span>
        </div>
        <div className="kpi">
          <span className="kpi-label">Health</span>
          <span className="kpi-value">
            <HealthChip health={standing?.health ?? 'unknown'} />
          </span>
          <span className="kpi-sub">{m.direction === 'higher' ? 'Higher is better' : 'Lower is better'}</span>
        </div>
      </section>

      <ChartFrame
        title={
          <nav className="segmented" aria-label="Granularity">
            {GRANULARITIES.map((g) => (
              <Link key={g} to={withParam('g', g)} aria-current={g === d.granularity ? 'page' : undefined} preventScrollReset>
                {GRANULARITY_LABELS[g]}
              </Link>
            ))}
          </nav>
        }
        summary={summary}
        legend={<ActualTargetLegend toDate={d.points.some((p) => !p.complete && p.actual !== null)} />}
        chart={(width) => (
          <ActualTargetChart
            id={`metric-${m.key}`}
            points={d.points}
            unit={m.unit}
            currency={m.currency}
            direction={m.direction}
            thresholds={d.thresholds}
            width={width}
          />
        )}
        table={<SeriesTable points={d.points} unit={m.unit} currency={m.currency} caption={summary} />}
      />

      <div className="metric-columns">
        <section className="card" aria-labelledby="grid-title">
          <div className="card-header">
            <div>
              <h2 id="grid-title">Targets and actuals</h2>
              <p>
                {d.can.edit
                  ? 'Type values for the fiscal year, then save once.'
                  : d.can.recordActuals
                    ? 'Record the actuals your function owns; targets are set by editors.'
                    : 'What has been recorded for the fiscal year.'}
              </p>
            </div>
            <Form method="get" className="row grid-pickers" preventScrollReset>
              <input type="hidden" name="g" value={d.granularity} />
              <label>
                <span className="visually-hidden">Fiscal year</span>
                <select
                  name="fy"
                  defaultValue={d.grid.fy}
                  className="compact-select"
                  onChange={(e) => e.currentTarget.form?.requestSubmit()}
                  aria-label="Fiscal year"
                >
                  {d.grid.years.map((y) => (
                    <option key={y.value} value={y.value}>
                      {y.label}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <span className="visually-hidden">Periods</span>
                <select
                  name="grid"
                  defaultValue={d.grid.granularity}
                  className="compact-select"
                  onChange={(e) => e.currentTarget.form?.requestSubmit()}
                  aria-label="Periods"
                >
                  {GRANULARITIES.map((g) => (
                    <option key={g} value={g}>
                      {GRANULARITY_LABELS[g]}s
                    </option>
                  ))}
                </select>
              </label>
              <noscript>
                <button type="submit" className="button secondary small">
                  Show
                </button>
              </noscript>
            </Form>
          </div>
          <div className="card-body">
            {data && 'saved' in data && data.saved === 'values' ? (
              <div className="notice" role="status">
                Saved.
              </div>
            ) : null}
            {d.can.recordActuals ? (
              <ValuesGrid
                targetsEditable={d.can.edit}
                // New values (saved here or pushed by someone else) remount the grid, so a stale cell is never sent back.
                key={`${d.grid.fy}-${d.grid.granularity}-${d.grid.rows.map((r) => `${r.target ?? ''}/${r.actual ?? ''}`).join(',')}-${d.grid.yearTarget ?? ''}`}
                rows={d.grid.rows}
                unit={m.unit}
                currency={m.currency}
                aggregation={m.aggregation}
                yearKey={d.grid.fyKey}
                yearLabel={d.grid.fyLabel}
                yearTarget={d.grid.yearTarget}
                errors={gridError}
                busy={nav.state === 'submitting'}
                granularity={d.grid.granularity}
              />
            ) : (
              <table className="table grid-table">
                <thead>
                  <tr>
                    <th scope="col">Period</th>
                    <th scope="col" className="num">
                      Target
                    </th>
                    <th scope="col" className="num">
                      Actual
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.grid.rows.map((r) => (
                    <tr key={r.period}>
                      <th scope="row">{r.label}</th>
                      <td className="num">{r.target !== null ? fmt(r.target) : <span className="muted">{fmt(r.derivedTarget)}</span>}</td>
                      <td className="num">{fmt(r.actual)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </section>

        <aside className="stack metric-aside">
          <section className="card card-body">
            <h2>Definition</h2>
            <p className="definition">
              {m.definition || <span className="muted">No definition yet. Write how it is computed, in words everyone agrees on.</span>}
            </p>
            <dl className="facts">
              <dt>Owner</dt>
              <dd>{m.ownerFunction ? FUNCTION_LABELS[m.ownerFunction] : '—'}</dd>
              <dt>Source system</dt>
              <dd>{m.sourceSystem ?? '—'}</dd>
              {d.feeders.length ? (
                <>
                  <dt>Fed by</dt>
                  <dd>
                    {d.feeders.map((f, i) => (
                      <span key={f.key}>
                        {i ? ', ' : ''}
                        <Link to={`/metrics/${f.key}`}>{f.name}</Link>
                      </span>
                    ))}
                  </dd>
                </>
              ) : null}
            </dl>
            <h3 className="subhead">Versions</h3>
            <ol className="versions">
              {d.versions.map((v) => (
                <li key={v.version}>
                  <strong>v{v.version}</strong>{' '}
                  <span className="muted">
                    · {v.by ?? 'someone'} · {timeAgo(v.at)}
                  </span>
                  {v.version !== m.version && v.definition !== m.definition ? (
                    <p className="muted small">{v.definition || '(no definition)'}</p>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
          {d.history.length ? (
            <section className="card card-body">
              <h2>Recent changes</h2>
              <ul className="history">
                {d.history.slice(0, 8).map((h, i) => (
                  <li key={i}>
                    <span>
                      {h.kind === 'target' ? 'Target' : 'Actual'} {h.label}:{' '}
                      {h.oldValue === null ? '' : <s className="muted">{fmt(h.oldValue)}</s>} {fmt(h.newValue)}
                    </span>
                    <span className="muted small">
                      {h.changedByName ?? h.source} · {timeAgo(h.changedAt)}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </aside>
      </div>
    </div>
  )
}
