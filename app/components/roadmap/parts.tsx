import { Ban, CircleDot, Flag, ThumbsUp, TriangleAlert } from 'lucide-react'
import { FeasibilityChip } from '#app/components/feasibility/chips.tsx'
import { formatChange, formatScore, INITIATIVE_STATUS_LABELS, type InitiativeStatus, type Stance } from '#app/domain/prioritisation.ts'
import type { InitiativeView } from '#app/services/roadmap.server.ts'

export type Initiative = Omit<InitiativeView, 'impacts'> & { impacts: InitiativeView['impacts'] }

const STATUS_TONE: Record<InitiativeStatus, string> = {
  proposed: 'unknown',
  planned: 'neutral',
  in_progress: 'risk',
  done: 'pass',
  dropped: 'neutral',
}

/** An initiative's status: icon and word (in progress is amber, done green, the rest quiet). */
export function InitiativeStatusChip({ status }: { status: InitiativeStatus }) {
  return (
    <span className={`chip ${STATUS_TONE[status]}`}>
      <CircleDot aria-hidden />
      {INITIATIVE_STATUS_LABELS[status]}
    </span>
  )
}

/** Feasibility of the initiative (its linked narrative's), flagged when it fails. */
export function InitiativeFeasibility({ feasibility }: { feasibility: Initiative['feasibility'] }) {
  const title =
    feasibility.source === 'none'
      ? 'No linked narrative: feasibility is unknown'
      : feasibility.requirements === 0
        ? 'The linked narrative states no requirements yet'
        : `From the linked narrative's ${feasibility.requirements} requirement${feasibility.requirements === 1 ? '' : 's'}`
  return <FeasibilityChip status={feasibility.status} title={title} />
}

export const STANCE_ICON: Record<Stance, typeof ThumbsUp> = { support: ThumbsUp, concern: TriangleAlert, block: Ban }
const STANCE_TONE: Record<Stance, string> = { support: 'pass', concern: 'risk', block: 'fail' }

/** A stance as a chip: icon, word and colour. */
export function StanceChip({ stance, count }: { stance: Stance; count?: number }) {
  const Icon = STANCE_ICON[stance]
  return (
    <span className={`chip ${STANCE_TONE[stance]}`}>
      <Icon aria-hidden />
      {count !== undefined ? `${count} ${stance}` : stance.charAt(0).toUpperCase() + stance.slice(1)}
    </span>
  )
}

/** "Sales: 3 support, 1 concern · Finance: 1 block" in a compact line. */
export function InputSummary({ input, compact }: { input: Initiative['input']; compact?: boolean }) {
  if (input.length === 0) return compact ? null : <p className="muted small">No input yet.</p>
  return (
    <ul className={`input-summary${compact ? ' compact' : ''}`} aria-label="Input per function">
      {input.map((c) => (
        <li key={c.function}>
          <span className="input-fn">{c.label}:</span>{' '}
          {(['support', 'concern', 'block'] as const)
            .filter((s) => c[s] > 0)
            .map((s, i) => (
              <span key={s} className={`input-count ${s}`}>
                {i > 0 ? ', ' : ''}
                {c[s]} {s}
              </span>
            ))}
        </li>
      ))}
    </ul>
  )
}

/** The score and how it is made: every term, the effort divisor, the feasibility factor, the formula. */
export function ScoreBreakdownView({ breakdown }: { breakdown: Initiative['breakdown'] }) {
  return (
    <div className="breakdown">
      <table className="breakdown-table">
        <caption className="visually-hidden">Score breakdown</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" className="num">
              Expected change
            </th>
            <th scope="col" className="num">
              Weight
            </th>
            <th scope="col" className="num">
              Confidence
            </th>
            <th scope="col" className="num">
              Term
            </th>
          </tr>
        </thead>
        <tbody>
          {breakdown.terms.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                No expected impact stated yet: the score is 0 until someone says which shared metric this moves.
              </td>
            </tr>
          ) : (
            breakdown.terms.map((t, i) => (
              <tr key={`${t.metricKey}-${i}`}>
                <td>
                  {t.label}
                  {t.sign < 0 ? <span className="muted small"> · lower is better</span> : null}
                </td>
                <td className="num">{formatChange(t.expectedChange)}</td>
                <td className="num">× {t.weight}</td>
                <td className="num">× {Math.round(t.confidence * 100)}%</td>
                <td className="num">{formatScore(t.value)}</td>
              </tr>
            ))
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={4}>
              Impact on shared goals
            </th>
            <td className="num">{formatScore(breakdown.impact)}</td>
          </tr>
          <tr>
            <th scope="row" colSpan={4}>
              ÷ Effort {breakdown.effort.weeks ? `(${breakdown.effort.weeks} person-weeks)` : `(${breakdown.effort.size})`}
            </th>
            <td className="num">{breakdown.effort.points}</td>
          </tr>
          {breakdown.feasibility.flagged ? (
            <tr className="flag-row">
              <th scope="row" colSpan={4}>
                <Flag aria-hidden size={14} /> Feasibility fails
                {breakdown.feasibility.factor !== 1 ? ' · penalty' : ' · flagged, not penalised'}
              </th>
              <td className="num">× {breakdown.feasibility.factor}</td>
            </tr>
          ) : null}
          <tr className="total-row">
            <th scope="row" colSpan={4}>
              Priority score
            </th>
            <td className="num">{formatScore(breakdown.score)}</td>
          </tr>
        </tfoot>
      </table>
      <p className="formula">
        <span className="visually-hidden">Formula: </span>
        <code>{breakdown.formula}</code>
      </p>
    </div>
  )
}

/** Initials-free owner label. */
export function ownerLabel(i: Pick<Initiative, 'owner'>) {
  return i.owner?.name ?? 'No owner'
}
