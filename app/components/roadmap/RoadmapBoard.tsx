import {
  closestCorners,
  DndContext,
  DragOverlay,
  KeyboardCode,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core'
import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable'
import { CSS } from '@dnd-kit/utilities'
import { Link, useLocation } from '@remix-run/react'
import { GripVertical } from 'lucide-react'
import { useEffect, useMemo, useRef, useState } from 'react'
import { Avatar } from '#app/components/avatar.tsx'
import { formatScore } from '#app/domain/prioritisation.ts'
import { InitiativeFeasibility, InitiativeStatusChip, InputSummary, type Initiative } from './parts.tsx'

export interface Column {
  /** The timeframe a card dropped here gets ("2027-Q1", "now", …). */
  id: string
  label: string
  hint?: string
}

type Layout = Record<string, string[]>

function layoutOf(columns: Column[], items: Initiative[], columnOf: (i: Initiative) => string): Layout {
  const out: Layout = Object.fromEntries(columns.map((c) => [c.id, [] as string[]]))
  const sorted = [...items].sort((a, b) => a.position - b.position || a.title.localeCompare(b.title))
  for (const i of sorted) out[columnOf(i)]?.push(i.id)
  return out
}

const findColumn = (layout: Layout, id: string) => (id in layout ? id : Object.keys(layout).find((c) => layout[c]!.includes(id)))

/**
 * Keyboard moves between columns (left/right: the neighbouring column, at the same height or its
 * end) and within a column (up/down: the neighbouring card). dnd-kit moves the dragged card to
 * the coordinates returned here; collision detection then finds where it is over.
 */
const boardCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const { active, collisionRect, droppableRects, droppableContainers } = context
  if (!active || !collisionRect) return undefined
  const code = event.code
  if (![KeyboardCode.Left, KeyboardCode.Right, KeyboardCode.Up, KeyboardCode.Down].includes(code as KeyboardCode)) return undefined
  event.preventDefault()
  const columns = droppableContainers.getEnabled().filter((c) => c.data.current?.type === 'column')
  const cards = droppableContainers.getEnabled().filter((c) => c.data.current?.type === 'card' && c.id !== active.id)
  const cx = collisionRect.left + collisionRect.width / 2
  const cy = collisionRect.top + collisionRect.height / 2
  if (code === KeyboardCode.Left || code === KeyboardCode.Right) {
    const dir = code === KeyboardCode.Right ? 1 : -1
    const targets = columns
      .map((c) => ({ c, rect: droppableRects.get(c.id) }))
      .filter((x) => x.rect && (dir > 0 ? x.rect.left > cx : x.rect.left + x.rect.width < cx))
      .sort((a, b) => dir * (a.rect!.left - b.rect!.left))
    const target = targets[0]
    if (!target?.rect) return currentCoordinates
    const inColumn = cards
      .map((c) => droppableRects.get(c.id))
      .filter((r): r is NonNullable<typeof r> =>
        Boolean(r && r.left >= target.rect!.left && r.left < target.rect!.left + target.rect!.width),
      )
      .sort((a, b) => a.top - b.top)
    const first = inColumn[0]
    return { x: target.rect.left + 8, y: first ? first.top : target.rect.top + 48 }
  }
  const dir = code === KeyboardCode.Down ? 1 : -1
  const sameColumn = cards
    .map((c) => droppableRects.get(c.id))
    .filter((r): r is NonNullable<typeof r> => Boolean(r && cx >= r.left && cx <= r.left + r.width))
    .filter((r) => (dir > 0 ? r.top + r.height / 2 > cy : r.top + r.height / 2 < cy))
    .sort((a, b) => dir * (a.top - b.top))
  const next = sameColumn[0]
  if (!next) return currentCoordinates
  return { x: currentCoordinates.x, y: dir > 0 ? next.top + next.height - collisionRect.height / 2 + 4 : next.top - 4 }
}

/**
 * A board of initiatives in columns (quarters, or now / next / later). Cards move by pointer or
 * keyboard (focus the handle, Space to lift, arrows to move, Space to drop, Escape to cancel);
 * every move is announced to screen readers and saved through `onMove`.
 */
