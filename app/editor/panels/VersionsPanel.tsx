import { Link, useFetcher } from '@remix-run/react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { Check, CheckCircle2, Circle, Clock, History, Send, Stamp, TriangleAlert, X, XCircle } from 'lucide-react'
import { useEffect, useState } from 'react'
import type { ReviewPanelData } from '#app/routes/resources.narratives.$id.review.ts'
import { timeAgo } from '#app/utils/format.ts'
import { approverPolicyReasons, DEFAULT_APPROVAL_POLICY } from '#app/domain/approval.ts'

type ActionResult = { ok: boolean; message?: string; errors?: Record<string, string[]> }

const KIND_LABELS: Record<string, string> = {
  checkpoint: 'Checkpoint',
  named: 'Named',
  review: 'Sent to review',
  approved: 'Approved',
  restore: 'Restore',
}

const EVENT_LABELS: Record<string, string> = {
  review_requested: 'requested review',
  review_reset: 'text changed during review: approvals reset',
  approved: 'approved',
  changes_requested: 'requested changes',
  published: 'published the approved version',
  exported: 'exported',
  version_saved: 'saved a version',
  restored: 'restored a version',
  acknowledged: 'acknowledged reading',
  review_cancelled: 'cancelled the review',
}

/**
 * The Versions tab: the review (send to review, approvers and their decisions, approve / request
 * changes), the approval checklist, the version history (save, view, compare, restore) and the
 * audit trail. Live: the change feed invalidates its query.
 */
