import { Line, LineChart, YAxis } from 'recharts'
import type { Health } from '#app/domain/metrics.ts'
import { HEALTH_COLOURS } from './health-chip.tsx'

/** A small line of recent actuals (target dashed, faint) for lists; decorative, the row says the numbers. */
export function Sparkline({
  id,
  points,
  health,
  width = 112,
  height = 32,
}: {
  id: string
  points: readonly { actual: number | null; target: number | null }[]
  health: Health
  width?: number
  height?: number
}) {
  const has = points.some((p) => p.actual !== null)
  if (!has) return <span className="sparkline-empty" aria-hidden />
  return (
    <span className="sparkline" aria-hidden>
      <LineChart
        id={id}
        width={width}
        height={height}
        data={points as { actual: number | null; target: number | null }[]}
        margin={{ top: 3, right: 3, bottom: 3, left: 3 }}
      >
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line dataKey="target" stroke="#8a94a3" strokeWidth={1} strokeDasharray="3 3" dot={false} isAnimationActive={false} connectNulls />
        <Line
          dataKey="actual"
          stroke={health === 'at_risk' ? HEALTH_COLOURS.at_risk : '#1f3a5f'}
          strokeWidth={1.75}
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </span>
  )
}