export function RoadmapBoard({
  columns,
  initiatives,
  columnOf,
  canMove,
  onMove,
  label,
}: {
  columns: Column[]
  initiatives: Initiative[]
  columnOf: (i: Initiative) => string
  canMove: boolean
  onMove: (id: string, timeframe: string, index: number) => void
  label: string
}) {
  const byId = useMemo(() => new Map(initiatives.map((i) => [i.id, i])), [initiatives])
  const fresh = useMemo(() => layoutOf(columns, initiatives, columnOf), [columns, initiatives, columnOf])
  const [layout, setLayout] = useState<Layout>(fresh)
  const [activeId, setActiveId] = useState<string | null>(null)
  const origin = useRef<{ column: string; index: number } | null>(null)
  // Server data wins whenever no drag is under way (a move by someone else arrives live).
  useEffect(() => {
    if (!activeId) setLayout(fresh)
  }, [fresh, activeId])

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: boardCoordinates }),
  )
  const columnLabel = (id: string) => columns.find((c) => c.id === id)?.label ?? id
  const titleOf = (id: string | number) => byId.get(String(id))?.title ?? 'Initiative'
  const where = (id: string) => {
    const column = findColumn(layout, id)
    if (!column) return ''
    const list = layout[column]!
    return `${columnLabel(column)}, position ${list.indexOf(id) + 1} of ${list.length}`
  }

  const announcements: Announcements = {
    onDragStart: ({ active }) =>
      `Picked up ${titleOf(active.id)} in ${where(String(active.id))}. Use the arrow keys to move, Space to drop, Escape to cancel.`,
    // Called before the layout follows the move: name the column under the card, and stay quiet while it has not left its place.
    onDragOver: ({ active, over }) => {
      const column = over ? findColumn(layout, String(over.id)) : undefined
      if (!over || over.id === active.id || !column) return undefined
      return `${titleOf(active.id)} is over ${columnLabel(column)}.`
    },
    onDragEnd: ({ active }) => `Dropped ${titleOf(active.id)} in ${where(String(active.id))}.`,
    onDragCancel: ({ active }) => `Move cancelled. ${titleOf(active.id)} is back where it was.`,
  }

  function onDragStart(e: DragStartEvent) {
    const id = String(e.active.id)
    const column = findColumn(layout, id)!
    origin.current = { column, index: layout[column]!.indexOf(id) }
    setActiveId(id)
  }

  function onDragOver(e: DragOverEvent) {
    const id = String(e.active.id)
    const overId = e.over ? String(e.over.id) : null
    if (!overId || overId === id) return
    setLayout((current) => {
      const from = findColumn(current, id)
      const to = findColumn(current, overId)
      if (!from || !to) return current
      const next = { ...current, [from]: current[from]!.filter((x) => x !== id) }
      const target = [...next[to]!]
      const overIndex = overId in current ? target.length : target.indexOf(overId)
      if (from === to) {
        const oldIndex = current[from]!.indexOf(id)
        const newIndex = current[to]!.indexOf(overId)
        if (oldIndex === newIndex || newIndex < 0) return current
        target.splice(newIndex, 0, id)
      } else {
        target.splice(overIndex < 0 ? target.length : overIndex, 0, id)
      }
      return { ...next, [to]: target }
    })
  }

  function onDragEnd(e: DragEndEvent) {
    const id = String(e.active.id)
    setActiveId(null)
    const column = findColumn(layout, id)
    const start = origin.current
    origin.current = null
    if (!column || !start) return
    const index = layout[column]!.indexOf(id)
    if (column !== start.column || index !== start.index) onMove(id, column, index)
  }

  function onDragCancel() {
    setActiveId(null)
    origin.current = null
    setLayout(fresh)
  }

  const active = activeId ? byId.get(activeId) : null
  return (
    <DndContext
      // A stable id keeps the server-rendered aria attributes equal to the client's.
      id={`board-${columns.map((c) => c.id).join('-')}`}
      sensors={sensors}
      collisionDetection={closestCorners}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnd={onDragEnd}
      onDragCancel={onDragCancel}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            'To move an initiative, press Space. Use the arrow keys to move it between columns or up and down, Space to drop, Escape to cancel.',
        },
      }}
    >
      <div className="board" role="region" aria-label={label}>
        {columns.map((c) => (
          <BoardColumn key={c.id} column={c} ids={layout[c.id] ?? []} byId={byId} canMove={canMove} activeId={activeId} />
        ))}
      </div>
      <DragOverlay dropAnimation={null}>{active ? <CardBody initiative={active} lifted /> : null}</DragOverlay>
    </DndContext>
  )
}

