import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useEffect, useState } from 'react'
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from '@remix-run/react'
import { AlertTriangle, ArrowLeft, Target, Trash2 } from 'lucide-react'
import { EmptyState } from '#app/components/empty-state.tsx'
import { Field, FormMessage, isFormResult, SelectField } from '#app/components/form.tsx'
import { HealthChip } from '#app/components/metrics/health-chip.tsx'
import { formatValue, INDICATOR_LABELS, progressBarShare, progressWords } from '#app/domain/metrics.ts'
import { GRANULARITIES, GRANULARITY_LABELS } from '#app/domain/periods.ts'
import { CommitmentInputSchema, CommitmentUpdateSchema } from '#app/schemas/metrics.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { addCommitment, listCommitmentsFor, removeCommitment, updateCommitment } from '#app/services/metrics/commitments.server.ts'
import { listMetricsFor } from '#app/services/metrics/dictionary.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm, requireParam } from '#app/utils/http.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import metricsStyles from '#app/styles/metrics.css'
import { canEditCommitments } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: metricsStyles }]
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Commitments · ${data?.narrative.title ?? 'Narrative'} · Accord` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const list = await listCommitmentsFor(actor, requireParam(params, 'id', NarrativeIdSchema, 'Narrative'))
    const metrics = list.can.edit ? await listMetricsFor(actor) : []
    return json({
      narrative: { id: list.narrative.id, title: list.narrative.title, status: list.narrative.status },
      needsLeadingIndicator: list.needsLeadingIndicator,
      commitments: list.commitments.map((c) => ({
        id: c.id,
        metric: {
          key: c.metric.key,
          name: c.metric.name,
          unit: c.metric.unit,
          currency: c.metric.currency,
          indicator: c.metric.indicator,
          version: c.metric.version,
        },
        metricVersion: c.metricVersion,
        baseline: c.baseline,
        target: c.target,
        granularity: c.granularity,
        startsOn: c.startsOn,
        dueOn: c.dueOn,
        note: c.note,
        source: c.source,
        inText: c.inText,
        edited: c.editedAt !== null,
        current: c.current,
        currentPeriod: c.currentPeriod,
        progress: c.progress,
        passed: c.passed,
        pace: c.pace,
        elapsed: c.elapsed,
        health: c.health,
      })),
      metrics: metrics.map((m) => ({ key: m.key, name: m.name, indicator: m.indicator })),
      can: list.can,
    })
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    requireRight(actor, canEditCommitments(actor, await getNarrativeFor(actor, id)))
    if (values.intent === 'remove') {
      await removeCommitment(actor, id, values.commitmentId ?? '')
      return json({ ok: true as const, removed: true })
    }
    if (values.intent === 'update') {
      const input = parseOrThrow(CommitmentUpdateSchema, values)
      await updateCommitment(actor, id, input)
      return json({ ok: true as const, updated: input.commitmentId })
    }
    await addCommitment(actor, id, parseOrThrow(CommitmentInputSchema, values))
    return json({ ok: true as const, added: true })
  })
}

const dateFmt = (iso: string) =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })

export default function CommitmentsPage() {
  const d = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting'
  // Which commitment's edit form the last submission came from (its errors show there).
  const submitted = navigation.formData?.get('commitmentId')
  const [editing, setEditing] = useState<string | null>(null)
  // The side panel's "Edit" links here with the commitment's anchor: its form opens.
  const hash = useLocation().hash
  useEffect(() => {
    if (typeof submitted === 'string' && navigation.formData?.get('intent') === 'update') setEditing(submitted)
  }, [submitted, navigation.formData])
  useWorkspaceEvents((e) => (e.type === 'commitments.changed' && e.narrativeId === d.narrative.id) || e.type === 'metrics.changed')
  return (
    <div className="page metrics-page">
      <Link to={`/narratives/${d.narrative.id}`} className="back-link">
        <ArrowLeft size={14} aria-hidden /> {d.narrative.title}
      </Link>
      <div className="page-header">
        <div>
          <h1>Commitments</h1>
          <p>What this narrative promises to move — from a baseline to a target by a date — and where each metric stands now.</p>
        </div>
      </div>
      {d.needsLeadingIndicator ? (
        <div className="callout risk" role="status">
          <AlertTriangle size={18} aria-hidden />
          <div>
            <strong>Add a leading indicator.</strong> Every commitment here cites a lagging metric: you will only learn how it went when it
            is too late to act. Commit to a metric that moves first too — MQL→SQL conversion, target-account engagement.
          </div>
        </div>
      ) : null}
      {d.commitments.length === 0 ? (
        <EmptyState icon={Target} title="Commit to moving a metric">
          <p>
            A commitment says which shared metric this plan moves, from where to where, by when — “pipeline from $4.0M to $4.6M by 31 March
            2027”. Progress stays live as actuals arrive.
          </p>
          {!d.can.edit ? <p className="hint">Editors of this narrative add commitments.</p> : null}
        </EmptyState>
      ) : (
        <ul className="commitment-list" aria-label="Commitments">
          {d.commitments.map((c) => {
            const f = (v: number | null) => formatValue(v, c.metric.unit, { currency: c.metric.currency, style: 'summary' })
            const pct = progressBarShare(c.progress)
            return (
              <li key={c.id} id={`commitment-${c.id}`} className="card commitment">
                <div className="commitment-main">
                  <div className="commitment-head">
                    <Link to={`/metrics/${c.metric.key}`} className="metric-name">
                      {c.metric.name}
                    </Link>
                    <span className={`tag ${c.metric.indicator}`}>{INDICATOR_LABELS[c.metric.indicator]}</span>
                    {c.passed ? <HealthChip health="on_track" label="Target passed" /> : <HealthChip health={c.health} />}
                    {c.source === 'text' ? (
                      c.inText ? (
                        <span className="tag" title="Derived from a $ chip in the narrative's text">
                          From the text{c.edited ? ' · edited' : ''}
                        </span>
                      ) : (
                        <span className="tag warn" title="Its chip was removed from the text; kept because a person edited it">
                          No longer in the text
                        </span>
                      )
                    ) : null}
                  </div>
                  <p className="commitment-line">
                    From <strong>{f(c.baseline)}</strong> to <strong>{f(c.target)}</strong> by <strong>{dateFmt(c.dueOn)}</strong>
                    <span className="muted"> · per {c.granularity}</span>
                  </p>
                  <div
                    className="progress"
                    role="progressbar"
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.round(pct * 100)}
                    aria-label={`${c.metric.name}: ${c.passed ? 'target passed' : `${Math.round(pct * 100)}% of the way from baseline to target`}, ${Math.round(c.elapsed * 100)}% of the time gone`}
                  >
                    <span className={`progress-fill ${c.health}`} style={{ width: `${pct * 100}%` }} />
                    <span className="progress-time" style={{ left: `${c.elapsed * 100}%` }} title="Time elapsed" />
                  </div>
                  <p className="muted small">
                    Now {f(c.current)}
                    {c.currentPeriod ? ` (${c.currentPeriod})` : ''}
                    {c.pace !== null ? `, on pace for ${f(c.pace)} a ${c.granularity}` : ''} · {progressWords(c)} ·{' '}
                    {Math.round(c.elapsed * 100)}% of the time gone · cites definition v{c.metricVersion}
                    {c.metricVersion !== c.metric.version ? ` (now v${c.metric.version})` : ''}
                  </p>
                  {c.note ? <p className="commitment-note">{c.note}</p> : null}
                  {d.can.edit ? (
                    <details className="commitment-edit" open={(editing === c.id && !!result) || hash === `#commitment-${c.id}`}>
                      <summary>Edit the terms</summary>
                      <Form method="post" noValidate>
                        <input type="hidden" name="intent" value="update" />
                        <input type="hidden" name="commitmentId" value={c.id} />
                        {editing === c.id ? <FormMessage result={result} /> : null}
                        <div className="form-grid three">
                          <Field
                            idPrefix={`edit-${c.id}`}
                            name="baseline"
                            label="Baseline"
                            inputMode="decimal"
                            required
                            result={editing === c.id ? result : null}
                            defaultValue={String(c.baseline)}
                          />
                          <Field
                            idPrefix={`edit-${c.id}`}
                            name="target"
                            label="Target"
                            inputMode="decimal"
                            required
                            result={editing === c.id ? result : null}
                            defaultValue={String(c.target)}
                          />
                          <Field
                            idPrefix={`edit-${c.id}`}
                            name="dueOn"
                            label="By"
                            type="date"
                            required
                            result={editing === c.id ? result : null}
                            defaultValue={c.dueOn}
                          />
                          <SelectField
                            idPrefix={`edit-${c.id}`}
                            name="granularity"
                            label="Measured per"
                            result={editing === c.id ? result : null}
                            defaultValue={c.granularity}
                            options={GRANULARITIES.map((g) => ({ value: g, label: GRANULARITY_LABELS[g] }))}
                          />
                          <Field
                            idPrefix={`edit-${c.id}`}
                            name="note"
                            label="Note"
                            result={editing === c.id ? result : null}
                            defaultValue={c.note}
                          />
                        </div>
                        <div className="dialog-actions">
                          <button
                            type="submit"
                            className="button small"
                            disabled={busy}
                            aria-label={`Save the ${c.metric.name} commitment`}
                          >
                            Save
                          </button>
                        </div>
                      </Form>
                    </details>
                  ) : null}
                </div>
                {d.can.edit ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="commitmentId" value={c.id} />
                    <button
                      type="submit"
                      className="button ghost small"
                      aria-label={`Remove the ${c.metric.name} commitment`}
                      title="Remove"
                    >
                      <Trash2 size={16} aria-hidden />
                    </button>
                  </Form>
                ) : null}
              </li>
            )
          })}
        </ul>
      )}
      {d.can.edit ? (
        <section className="card card-body add-commitment">
          <h2>Add a commitment</h2>
          {d.metrics.length === 0 ? (
            <p className="muted">
              The metric dictionary is empty. <Link to="/metrics/new">Define a metric</Link> first.
            </p>
          ) : (
            <Form method="post" noValidate key={data && 'added' in data ? `added-${d.commitments.length}` : 'form'}>
              <input type="hidden" name="intent" value="add" />
              <FormMessage result={result} />
              <div className="form-grid three">
                <SelectField
                  name="metricKey"
                  label="Metric"
                  result={result}
                  options={d.metrics.map((m) => ({ value: m.key, label: `${m.name} (${INDICATOR_LABELS[m.indicator].toLowerCase()})` }))}
                />
                <Field name="baseline" label="Baseline" inputMode="decimal" required result={result} placeholder="4,000,000" />
                <Field name="target" label="Target" inputMode="decimal" required result={result} placeholder="4,600,000" />
                <Field name="dueOn" label="By" type="date" required result={result} />
                <SelectField
                  name="granularity"
                  label="Measured per"
                  result={result}
                  defaultValue="month"
                  options={GRANULARITIES.map((g) => ({ value: g, label: GRANULARITY_LABELS[g] }))}
                />
                <Field name="note" label="Note" result={result} placeholder="Optional" />
              </div>
              <div className="dialog-actions">
                <button type="submit" className="button" disabled={busy}>
                  Add commitment
                </button>
              </div>
            </Form>
          )}
        </section>
      ) : null}
    </div>
  )
}
