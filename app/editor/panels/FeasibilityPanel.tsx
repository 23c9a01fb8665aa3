import { Link } from '@remix-run/react'
import { ArrowRight, Hash } from 'lucide-react'
import { FeasibilityChip } from '#app/components/feasibility/chips.tsx'
import { useNarrativeEvidence, type ChipIdsStore } from './evidence.ts'

/**
 * The Feasibility tab: every requirement of the narrative with its result and reasons on the one
 * scale, the overall result, and the way to the full feasibility page (dates, data flows, MOps
 * assessment). Requirements from `#` chips in the text are marked so.
 */
export function FeasibilityPanel({ narrativeId, store }: { narrativeId: string; store: ChipIdsStore }) {
  const { data, isPending, isError } = useNarrativeEvidence(narrativeId, store)
  const href = `/narratives/${narrativeId}/feasibility`
  if (isPending) return <p className="panel-loading">Checking against the stack…</p>
  if (isError || !data) return <p className="panel-loading">Feasibility is not available right now.</p>
  const { overall, requirements } = data.feasibility
  if (requirements.length === 0) {
    return (
      <div className="panel-empty">
        <p>
          <strong>No requirements yet</strong>
        </p>
        <p>Type # in the text to cite a capability or system: it is checked against the tech stack and listed here.</p>
        <Link to={href} className="panel-link">
          Open the feasibility page <ArrowRight size={14} aria-hidden />
        </Link>
      </div>
    )
  }
  return (
    <section aria-label="Feasibility" className="evidence-panel">
      <p className="evidence-overall">
        Overall <FeasibilityChip status={overall} />
      </p>
      <ul className="evidence-list">
        {requirements.map((r) => (
          <li key={r.id} className="evidence-item" data-status={r.status}>
            <div className="evidence-head">
              <span className="evidence-name">{r.summary}</span>
              <FeasibilityChip status={r.status} />
            </div>
            {r.reasons.length ? (
              <ul className="evidence-reasons">
                {r.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            ) : null}
            <p className="evidence-meta">
              {r.fromText ? (
                <span>
                  <Hash size={12} aria-hidden /> From the text
                </span>
              ) : (
                <span>Stated on the feasibility page</span>
              )}
              {r.neededBy ? <span>Needed by {r.neededBy}</span> : null}
            </p>
          </li>
        ))}
      </ul>
      <Link to={href} className="panel-link">
        Full feasibility and assessments <ArrowRight size={14} aria-hidden />
      </Link>
    </section>
  )
}
