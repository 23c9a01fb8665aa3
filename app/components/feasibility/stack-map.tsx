import { useNavigate } from '@remix-run/react'
import { useMemo, useState } from 'react'
import {
  CATEGORY_LABELS,
  INTEGRATION_STATUS_LABELS,
  LIFECYCLE_LABELS,
  SYSTEM_CATEGORIES,
  type Direction,
  type IntegrationStatus,
  type Lifecycle,
  type SystemCategory,
} from '#app/domain/inventory.ts'
import { INTEGRATION_TONE, LIFECYCLE_TONE } from './chips.tsx'

export interface MapSystem {
  id: string
  name: string
  vendor: string
  category: SystemCategory
  lifecycle: Lifecycle
  endDate: string | null
}
export interface MapIntegration {
  id: string
  fromSystemId: string
  toSystemId: string
  fromName: string
  toName: string
  name: string
  direction: Direction
  status: IntegrationStatus
  objects: string[]
}

// Columns read left to right the way data usually flows: where people meet us, where we engage
// them, where revenue is tracked, where it is analysed.
const COLUMNS: SystemCategory[][] = [
  ['web_cms', 'events', 'advertising', 'abm'],
  ['enrichment', 'marketing_automation', 'consent'],
  ['crm', 'cdp', 'other'],
  ['data_warehouse', 'bi'],
]

const COL_W = 200
const GUTTER = 84
const NODE_W = 178
const NODE_H = 34
const NODE_GAP = 8
const GROUP_HEAD = 30
const GROUP_PAD = 12
const GROUP_GAP = 20
const MARGIN = 16

interface Placed {
  system: MapSystem
  x: number
  y: number
  column: number
}

function layout(systems: MapSystem[], shown: Set<SystemCategory>) {
  const nodes = new Map<string, Placed>()
  const groups: { category: SystemCategory; x: number; y: number; h: number }[] = []
  let height = 0
  COLUMNS.forEach((cats, column) => {
    const x = MARGIN + column * (COL_W + GUTTER)
    let y = MARGIN
    for (const category of cats) {
      if (!shown.has(category)) continue
      const members = systems.filter((s) => s.category === category).sort((a, b) => a.name.localeCompare(b.name))
      if (!members.length) continue
      const h = GROUP_HEAD + members.length * (NODE_H + NODE_GAP) - NODE_GAP + GROUP_PAD
      groups.push({ category, x, y, h })
      members.forEach((system, i) => {
        nodes.set(system.id, { system, column, x: x + (COL_W - NODE_W) / 2, y: y + GROUP_HEAD + i * (NODE_H + NODE_GAP) })
      })
      y += h + GROUP_GAP
    }
    height = Math.max(height, y)
  })
  // Room on the right for loops between systems of the last column.
  return { nodes, groups, width: MARGIN * 2 + COLUMNS.length * COL_W + (COLUMNS.length - 1) * GUTTER + 48, height: Math.max(height, 160) }
}

type Side = 'left' | 'right'

function sides(a: Placed, b: Placed): [Side, Side] {
  if (a.column === b.column) return ['right', 'right']
  return a.column < b.column ? ['right', 'left'] : ['left', 'right']
}

/**
 * Where each integration leaves and enters its systems: the edges on one side of a node are
 * spread over its height, ordered by where their other end is, so arrows do not pile up.
 */
function ports(edges: { id: string; from: Placed; to: Placed }[]) {
  const bySide = new Map<string, { id: string; end: 'from' | 'to'; otherY: number }[]>()
  for (const e of edges) {
    const [sa, sb] = sides(e.from, e.to)
    const add = (node: Placed, side: Side, end: 'from' | 'to', other: Placed) => {
      const key = `${node.system.id}|${side}`
      const list = bySide.get(key) ?? []
      list.push({ id: e.id, end, otherY: other.y })
      bySide.set(key, list)
    }
    add(e.from, sa, 'from', e.to)
    add(e.to, sb, 'to', e.from)
  }
  const offset = new Map<string, number>()
  for (const list of bySide.values()) {
    list.sort((x, y) => x.otherY - y.otherY)
    const span = NODE_H - 12
    list.forEach((item, i) => offset.set(`${item.id}|${item.end}`, list.length === 1 ? 0 : -span / 2 + (span * i) / (list.length - 1)))
  }
  return offset
}

