import { Link, useLocation } from '@remix-run/react'
import { useState } from 'react'
import { formatScore } from '#app/domain/prioritisation.ts'
import type { Initiative } from './parts.tsx'

const W = 960
const H = 440
const M = { top: 20, right: 24, bottom: 52, left: 64 }
/** How many of the highest-ranked initiatives get a label beside their dot. */
const LABELLED = 6

/**
 * Value (confidence-weighted impact on the shared goals) against effort (points): an SVG scatter
 * with labelled axes and quadrants, and the same data as a table.
 */
export function ValueEffortChart({ initiatives }: { initiatives: Initiative[] }) {
  const [asTable, setAsTable] = useState(false)
  const location = useLocation()
  const maxEffort = Math.max(8, ...initiatives.map((i) => i.breakdown.effort.points))
  const values = initiatives.map((i) => i.breakdown.impact)
  const step = niceStep((Math.max(1, ...values) - Math.min(0, ...values)) / 4)
  // The value axis ends on a tick above the highest point, so no dot sits on the frame.
  const maxValue = Math.ceil((Math.max(1, ...values) * 1.05) / step) * step
  const minValue = Math.floor(Math.min(0, ...values) / step) * step
  const x = (effort: number) => M.left + (effort / maxEffort) * (W - M.left - M.right)
  const y = (value: number) => M.top + ((maxValue - value) / (maxValue - minValue)) * (H - M.top - M.bottom)
  const xTicks = [0, 1, 2, 4, 8].filter((t) => t <= maxEffort).concat(maxEffort > 8 ? [maxEffort] : [])
  const yTicks: number[] = []
  for (let v = Math.ceil(minValue / step) * step; v <= maxValue + 1e-9; v += step) yTicks.push(Math.round(v * 100) / 100)
  const midX = x(maxEffort / 2)
  const midY = y((maxValue + Math.max(0, minValue)) / 2)
  return (
    <div className="card chart-card">
      <div className="chart-toolbar">
        <p className="muted small">
          Top left is quick value: high expected impact on the shared goals for little effort. Size shows the priority score; the top{' '}
          {LABELLED} are named. <span className="legend-fail">◆ feasibility fails</span>{' '}
          <span className="legend-ok">● feasible or unknown</span>
        </p>
        <div className="seg-group" role="group" aria-label="Show as">
          <button type="button" className="seg" aria-pressed={!asTable} onClick={() => setAsTable(false)}>
            Chart
          </button>
          <button type="button" className="seg" aria-pressed={asTable} onClick={() => setAsTable(true)}>
            Table
          </button>
        </div>
      </div>
      {asTable ? (
        <table className="table">
          <caption className="visually-hidden">Value and effort of each initiative</caption>
          <thead>
            <tr>
              <th scope="col">Initiative</th>
              <th scope="col" className="num">
                Value (impact)
              </th>
              <th scope="col" className="num">
                Effort (points)
              </th>
              <th scope="col" className="num">
                Score
              </th>
            </tr>
          </thead>
          <tbody>
            {[...initiatives]
              .sort((a, b) => a.rank - b.rank)
              .map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={`/roadmap/${i.id}${location.search}`}>{i.title}</Link>
                  </td>
                  <td className="num">{formatScore(i.breakdown.impact)}</td>
                  <td className="num">{i.breakdown.effort.points}</td>
                  <td className="num">{formatScore(i.breakdown.score)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          className="scatter"
          role="img"
          aria-label={`Value versus effort for ${initiatives.length} initiatives`}
        >
          <rect x={M.left} y={M.top} width={midX - M.left} height={midY - M.top} className="quadrant-best" />
          <text x={M.left + 8} y={M.top + 16} className="quadrant-label">
            Quick value
          </text>
          <text x={W - M.right - 8} y={M.top + 16} className="quadrant-label" textAnchor="end">
            Big bets
          </text>
          <text x={M.left + 8} y={H - M.bottom - 8} className="quadrant-label">
            Small wins
          </text>
          <text x={W - M.right - 8} y={H - M.bottom - 8} className="quadrant-label" textAnchor="end">
            Question these
          </text>
          {yTicks.map((t) => (
            <g key={`y${t}`}>
              <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} className={t === 0 ? 'axis-zero' : 'gridline'} />
              <text x={M.left - 8} y={y(t) + 4} textAnchor="end" className="tick">
                {t}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <g key={`x${t}`}>
              <line x1={x(t)} x2={x(t)} y1={M.top} y2={H - M.bottom} className="gridline" />
              <text x={x(t)} y={H - M.bottom + 18} textAnchor="middle" className="tick">
                {t}
              </text>
            </g>
          ))}
          <text x={(M.left + W - M.right) / 2} y={H - 10} textAnchor="middle" className="axis-label">
            Effort (points: S 1 · M 2 · L 4 · XL 8, or person-weeks)
          </text>
          <text transform={`translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="axis-label">
            Value: Σ change × weight × confidence
          </text>
          {initiatives.map((i) => {
            const r = 5 + Math.min(10, Math.max(0, i.breakdown.score) / 2)
            const cx = x(i.breakdown.effort.points)
            const cy = y(i.breakdown.impact)
            const fails = i.feasibility.status === 'fail'
            return (
              <Link
                key={i.id}
                to={`/roadmap/${i.id}${location.search}`}
                aria-label={`${i.title}: value ${formatScore(i.breakdown.impact)}, effort ${i.breakdown.effort.points}`}
              >
                {fails ? (
                  <rect x={cx - r} y={cy - r} width={r * 2} height={r * 2} transform={`rotate(45 ${cx} ${cy})`} className="dot dot-fail">
                    <title>{`${i.title} · score ${formatScore(i.breakdown.score)} · feasibility fails`}</title>
                  </rect>
                ) : (
                  <circle cx={cx} cy={cy} r={r} className="dot">
                    <title>{`${i.title} · score ${formatScore(i.breakdown.score)}`}</title>
                  </circle>
                )}
              </Link>
            )
          })}
          {/* Labels after every dot, so no dot covers a name. */}
          {initiatives
            .filter((i) => i.rank <= LABELLED)
            .map((i) => {
              const r = 5 + Math.min(10, Math.max(0, i.breakdown.score) / 2)
              return (
                <text
                  key={`label-${i.id}`}
                  x={x(i.breakdown.effort.points) + r + 6}
                  y={y(i.breakdown.impact) + 4}
                  className="dot-label"
                  aria-hidden
                >
                  {i.rank}. {i.title.length > 28 ? `${i.title.slice(0, 27)}…` : i.title}
                </text>
              )
            })}
        </svg>
      )}
    </div>
  )
}

function niceStep(raw: number) {
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-6)))
  const n = raw / pow
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * pow
}
