import { Bar, BarChart, CartesianGrid, LabelList, XAxis, YAxis } from 'recharts'
import { formatValue } from '#app/domain/metrics.ts'

export interface FunnelStepView {
  key: string
  name: string
  value: number | null
  conversion: number | null
  target: number | null
}

/** The funnel as bars, each labelled with its count; conversion rates sit between the steps below. */
export function FunnelChart({
  id,
  steps,
  width,
  height = 260,
}: {
  id: string
  steps: readonly FunnelStepView[]
  width: number
  height?: number
}) {
  const data = steps.map((s) => ({ ...s, value: s.value ?? 0 }))
  return (
    <BarChart id={id} width={width} height={height} data={data} margin={{ top: 24, right: 0, bottom: 4, left: 0 }} barCategoryGap="28%">
      <CartesianGrid vertical={false} stroke="#e3e7ed" />
      <XAxis dataKey="name" tickLine={false} axisLine={{ stroke: '#cfd6df' }} tick={{ fill: '#3f4a5a', fontSize: 13 }} />
      <YAxis hide domain={[0, 'auto']} />
      <Bar dataKey="value" fill="#1f3a5f" radius={[4, 4, 0, 0]} isAnimationActive={false}>
        <LabelList
          dataKey="value"
          position="top"
          formatter={(v: number) => formatValue(v, 'count')}
          style={{ fill: '#1b2330', fontSize: 13, fontWeight: 600 }}
        />
      </Bar>
    </BarChart>
  )
}

/** "MQLs → 15.2% → SQLs → …": the conversion between each pair of steps, aligned under the bars. */
export function FunnelConversions({ steps }: { steps: readonly FunnelStepView[] }) {
  return (
    <ol className="funnel-conversions" style={{ gridTemplateColumns: `repeat(${steps.length}, minmax(0, 1fr))` }}>
      {steps.map((s, i) => (
        <li key={s.key}>
          {i > 0 ? (
            <span className="conversion" title={`${steps[i - 1]!.name} to ${s.name}`}>
              {s.conversion === null ? '—' : `${(s.conversion * 100).toFixed(1)}%`}
              <span className="muted"> from {steps[i - 1]!.name}</span>
            </span>
          ) : (
            <span className="muted">Start of funnel</span>
          )}
        </li>
      ))}
    </ol>
  )
}
