import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import {
  ArrowDownRight,
  ArrowUpRight,
  CalendarRange,
  ChevronLeft,
  ChevronRight,
  FilePlus2,
  MessageSquarePlus,
  MessageSquareText,
  Printer,
  Download,
} from 'lucide-react'
import { EmptyState } from '#app/components/empty-state.tsx'
import { isFormResult } from '#app/components/form.tsx'
import { HealthChip } from '#app/components/metrics/health-chip.tsx'
import { formatAttainment, formatValue, HEALTH_LABELS, type Health, type Unit } from '#app/domain/metrics.ts'
import { canCreateNarrative, canWriteReviewNote } from '#app/domain/policies.ts'
import { CADENCES, ReviewNoteSchema, ReviewQuerySchema } from '#app/schemas/metrics.ts'
import { getReviewFor, saveReviewNote } from '#app/services/metrics/review.server.ts'
import { startReviewNarrative } from '#app/services/review-narrative.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import { timeAgo } from '#app/utils/format.ts'
import metricsStyles from '#app/styles/metrics.css'
import { requireRight } from '#app/utils/authorize.server.ts'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.periodLabel ?? ''} review · Accord` }]

/**
 * POST /reviews { cadence, period }: a review narrative pre-filled with the period's figures;
 * { intent: 'note', cadence, period, metricKey?, body }: the review's note or a metric line's.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request)
  if (values.intent === 'note') {
    return formAction(values, async () => {
      // A metric line's note follows the metric's owner function, which the service looks up.
      if (!values.metricKey) requireRight(actor, canWriteReviewNote(actor, null))
      await saveReviewNote(actor, parseOrThrow(ReviewNoteSchema, values))
      return json({ ok: true as const, note: values.metricKey || 'overall' })
    })
  }
  return orThrowResponse(async () => {
    requireRight(actor, canCreateNarrative)
    const q = parseOrThrow(ReviewQuerySchema, values)
    const narrative = await startReviewNarrative(actor, { cadence: q.cadence, period: q.period })
    return redirect(`/narratives/${narrative.id}`)
  })
}

const CADENCE_LABELS = { week: 'Weekly', month: 'Monthly', quarter: 'Quarterly' } as const

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const q = parseOrThrow(ReviewQuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    const r = await getReviewFor(actor, { cadence: q.cadence, period: q.period })
    const row = (x: (typeof r.leading)[number]) => ({
      note: r.notes.byMetric[x.metric.id] ?? null,
      canNote: r.can.noteOn[x.metric.id] ?? false,
      key: x.metric.key,
      name: x.metric.name,
      unit: x.metric.unit,
      currency: x.metric.currency,
      direction: x.metric.direction,
      northStar: x.metric.northStar,
      actual: x.point.actual,
      target: x.point.target,
      attainment: x.point.attainment,
      health: x.point.health,
      complete: x.point.complete,
      previous: x.previous.actual,
      delta: x.delta,
      relative: x.relative,
      improved: x.improved,
    })
    return json({
      cadence: r.cadence,
      period: r.period,
      periodLabel: r.periodLabel,
      previousLabel: r.previousLabel,
      startsOn: r.startsOn,
      endsOn: r.endsOn,
      prevKey: r.prevKey,
      nextKey: r.nextKey,
      isLatest: r.isLatest,
      leading: r.leading.map(row),
      lagging: r.lagging.map(row),
      movers: r.movers.map(row),
      commitments: r.commitments.map((c) => ({
        id: c.id,
        narrativeId: c.narrativeId,
        narrativeTitle: c.narrativeTitle,
        metricName: c.metric.name,
        metricKey: c.metric.key,
        unit: c.metric.unit,
        currency: c.metric.currency,
        baseline: c.baseline,
        target: c.target,
        current: c.current,
        dueOn: c.dueOn,
        currentPeriod: c.currentPeriod,
        progress: c.progress,
        passed: c.passed,
        health: c.health,
      })),
      note: r.notes.overall,
      can: { startQbr: canCreateNarrative(actor), noteOverall: r.can.noteOverall },
    })
  })
}

const dayMonth = (iso: string, withYear: boolean) =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(withYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  })
const dateRange = (from: string, to: string) => `${dayMonth(from, from.slice(0, 4) !== to.slice(0, 4))} – ${dayMonth(to, true)}`

type Row = ReturnType<typeof useLoaderData<typeof loader>>['leading'][number]

function fmt(v: number | null, unit: Unit, currency: string | null) {
  return formatValue(v, unit, { currency, style: 'summary' })
}

function Delta({ row }: { row: Row }) {
  if (row.delta === null || Math.abs(row.delta) < (row.unit === 'percent' ? 0.05 : 1e-9)) return <span className="muted">—</span>
  const Icon = row.delta > 0 ? ArrowUpRight : ArrowDownRight
  const text =
    row.unit === 'percent'
      ? `${row.delta > 0 ? '+' : ''}${row.delta.toFixed(1)} pts`
      : row.relative === null
        ? fmt(row.delta, row.unit, row.currency)
        : `${row.relative > 0 ? '+' : ''}${(row.relative * 100).toFixed(1)}%`
  return (
    <span className={`delta ${row.improved ? 'good' : 'bad'}`}>
      <Icon size={14} aria-hidden />
      {text}
    </span>
  )
}

type Note = { body: string; by: string | null; at: string } | null

/** A note as the review shows (and prints) it. */
function NoteText({ note, className = '' }: { note: Note; className?: string }) {
  if (!note) return null
  return (
    <div className={`review-note ${className}`}>
      <p>{note.body}</p>
      <p className="muted small">
        {note.by ?? 'Someone'} · {timeAgo(note.at)}
      </p>
    </div>
  )
}

/** The form that writes a note (hidden in print); an emptied note is removed. */
function NoteForm({
  note,
  metricKey,
  label,
  about,
  cadence,
  period,
}: {
  note: Note
  metricKey?: string
  label: string
  /** What the note is about, for its label: the metric or the period. */
  about: string
  cadence: string
  period: string
}) {
  const data = useActionData<typeof action>()
  const result = isFormResult(data) && (data.values.metricKey ?? '') === (metricKey ?? '') ? data : null
  const busy = useNavigation().state === 'submitting'
  const id = `note-${metricKey ?? 'overall'}`
  return (
    <details className={`note-form no-print${metricKey ? ' line-note-form' : ''}`} open={!!result}>
      {metricKey ? (
        // On a metric line: a quiet icon beside the name (17 lines of "Add a note" would drown the figures).
        <summary title={`${note ? 'Edit the note' : label} on ${about}`}>
          <MessageSquarePlus size={14} aria-hidden />
          <span className="visually-hidden">
            {note ? 'Edit the note' : label} on {about}
          </span>
        </summary>
      ) : (
        <summary>{note ? 'Edit the note' : label}</summary>
      )}
      <Form method="post" preventScrollReset>
        <input type="hidden" name="intent" value="note" />
        <input type="hidden" name="cadence" value={cadence} />
        <input type="hidden" name="period" value={period} />
        {metricKey ? <input type="hidden" name="metricKey" value={metricKey} /> : null}
        <label htmlFor={id} className="visually-hidden">
          {`Note on ${about}`}
        </label>
        <textarea
          id={id}
          name="body"
          rows={3}
          maxLength={2000}
          defaultValue={result?.values.body ?? note?.body ?? ''}
          aria-invalid={result ? true : undefined}
        />
        {result ? (
          <span className="field-error" role="alert">
            {Object.values(result.errors).flat().join(' ') || result.message}
          </span>
        ) : null}
        <div className="row">
          <button type="submit" className="button small" disabled={busy}>
            Save note
          </button>
          <span className="hint">Everyone who reads the review sees it. Empty it to remove it.</span>
        </div>
      </Form>
    </details>
  )
}

function IndicatorTable({
  title,
  hint,
  rows,
  previousLabel,
  cadence,
  period,
}: {
  title: string
  hint: string
  rows: Row[]
  previousLabel: string
  cadence: string
  period: string
}) {
  return (
    <section className="card review-block">
      <div className="card-header">
        <div>
          <h2>{title}</h2>
          <p>{hint}</p>
        </div>
      </div>
      {rows.length === 0 ? (
        <p className="muted card-body">No {title.toLowerCase()} in the dictionary yet.</p>
      ) : (
        <table className="table metric-table">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                Actual
              </th>
              <th scope="col" className="num">
                Target
              </th>
              <th scope="col" className="num" title={`Change since ${previousLabel}`}>
                vs {previousLabel}
              </th>
              <th scope="col">Health</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">
                  <div className="line-head">
                    <Link to={`/metrics/${r.key}`} className="metric-name">
                      {r.name}
                    </Link>
                    {r.canNote ? (
                      <NoteForm note={r.note} metricKey={r.key} label="Add a note" about={r.name} cadence={cadence} period={period} />
                    ) : null}
                  </div>
                  <NoteText note={r.note} className="line-note" />
                </th>
                <td className="num">
                  {fmt(r.actual, r.unit, r.currency)}
                  {r.actual !== null && !r.complete ? <span className="muted small"> to date</span> : null}
                </td>
                <td className="num">{fmt(r.target, r.unit, r.currency)}</td>
                <td className="num">
                  <Delta row={r} />
                </td>
                <td>
                  <HealthChip health={r.health} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function Tally({ rows }: { rows: Row[] }) {
  const count = (h: Health) => rows.filter((r) => r.health === h).length
  return (
    <p className="tally">
      {(['on_track', 'behind', 'at_risk', 'unknown'] as const).map((h) =>
        count(h) ? (
          <span key={h}>
            <HealthChip health={h} label={`${count(h)} ${HEALTH_LABELS[h].toLowerCase()}`} />
          </span>
        ) : null,
      )}
    </p>
  )
}

export default function ReviewPage() {
  const d = useLoaderData<typeof loader>()
  useWorkspaceEvents((e) => e.type === 'metrics.changed' || e.type === 'commitments.changed')
  const all = [...d.lagging, ...d.leading]
  const stars = all.filter((r) => r.northStar)
  return (
    <div className="page review-page">
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <CalendarRange size={14} aria-hidden /> {CADENCE_LABELS[d.cadence]} review
          </p>
          <h1>{d.periodLabel}</h1>
          <p>
            {dateRange(d.startsOn, d.endsOn)} · every metric against its target, leading and lagging side by side, what moved most and the
            commitments that fall due.
          </p>
        </div>
        <div className="row no-print">
          <button type="button" className="button secondary" onClick={() => window.print()}>
            <Printer size={16} aria-hidden /> Print
          </button>
          <a href={`/reviews/export.pdf?cadence=${d.cadence}&period=${d.period}`} className="button secondary">
            <Download size={16} aria-hidden /> Download PDF
          </a>
          {d.can.startQbr ? (
            <Form method="post">
              <input type="hidden" name="cadence" value={d.cadence} />
              <input type="hidden" name="period" value={d.period} />
              <button type="submit" className="button">
                <FilePlus2 size={16} aria-hidden /> Start the review narrative
              </button>
            </Form>
          ) : null}
        </div>
      </div>
      <div className="review-bar no-print">
        <nav className="segmented" aria-label="Cadence">
          {CADENCES.map((c) => (
            <Link key={c} to={`?cadence=${c}`} aria-current={c === d.cadence ? 'page' : undefined}>
              {CADENCE_LABELS[c]}
            </Link>
          ))}
        </nav>
        <nav className="period-nav" aria-label="Period">
          <Link to={`?cadence=${d.cadence}&period=${d.prevKey}`} className="button ghost small" aria-label="Earlier: previous period">
            <ChevronLeft size={16} aria-hidden /> Earlier
          </Link>
          <Link to={`?cadence=${d.cadence}&period=${d.nextKey}`} className="button ghost small" aria-label="Later: next period">
            Later <ChevronRight size={16} aria-hidden />
          </Link>
        </nav>
      </div>
      {all.length > 0 && (d.note || d.can.noteOverall) ? (
        <section className="card card-body review-notes" aria-labelledby="review-note-title">
          <h2 id="review-note-title">
            <MessageSquareText size={16} aria-hidden /> Notes on {d.periodLabel}
          </h2>
          {d.note ? (
            <NoteText note={d.note} />
          ) : (
            <p className="muted no-print">No note yet: what the numbers mean, what we do about them.</p>
          )}
          {d.can.noteOverall ? (
            <NoteForm note={d.note} label="Write the note" about={d.periodLabel} cadence={d.cadence} period={d.period} />
          ) : null}
        </section>
      ) : null}
      {all.length === 0 ? (
        <EmptyState icon={CalendarRange} title="Reviews start from the metric dictionary">
          <p>
            Once metrics have targets and actuals, this page prepares the weekly, monthly and quarterly review: every metric against target,
            what moved, and what is due.
          </p>
          <Link to="/metrics" className="button">
            Open metrics
          </Link>
        </EmptyState>
      ) : (
        <>
          <section className="review-summary">
            {stars.map((s) => (
              <div key={s.key} className="card star-card static">
                <span className="star-label">Shared goal</span>
                <h2>{s.name}</h2>
                <div className="big-number">{fmt(s.actual, s.unit, s.currency)}</div>
                <p className="muted small">
                  target {fmt(s.target, s.unit, s.currency)}
                  {s.attainment !== null ? ` · ${formatAttainment(s.attainment)} attained` : ''}
                </p>
                <HealthChip health={s.health} />
              </div>
            ))}
            <div className="card card-body summary-card">
              <h2>At a glance</h2>
              <Tally rows={all} />
              {d.movers.length ? (
                <>
                  <h3 className="subhead">What moved most since {d.previousLabel}</h3>
                  <ol className="movers">
                    {d.movers.map((m) => (
                      <li key={m.key}>
                        <Link to={`/metrics/${m.key}`}>{m.name}</Link>
                        <span>
                          {fmt(m.previous, m.unit, m.currency)} → {fmt(m.actual, m.unit, m.currency)}
                        </span>
                        <Delta row={m} />
                      </li>
                    ))}
                  </ol>
                </>
              ) : null}
            </div>
          </section>
          <div className="review-columns">
            <IndicatorTable
              title="Leading indicators"
              hint="Move first: act on these."
              rows={d.leading}
              previousLabel={d.previousLabel}
              cadence={d.cadence}
              period={d.period}
            />
            <IndicatorTable
              title="Lagging indicators"
              hint="The outcomes they lead to."
              rows={d.lagging}
              previousLabel={d.previousLabel}
              cadence={d.cadence}
              period={d.period}
            />
          </div>
          <section className="card review-block">
            <div className="card-header">
              <div>
                <h2>Commitments due</h2>
                <p>Narratives' promises that fall due in {d.periodLabel} or soon after.</p>
              </div>
            </div>
            {d.commitments.length === 0 ? (
              <p className="muted card-body">No commitments fall due in this window.</p>
            ) : (
              <table className="table metric-table">
                <thead>
                  <tr>
                    <th scope="col">Commitment</th>
                    <th scope="col">Narrative</th>
                    <th scope="col" className="num">
                      Now
                    </th>
                    <th scope="col">Due</th>
                    <th scope="col">Health</th>
                  </tr>
                </thead>
                <tbody>
                  {d.commitments.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">
                        {c.metricName}: {fmt(c.baseline, c.unit, c.currency)} → {fmt(c.target, c.unit, c.currency)}
                      </th>
                      <td>
                        <Link to={`/narratives/${c.narrativeId}/commitments`}>{c.narrativeTitle}</Link>
                      </td>
                      <td className="num" title={c.currentPeriod ?? undefined}>
                        {fmt(c.current, c.unit, c.currency)}
                      </td>
                      <td>{c.dueOn}</td>
                      <td>{c.passed ? <HealthChip health="on_track" label="Target passed" /> : <HealthChip health={c.health} />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  )
}