/** A cubic curve from one node's side to another's; within one column it bows out to the right. */
function edgePath(a: Placed, b: Placed, da: number, db: number): string {
  const ay = a.y + NODE_H / 2 + da
  const by = b.y + NODE_H / 2 + db
  const [sa, sb] = sides(a, b)
  const ax = sa === 'right' ? a.x + NODE_W : a.x
  const bx = sb === 'right' ? b.x + NODE_W : b.x
  if (a.column === b.column) {
    const bow = 28 + Math.min(40, Math.abs(by - ay) / 4)
    return `M ${ax} ${ay} C ${ax + bow} ${ay}, ${bx + bow} ${by}, ${bx} ${by}`
  }
  const dir = sa === 'right' ? 1 : -1
  const dx = Math.max(36, Math.abs(bx - ax) / 2)
  return `M ${ax} ${ay} C ${ax + dir * dx} ${ay}, ${bx - dir * dx} ${by}, ${bx} ${by}`
}

const EDGE_CLASS: Record<IntegrationStatus, string> = {
  active: 'edge-active',
  planned: 'edge-planned',
  broken: 'edge-broken',
  disconnected: 'edge-disconnected',
}

/**
 * The stack as a picture: systems grouped by category, integrations as arrows, both coloured on
 * the one scale (lifecycle, integration status), filterable by category; a click opens the system.
 */