function BoardColumn({
  column,
  ids,
  byId,
  canMove,
  activeId,
}: {
  column: Column
  ids: string[]
  byId: Map<string, Initiative>
  canMove: boolean
  activeId: string | null
}) {
  const { setNodeRef, isOver } = useDroppable({ id: column.id, data: { type: 'column' } })
  const total = ids.reduce((sum, id) => sum + (byId.get(id)?.breakdown.effort.points ?? 0), 0)
  return (
    <section className={`board-column${isOver ? ' over' : ''}`} aria-labelledby={`col-${column.id}`} data-column={column.id}>
      <header className="board-column-header">
        <h2 id={`col-${column.id}`}>{column.label}</h2>
        <span className="muted small" title="Initiatives · effort points">
          {ids.length} · {total} pts
        </span>
      </header>
      {column.hint ? <p className="board-column-hint">{column.hint}</p> : null}
      <SortableContext id={column.id} items={ids} strategy={verticalListSortingStrategy}>
        <ol ref={setNodeRef} className="board-cards">
          {ids.map((id) => {
            const i = byId.get(id)
            return i ? <BoardCard key={id} initiative={i} canMove={canMove} dimmed={id === activeId} /> : null
          })}
          {ids.length === 0 ? <li className="board-empty">Nothing planned here</li> : null}
        </ol>
      </SortableContext>
    </section>
  )
}

function BoardCard({ initiative, canMove, dimmed }: { initiative: Initiative; canMove: boolean; dimmed: boolean }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition } = useSortable({
    id: initiative.id,
    data: { type: 'card' },
    disabled: !canMove,
  })
  return (
    <li
      ref={setNodeRef}
      className={`board-card${dimmed ? ' placeholder' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      data-initiative={initiative.title}
    >
      {canMove ? (
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="drag-handle"
          aria-label={`Move ${initiative.title}`}
          {...attributes}
          {...listeners}
          aria-roledescription="draggable initiative"
        >
          <GripVertical size={16} aria-hidden />
        </button>
      ) : null}
      <CardBody initiative={initiative} />
    </li>
  )
}

function CardBody({ initiative: i, lifted }: { initiative: Initiative; lifted?: boolean }) {
  const location = useLocation()
  return (
    <div className={`card-body-inner${lifted ? ' lifted' : ''}`}>
      <div className="card-top">
        <Link to={`/roadmap/${i.id}${location.search}`} className="card-title" preventScrollReset>
          {i.title}
        </Link>
        <span className="score-pill" title={`Priority score ${formatScore(i.breakdown.score)} · rank ${i.rank}`}>
          {formatScore(i.breakdown.score)}
        </span>
      </div>
      <div className="card-meta">
        <InitiativeStatusChip status={i.status} />
        <InitiativeFeasibility feasibility={i.feasibility} />
        <span className="effort-tag" title={i.effortWeeks ? `${i.effortWeeks} person-weeks` : `Effort ${i.effort}`}>
          {i.effort}
        </span>
      </div>
      <div className="card-foot">
        <InputSummary input={i.input} compact />
        {i.owner ? (
          <span className="card-owner" title={`Owner: ${i.owner.name}`}>
            <Avatar id={i.owner.id} name={i.owner.name} />
          </span>
        ) : null}
      </div>
    </div>
  )
}
