import { formatAttainment, formatValue, type Unit } from '#app/domain/metrics.ts'
import type { ChartPoint } from './actual-target-chart.tsx'
import { HealthChip } from './health-chip.tsx'

/** The table alternative of an actual-vs-target chart. */
export function SeriesTable({
  points,
  unit,
  currency,
  caption,
}: {
  points: readonly ChartPoint[]
  unit: Unit
  currency: string | null
  caption: string
}) {
  return (
    <table className="table metric-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Period</th>
          <th scope="col" className="num">
            Actual
          </th>
          <th scope="col" className="num">
            Target
          </th>
          <th scope="col" className="num">
            Attainment
          </th>
          <th scope="col">Health</th>
        </tr>
      </thead>
      <tbody>
        {[...points].reverse().map((p) => (
          <tr key={p.period}>
            <th scope="row">{p.label}</th>
            <td className="num">
              {formatValue(p.actual, unit, { currency })}
              {p.actual !== null && !p.complete ? <span className="muted"> to date</span> : null}
            </td>
            <td className="num">{formatValue(p.target, unit, { currency })}</td>
            <td className="num">{formatAttainment(p.attainment)}</td>
            <td>
              <HealthChip health={p.health} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