export function StackMap({ systems, integrations }: { systems: MapSystem[]; integrations: MapIntegration[] }) {
  const present = useMemo(() => SYSTEM_CATEGORIES.filter((c) => systems.some((s) => s.category === c)), [systems])
  const [hidden, setHidden] = useState<Set<SystemCategory>>(new Set())
  const [focus, setFocus] = useState<string | null>(null)
  const navigate = useNavigate()
  const shown = useMemo(() => new Set(present.filter((c) => !hidden.has(c))), [present, hidden])
  const { nodes, groups, width, height } = useMemo(() => layout(systems, shown), [systems, shown])
  const edges = integrations.filter((e) => nodes.has(e.fromSystemId) && nodes.has(e.toSystemId))
  const offsets = ports(edges.map((e) => ({ id: e.id, from: nodes.get(e.fromSystemId)!, to: nodes.get(e.toSystemId)! })))
  const toggle = (c: SystemCategory) =>
    setHidden((h) => {
      const next = new Set(h)
      if (next.has(c)) next.delete(c)
      else next.add(c)
      return next
    })

  return (
    <div className="stack-map">
      <div className="map-filters" role="group" aria-label="Show categories">
        {present.map((c) => (
          <button key={c} type="button" className="filter-chip" aria-pressed={!hidden.has(c)} onClick={() => toggle(c)}>
            {CATEGORY_LABELS[c]}
            <span className="count">{systems.filter((s) => s.category === c).length}</span>
          </button>
        ))}
        {hidden.size ? (
          <button type="button" className="button ghost small" onClick={() => setHidden(new Set())}>
            Show all
          </button>
        ) : null}
      </div>
      <div className="map-canvas">
        <svg
          viewBox={`0 0 ${width} ${height}`}
          style={{ maxWidth: width }}
          role="group"
          aria-label={`Stack map: ${nodes.size} system${nodes.size === 1 ? '' : 's'}, ${edges.length} integration${edges.length === 1 ? '' : 's'}`}
          className={focus ? 'has-focus' : undefined}
        >
          <defs>
            {(['active', 'planned', 'broken', 'disconnected'] as const).map((s) => (
              <marker
                key={s}
                id={`arrow-${s}`}
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
              >
                <path d="M 0 1 L 9 5 L 0 9 z" className={`arrow ${EDGE_CLASS[s]}`} />
              </marker>
            ))}
          </defs>
          {groups.map((g) => (
            <g key={g.category} className="map-group">
              <rect x={g.x} y={g.y} width={COL_W} height={g.h} rx={10} />
              <text x={g.x + 12} y={g.y + 19}>
                {CATEGORY_LABELS[g.category].toUpperCase()}
              </text>
            </g>
          ))}
          {edges.map((e) => {
            const a = nodes.get(e.fromSystemId)!
            const b = nodes.get(e.toSystemId)!
            const lit = focus === e.fromSystemId || focus === e.toSystemId
            return (
              <path
                key={e.id}
                d={edgePath(a, b, offsets.get(`${e.id}|from`) ?? 0, offsets.get(`${e.id}|to`) ?? 0)}
                className={`map-edge ${EDGE_CLASS[e.status]}${lit ? ' lit' : ''}`}
                markerEnd={`url(#arrow-${e.status})`}
                markerStart={e.direction === 'two_way' ? `url(#arrow-${e.status})` : undefined}
              >
                <title>
                  {`${e.fromName} ${e.direction === 'two_way' ? '↔' : '→'} ${e.toName}${e.name ? ` (${e.name})` : ''}: ${e.objects.join(', ')} · ${INTEGRATION_STATUS_LABELS[e.status]}`}
                </title>
              </path>
            )
          })}
          {[...nodes.values()].map(({ system: s, x, y }) => {
            const t = LIFECYCLE_TONE[s.lifecycle]
            const lit =
              focus === s.id ||
              edges.some(
                (e) => focus && (e.fromSystemId === focus || e.toSystemId === focus) && (e.fromSystemId === s.id || e.toSystemId === s.id),
              )
            return (
              <a
                key={s.id}
                href={`/stack/systems/${s.id}`}
                className={`map-node tone-${t.tone}${lit ? ' lit' : ''}`}
                onMouseEnter={() => setFocus(s.id)}
                onMouseLeave={() => setFocus(null)}
                onFocus={() => setFocus(s.id)}
                onBlur={() => setFocus(null)}
                onClick={(ev) => {
                  ev.preventDefault()
                  navigate(`/stack/systems/${s.id}`)
                }}
                aria-label={`${s.name}: ${LIFECYCLE_LABELS[s.lifecycle]}`}
              >
                <rect x={x} y={y} width={NODE_W} height={NODE_H} rx={7} />
                <rect x={x} y={y} width={4} height={NODE_H} rx={2} className="stripe" />
                <t.Icon x={x + 12} y={y + 10} width={14} height={14} className="node-icon" aria-hidden />
                <text x={x + 32} y={y + 21.5}>
                  {s.name.length > 22 ? `${s.name.slice(0, 21)}…` : s.name}
                </text>
                <title>{`${s.name}${s.vendor ? ` · ${s.vendor}` : ''} · ${LIFECYCLE_LABELS[s.lifecycle]}${s.endDate ? ` until ${s.endDate}` : ''}`}</title>
              </a>
            )
          })}
        </svg>
      </div>
      <div className="map-legend" aria-label="Legend">
        <span className="legend-title">Systems</span>
        {(['active', 'evaluating', 'phasing_out', 'retired'] as const).map((l) => {
          const t = LIFECYCLE_TONE[l]
          return (
            <span key={l} className={`legend-item tone-${t.tone}`}>
              <t.Icon size={14} aria-hidden /> {LIFECYCLE_LABELS[l]}
            </span>
          )
        })}
        <span className="legend-title">Integrations</span>
        {(['active', 'planned', 'broken', 'disconnected'] as const).map((s) => {
          const t = INTEGRATION_TONE[s]
          return (
            <span key={s} className="legend-item">
              <svg width="28" height="10" aria-hidden>
                <line x1="1" y1="5" x2="27" y2="5" className={`map-edge ${EDGE_CLASS[s]}`} />
              </svg>
              <t.Icon size={14} aria-hidden className={`tone-icon ${t.tone}`} /> {INTEGRATION_STATUS_LABELS[s]}
            </span>
          )
        })}
      </div>
    </div>
  )
}
