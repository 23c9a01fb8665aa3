import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis, type TooltipProps } from 'recharts'
import {
  formatAttainment,
  formatValue,
  healthBand,
  HEALTH_LABELS,
  type Direction,
  type Health,
  type HealthThresholds,
  type Unit,
} from '#app/domain/metrics.ts'

export interface ChartPoint {
  period: string
  label: string
  short: string
  actual: number | null
  target: number | null
  attainment: number | null
  health: Health
  complete: boolean
}

const INK = '#1f3a5f'
/** "Nov 2026" → "Nov ’26", "W47 2026" → "W47 ’26"; fiscal labels stay as they are. */
const shortYear = (label: string) => label.replace(/ \d{2}(\d{2})$/, ' ’$1')
const TARGET = '#6b7686'
const BAND = '#1f7a4d'

/** Actual (solid) against target (dashed) over time, with the on-track band shaded around the target. */
export function ActualTargetChart({
  id,
  points,
  unit,
  currency,
  direction,
  thresholds,
  width,
  height = 280,
}: {
  id: string
  points: readonly ChartPoint[]
  unit: Unit
  currency: string | null
  direction: Direction
  thresholds: HealthThresholds
  width: number
  height?: number
}) {
  // A period still running (a quarter to date) is a hollow point off the line: joined to whole
  // periods, two months of a quarter's pipeline would read as a fall.
  const data = points.map((p) => ({
    ...p,
    band: healthBand(p.target, direction, thresholds),
    whole: p.complete ? p.actual : null,
    toDate: p.complete ? null : p.actual,
  }))
  const fmt = (v: number) => formatValue(v, unit, { currency, style: 'summary' })
  const every = Math.max(0, Math.ceil(points.length / Math.max(4, Math.floor(width / 72))) - 1)
  return (
    <ComposedChart id={id} width={width} height={height} data={data} margin={{ top: 12, right: 16, bottom: 4, left: 8 }}>
      <CartesianGrid vertical={false} stroke="#e3e7ed" />
      <XAxis
        dataKey="label"
        tickFormatter={shortYear}
        padding={{ left: 12, right: 24 }}
        tickLine={false}
        axisLine={{ stroke: '#cfd6df' }}
        tick={{ fill: '#5f6b7a', fontSize: 12 }}
        interval={every}
      />
      <YAxis
        tickFormatter={fmt}
        tickLine={false}
        axisLine={false}
        tick={{ fill: '#5f6b7a', fontSize: 12 }}
        width={64}
        domain={unit === 'percent' ? [0, (max: number) => Math.min(100, Math.ceil(max * 1.15))] : [0, 'auto']}
      />
      <Tooltip content={<PointTooltip unit={unit} currency={currency} />} cursor={{ stroke: '#cfd6df' }} isAnimationActive={false} />
      <Area
        dataKey="band"
        stroke="none"
        fill={BAND}
        fillOpacity={0.14}
        isAnimationActive={false}
        connectNulls
        activeDot={false}
        name="On-track band"
      />
      <Line
        dataKey="target"
        stroke={TARGET}
        strokeWidth={1.5}
        strokeDasharray="6 4"
        // A lone target has no line to draw: show it as a hollow point.
        dot={points.filter((p) => p.target !== null).length === 1 ? { r: 4, fill: '#fff', stroke: TARGET, strokeDasharray: '0' } : false}
        activeDot={false}
        isAnimationActive={false}
        connectNulls
        name="Target"
      />
      <Line
        dataKey="whole"
        stroke={INK}
        strokeWidth={2}
        dot={{ r: 3, fill: INK, strokeWidth: 0 }}
        activeDot={{ r: 5 }}
        isAnimationActive={false}
        name="Actual"
      />
      {points.some((p) => !p.complete && p.actual !== null) ? (
        <Line
          dataKey="toDate"
          stroke="none"
          dot={{ r: 4, fill: '#fff', stroke: INK, strokeWidth: 1.5 }}
          activeDot={{ r: 5, fill: '#fff', stroke: INK }}
          isAnimationActive={false}
          name="To date"
        />
      ) : null}
    </ComposedChart>
  )
}

function PointTooltip({ active, payload, unit, currency }: TooltipProps<number, string> & { unit: Unit; currency: string | null }) {
  const p = payload?.[0]?.payload as ChartPoint | undefined
  if (!active || !p) return null
  return (
    <div className="chart-tooltip">
      <strong>{p.label}</strong>
      <dl>
        <dt>Actual</dt>
        <dd>
          {formatValue(p.actual, unit, { currency })}
          {p.actual !== null && !p.complete ? ' (to date)' : ''}
        </dd>
        <dt>Target</dt>
        <dd>{formatValue(p.target, unit, { currency })}</dd>
        <dt>Attainment</dt>
        <dd>{formatAttainment(p.attainment)}</dd>
        <dt>Health</dt>
        <dd>{HEALTH_LABELS[p.health]}</dd>
      </dl>
    </div>
  )
}

/** The legend, as HTML beside the chart (a legend only when needed: three series here). */
export function ActualTargetLegend({ toDate = false }: { toDate?: boolean }) {
  return (
    <>
      <span className="legend-item">
        <svg width="20" height="8" aria-hidden>
          <line x1="0" y1="4" x2="20" y2="4" stroke={INK} strokeWidth="2" />
        </svg>
        Actual
      </span>
      <span className="legend-item">
        <svg width="20" height="8" aria-hidden>
          <line x1="0" y1="4" x2="20" y2="4" stroke={TARGET} strokeWidth="1.5" strokeDasharray="5 3" />
        </svg>
        Target
      </span>
      <span className="legend-item">
        <svg width="14" height="10" aria-hidden>
          <rect width="14" height="10" rx="2" fill={BAND} fillOpacity="0.16" />
        </svg>
        On-track band
      </span>
      {toDate ? (
        <span className="legend-item">
          <svg width="10" height="10" aria-hidden>
            <circle cx="5" cy="5" r="3.5" fill="#fff" stroke={INK} strokeWidth="1.5" />
          </svg>
          So far (period still running)
        </span>
      ) : null}
    </>
  )
}