export function VersionsPanel({ narrativeId }: { narrativeId: string }) {
  const queryClient = useQueryClient()
  const { data, isPending, isError } = useQuery({
    queryKey: ['narrative-review', narrativeId],
    queryFn: async ({ signal }) => {
      const res = await fetch(`/resources/narratives/${narrativeId}/review`, { signal })
      if (!res.ok) throw new Error(`review panel: ${res.status}`)
      return (await res.json()) as ReviewPanelData
    },
  })
  const fetcher = useFetcher<ActionResult>()
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data) void queryClient.invalidateQueries({ queryKey: ['narrative-review', narrativeId] })
  }, [fetcher.state, fetcher.data, queryClient, narrativeId])
  if (isPending) return <p className="panel-loading">Loading versions…</p>
  if (isError || !data) return <p className="panel-loading">Versions are not available right now.</p>
  const action = `/narratives/${narrativeId}`
  const busy = fetcher.state !== 'idle'
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.message : null
  const open = data.review?.status === 'open' ? data.review : null
  const me = data.can.decide
  const approved = data.versions.find((v) => v.kind === 'approved')

  return (
    <section aria-label="Review and versions" className="review-panel">
      {error ? (
        <p className="review-error" role="alert">
          <TriangleAlert size={14} aria-hidden /> {error}
        </p>
      ) : null}

      <h3 className="evidence-heading">Review</h3>
      {approved ? (
        <p className="leadership-reads">
          <span className="chip pass">
            <Stamp aria-hidden /> Approved v{approved.number}
          </span>
          {data.status === 'approved' ? 'is what leadership reads.' : 'is what leadership reads while this draft is written.'}
          <Link to={`/read/${narrativeId}`} reloadDocument className="panel-link">
            Open the reading view
          </Link>
        </p>
      ) : null}
      {open ? (
        <div className="review-box">
          <p className="review-line">
            <span className="chip risk">
              <Clock aria-hidden /> In review
            </span>{' '}
            v{open.versionNumber}
            {open.dueDate ? ` · due ${open.dueDate}` : ''} · requested by {open.requestedByName}
          </p>
          {data.stale ? (
            <p className="review-note" role="note">
              <TriangleAlert size={14} aria-hidden /> Edited since it was sent: the next decision puts the new text under review and resets
              approvals.
            </p>
          ) : null}
          <ul className="approver-list" aria-label="Approvers">
            {data.approvers.map((a) => (
              <li key={a.userId} className="approver">
                <span className="approver-name">{a.name}</span>
                <DecisionChip decision={a.decision} />
                {a.note ? <p className="approver-note">“{a.note}”</p> : null}
              </li>
            ))}
          </ul>
          {me ? (
            <fetcher.Form method="post" action={action} className="decision-form">
              <input type="hidden" name="versionId" value={open.versionId} />
              <label className="field-label" htmlFor="decision-note">
                Note (optional)
              </label>
              <textarea id="decision-note" name="note" rows={2} maxLength={2000} className="input" />
              <div className="decision-buttons">
                <button
                  type="submit"
                  name="intent"
                  value="decide"
                  className="button small"
                  disabled={busy || !data.gate.passed}
                  onClick={(e) => {
                    const form = e.currentTarget.form!
                    setHidden(form, 'decision', 'approve')
                  }}
                  aria-describedby={!data.gate.passed ? 'gate-reason' : undefined}
                >
                  <Check size={14} aria-hidden /> Approve v{open.versionNumber}
                </button>
                <button
                  type="submit"
                  name="intent"
                  value="decide"
                  className="button secondary small"
                  disabled={busy}
                  onClick={(e) => setHidden(e.currentTarget.form!, 'decision', 'changes')}
                >
                  <X size={14} aria-hidden /> Request changes
                </button>
              </div>
              {!data.gate.passed ? (
                <p id="gate-reason" className="review-note">
                  Approve is disabled: {sentence(data.gate.reasons.join('; '))}
                </p>
              ) : null}
            </fetcher.Form>
          ) : null}
          {data.can.cancel ? (
            <fetcher.Form method="post" action={action}>
              <button type="submit" name="intent" value="cancel-review" className="button ghost small" disabled={busy}>
                Cancel the review
              </button>
            </fetcher.Form>
          ) : null}
        </div>
      ) : data.can.request ? (
        <SendToReview candidates={data.candidates} action={action} fetcher={fetcher} busy={busy} />
      ) : (
        <p className="muted review-line">Not in review.</p>
      )}

      <h3 className="evidence-heading">Approval checklist</h3>
      <ul className="gate-list" aria-label="Approval checklist">
        {data.gate.checks.map((c) => (
          <li key={c.key} className={`gate-item ${c.ok ? 'ok' : 'missing'}`}>
            {c.ok ? (
              <CheckCircle2 size={14} aria-hidden className="gate-icon pass" />
            ) : (
              <XCircle size={14} aria-hidden className="gate-icon fail" />
            )}
            <span>
              {c.label}
              <span className="visually-hidden">{c.ok ? ': done' : ': missing'}</span>
              {c.detail ? <span className="gate-detail">{c.detail}</span> : null}
            </span>
          </li>
        ))}
      </ul>

      <h3 className="evidence-heading">Versions</h3>
      {data.can.save ? (
        <fetcher.Form method="post" action={action} className="save-version">
          <label className="visually-hidden" htmlFor="version-name">
            Version name
          </label>
          <input id="version-name" name="name" className="input" placeholder="Name this version" maxLength={200} required />
          <button type="submit" name="intent" value="save-version" className="button secondary small" disabled={busy}>
            Save version
          </button>
        </fetcher.Form>
      ) : null}
      {data.versions.length === 0 ? (
        <p className="muted">No versions yet: checkpoints are kept while people edit.</p>
      ) : (
        <ol className="version-list" aria-label="Versions">
          {data.versions.map((v, i) => {
            const previous = data.versions[i + 1]
            return (
              <li key={v.id} className="version-item">
                <div className="version-head">
                  <span className="version-number">v{v.number}</span>
                  <span className={`version-kind kind-${v.kind}`}>
                    {v.kind === 'approved' ? <Stamp size={12} aria-hidden /> : null}
                    {KIND_LABELS[v.kind]}
                  </span>
                  {v.name ? <span className="version-name">{v.name}</span> : null}
                </div>
                <p className="version-meta muted">
                  {v.createdBy?.name ?? 'Accord'} · <time dateTime={v.createdAt}>{timeAgo(v.createdAt)}</time>
                </p>
                <div className="version-actions">
                  <Link to={`/narratives/${narrativeId}/versions?v=${v.id}`} className="panel-link">
                    View
                  </Link>
                  {previous ? (
                    <Link to={`/narratives/${narrativeId}/versions?from=${previous.id}&to=${v.id}`} className="panel-link">
                      Compare with v{previous.number}
                    </Link>
                  ) : null}
                  {data.can.restore ? (
                    <fetcher.Form
                      method="post"
                      action={action}
                      onSubmit={(e) => {
                        if (!window.confirm(`Restore v${v.number}? The current text is kept in the history.`)) e.preventDefault()
                      }}
                    >
                      <input type="hidden" name="versionId" value={v.id} />
                      <button type="submit" name="intent" value="restore-version" className="link-button" disabled={busy}>
                        Restore
                      </button>
                    </fetcher.Form>
                  ) : null}
                </div>
              </li>
            )
          })}
        </ol>
      )}

      <h3 className="evidence-heading">
        <History size={14} aria-hidden /> History
      </h3>
      {data.events.length === 0 ? (
        <p className="muted">Review requests, decisions and publications appear here.</p>
      ) : (
        <ol className="audit-list" aria-label="Audit trail">
          {data.events.map((e) => (
            <li key={e.id}>
              <strong>{e.actorName ?? 'Accord'}</strong> {EVENT_LABELS[e.kind] ?? e.kind}
              {e.versionNumber ? ` (v${e.versionNumber})` : ''}
              {typeof e.detail.note === 'string' && e.detail.note ? `: “${e.detail.note}”` : ''}
              {typeof e.detail.format === 'string' ? ` as ${e.detail.format}` : ''}{' '}
              <time className="muted" dateTime={e.createdAt}>
                {timeAgo(e.createdAt)}
              </time>
            </li>
          ))}
        </ol>
      )}
      {data.reads.length ? (
        <>
          <h3 className="evidence-heading">Acknowledged by</h3>
          <ul className="audit-list" aria-label="Acknowledged by">
            {data.reads.map((r) => (
              <li key={r.name}>
                <strong>{r.name}</strong> read v{r.versionNumber}{' '}
                <time className="muted" dateTime={r.acknowledgedAt}>
                  {timeAgo(r.acknowledgedAt)}
                </time>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  )
}

function setHidden(form: HTMLFormElement, name: string, value: string) {
  let input = form.querySelector<HTMLInputElement>(`input[name="${name}"]`)
  if (!input) {
    input = document.createElement('input')
    input.type = 'hidden'
    input.name = name
    form.appendChild(input)
  }
  input.value = value
}

function DecisionChip({ decision }: { decision: 'approve' | 'changes' | null }) {
  if (decision === 'approve')
    return (
      <span className="chip pass">
        <CheckCircle2 aria-hidden /> Approved
      </span>
    )
  if (decision === 'changes')
    return (
      <span className="chip fail">
        <XCircle aria-hidden /> Changes requested
      </span>
    )
  return (
    <span className="chip unknown">
      <Circle aria-hidden /> Pending
    </span>
  )
}

/** Default approvers: the CMO (marketing) and the Marketing Ops lead (the approval policy); finance can be added. */
function SendToReview({
  candidates,
  action,
  fetcher,
  busy,
}: {
  candidates: ReviewPanelData['candidates']
  action: string
  fetcher: ReturnType<typeof useFetcher<ActionResult>>
  busy: boolean
}) {
  const defaults = new Set(
    DEFAULT_APPROVAL_POLICY.functions.flatMap((fn) => {
      const m = candidates.find((c) => c.function === fn)
      return m ? [m.userId] : []
    }),
  )
  const [chosen, setChosen] = useState<Set<string>>(defaults)
  // The server refuses with the same sentences (app/domain/approval.ts).
  const reasons = approverPolicyReasons(DEFAULT_APPROVAL_POLICY, { approverIds: [...chosen], eligible: candidates })
  return (
    <fetcher.Form method="post" action={action} className="review-box">
      <fieldset className="approver-picker">
        <legend className="field-label">Approvers</legend>
        {candidates.map((c) => (
          <label key={c.userId} className="checkbox-row">
            <input
              type="checkbox"
              checked={chosen.has(c.userId)}
              onChange={(e) => {
                const next = new Set(chosen)
                if (e.currentTarget.checked) next.add(c.userId)
                else next.delete(c.userId)
                setChosen(next)
              }}
            />
            {c.name} <span className="muted">· {c.function.replace('_', ' ')}</span>
          </label>
        ))}
      </fieldset>
      <input type="hidden" name="approverIds" value={[...chosen].join(',')} />
      <label className="field-label" htmlFor="review-due">
        Due date
      </label>
      <input id="review-due" type="date" name="dueDate" className="input" />
      <button
        type="submit"
        name="intent"
        value="request-review"
        className="button small"
        disabled={busy || reasons.length > 0}
        aria-describedby={reasons.length ? 'approver-policy' : undefined}
      >
        <Send size={14} aria-hidden /> Send to review
      </button>
      {reasons.length ? (
        <p id="approver-policy" className="review-note">
          Send to review is disabled: {sentence(reasons.join('; '))}
        </p>
      ) : null}
    </fetcher.Form>
  )
}

/** Ends `text` with a full stop unless it already ends a sentence (a reason may end with a quoted sentence). */
function sentence(text: string) {
  return /[.!?][”"’]?$/.test(text) ? text : `${text}.`
}
