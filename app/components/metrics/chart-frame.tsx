import { BarChart3, Table2 } from 'lucide-react'
import { useEffect, useRef, useState, type ReactNode } from 'react'

/**
 * The width of an element, starting from a fixed guess so the server renders the chart (SVG) and
 * hydration matches; measured after mount and on resize.
 */
export function useMeasuredWidth<T extends HTMLElement>(initial: number) {
  const ref = useRef<T>(null)
  const [width, setWidth] = useState(initial)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => setWidth(Math.max(200, Math.floor(el.getBoundingClientRect().width)))
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return { ref, width }
}

/**
 * A chart with its table alternative: a Chart / Table switch, the chart described for screen
 * readers, the table always one click away (UI.md: a table view for every chart).
 */
export function ChartFrame({
  title,
  summary,
  legend,
  chart,
  table,
  actions,
  initialWidth = 760,
}: {
  title: ReactNode
  summary: string
  legend?: ReactNode
  chart: (width: number) => ReactNode
  table: ReactNode
  actions?: ReactNode
  initialWidth?: number
}) {
  const [view, setView] = useState<'chart' | 'table'>('chart')
  const { ref, width } = useMeasuredWidth<HTMLDivElement>(initialWidth)
  return (
    <section className="card chart-card">
      <div className="chart-head">
        <div className="chart-title">{title}</div>
        <div className="row chart-tools">
          {actions}
          <div className="segmented no-print" role="group" aria-label="View">
            <button type="button" aria-pressed={view === 'chart'} onClick={() => setView('chart')}>
              <BarChart3 size={14} aria-hidden /> Chart
            </button>
            <button type="button" aria-pressed={view === 'table'} onClick={() => setView('table')}>
              <Table2 size={14} aria-hidden /> Table
            </button>
          </div>
        </div>
      </div>
      {legend && view === 'chart' ? <div className="chart-legend">{legend}</div> : null}
      <div className="chart-body">
        <div ref={ref}>
          {view === 'chart' ? (
            <figure role="img" aria-label={summary} className="chart-figure">
              {chart(width)}
            </figure>
          ) : (
            <div className="table-scroll">{table}</div>
          )}
        </div>
      </div>
    </section>
  )
}
