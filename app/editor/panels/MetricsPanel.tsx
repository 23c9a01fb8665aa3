import { Link, useFetcher } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { ArrowRight, TriangleAlert } from 'lucide-react'
import { HealthChip } from '#app/components/metrics/health-chip.tsx'
import { progressBarShare, progressWords } from '#app/domain/metrics.ts'
import { useNarrativeEvidence, type ChipIdsStore, type NarrativeEvidence } from './evidence.ts'

/**
 * The Metrics tab: the narrative's commitments with progress, the metrics its text cites with `$`
 * (value, target, health), and the "add a leading indicator" flag when all of them are lagging.
 */
export function MetricsPanel({ narrativeId, store }: { narrativeId: string; store: ChipIdsStore }) {
  const { data, isPending, isError } = useNarrativeEvidence(narrativeId, store)
  const href = `/narratives/${narrativeId}/commitments`
  if (isPending) return <p className="panel-loading">Loading metrics…</p>
  if (isError || !data) return <p className="panel-loading">Metrics are not available right now.</p>
  const { commitments, cited, needsLeadingIndicator, canEdit } = data.metrics
  if (commitments.length === 0 && cited.length === 0) {
    return (
      <div className="panel-empty">
        <p>
          <strong>No commitments yet</strong>
        </p>
        <p>Type $ in the text to cite a metric with its current value, or commit to moving one.</p>
        <Link to={href} className="panel-link">
          Open the commitments page <ArrowRight size={14} aria-hidden />
        </Link>
      </div>
    )
  }
  return (
    <section aria-label="Metrics" className="evidence-panel">
      {needsLeadingIndicator ? (
        <p className="evidence-flag" role="note">
          <TriangleAlert size={14} aria-hidden /> Every metric here is lagging: add a leading indicator.
        </p>
      ) : null}
      {commitments.length ? (
        <>
          <h3 className="evidence-heading">Commitments</h3>
          <ul className="evidence-list">
            {commitments.map((c) => (
              <li key={c.id} className="evidence-item">
                <div className="evidence-head">
                  <span className="evidence-name">{c.name}</span>
                  {c.passed ? <HealthChip health="on_track" label="Target passed" /> : <HealthChip health={c.health} />}
                </div>
                <p className="evidence-figures">
                  {c.baseline} → {c.target} by {c.dueOn} · now {c.current}
                  {c.currentPeriod ? ` (${c.currentPeriod})` : ''}
                  {c.pace !== null ? `, on pace for ${c.pace}` : ''}
                </p>
                {c.progress !== null ? (
                  <div
                    className="evidence-progress"
                    role="progressbar"
                    aria-label={`${c.name} progress`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.round(progressBarShare(c.progress) * 100)}
                    aria-valuetext={progressWords(c)}
                  >
                    <span style={{ width: `${progressBarShare(c.progress) * 100}%` }} />
                  </div>
                ) : null}
                <p className="evidence-meta">
                  <span>{c.indicator === 'leading' ? 'Leading' : 'Lagging'}</span>
                  {c.source === 'text' ? (
                    <span>{c.inText ? `From the text${c.edited ? ' · edited' : ''}` : 'No longer in the text'}</span>
                  ) : null}
                  <Link to={`${href}#commitment-${c.id}`} aria-label={`Open the ${c.name} commitment`}>
                    Details
                  </Link>
                </p>
                {canEdit ? <EditTerms action={href} commitment={c} /> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {cited.length ? (
        <>
          <h3 className="evidence-heading">Cited in the text</h3>
          <ul className="evidence-list">
            {cited.map((m) => (
              <li key={m.id} className="evidence-item">
                <div className="evidence-head">
                  <span className="evidence-name">{m.name}</span>
                  <HealthChip health={m.health} />
                </div>
                <p className="evidence-figures">
                  {m.value} of {m.target} target{m.period ? ` · ${m.period}` : ''}
                </p>
                <p className="evidence-meta">
                  <span>{m.indicator === 'leading' ? 'Leading' : 'Lagging'}</span>
                  <span>No commitment yet</span>
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Link to={href} className="panel-link">
        Commitments and progress <ArrowRight size={14} aria-hidden />
      </Link>
    </section>
  )
}

type Commitment = NarrativeEvidence['metrics']['commitments'][number]

/**
 * The commitment's terms, edited beside the text (the commitments page's form, posted to its
 * action): a derived commitment that a person edits is theirs and stays when its chip goes.
 */
function EditTerms({ action, commitment: c }: { action: string; commitment: Commitment }) {
  const fetcher = useFetcher<{ ok: boolean; message?: string; errors?: Record<string, string[] | undefined> }>()
  const [open, setOpen] = useState(false)
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data : null
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) setOpen(false)
  }, [fetcher.state, fetcher.data])
  const id = (name: string) => `panel-${c.id}-${name}`
  return (
    <details className="evidence-edit" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Edit the terms</summary>
      <fetcher.Form method="post" action={action} noValidate>
        <input type="hidden" name="intent" value="update" />
        <input type="hidden" name="commitmentId" value={c.id} />
        <input type="hidden" name="granularity" value={c.terms.granularity} />
        <input type="hidden" name="note" value={c.terms.note} />
        <div className="evidence-edit-fields">
          <label htmlFor={id('baseline')}>From</label>
          <input id={id('baseline')} name="baseline" inputMode="decimal" defaultValue={String(c.terms.baseline)} />
          <label htmlFor={id('target')}>To</label>
          <input id={id('target')} name="target" inputMode="decimal" defaultValue={String(c.terms.target)} />
          <label htmlFor={id('dueOn')}>By</label>
          <input id={id('dueOn')} name="dueOn" type="date" defaultValue={c.terms.dueOn} />
        </div>
        {failed ? (
          <p className="field-error" role="alert">
            {Object.values(failed.errors ?? {})
              .flat()
              .join(' ') || failed.message}
          </p>
        ) : null}
        <button type="submit" className="button small" disabled={fetcher.state !== 'idle'} aria-label={`Save the ${c.name} commitment`}>
          Save
        </button>
      </fetcher.Form>
    </details>
  )
}
