import { Link, useLocation } from '@remix-run/react'
import { formatScore } from '#app/domain/prioritisation.ts'
import { InitiativeFeasibility, InitiativeStatusChip, InputSummary, ownerLabel, type Initiative } from './parts.tsx'

/** Initiatives by priority score, each with its formula written out. */
export function RankedList({ initiatives }: { initiatives: Initiative[] }) {
  const location = useLocation()
  const ranked = [...initiatives].sort((a, b) => a.rank - b.rank)
  return (
    <div className="card">
      <table className="table ranked">
        <caption className="visually-hidden">Initiatives ranked by priority score</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Initiative</th>
            <th scope="col">Timeframe</th>
            <th scope="col">Feasibility</th>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col">How it is scored</th>
          </tr>
        </thead>
        <tbody>
          {ranked.map((i) => (
            <tr key={i.id}>
              <td className="num muted">{i.rank}</td>
              <td>
                <Link to={`/roadmap/${i.id}${location.search}`} className="ranked-title">
                  {i.title}
                </Link>
                <div className="ranked-meta">
                  <InitiativeStatusChip status={i.status} />
                  <span className="muted small">{ownerLabel(i)}</span>
                </div>
                <InputSummary input={i.input} compact />
              </td>
              <td className="nowrap">{i.timeframeLabel}</td>
              <td>
                <InitiativeFeasibility feasibility={i.feasibility} />
              </td>
              <td className="num score-cell">{formatScore(i.breakdown.score)}</td>
              <td>
                <code className="formula-inline">{i.breakdown.formula}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
