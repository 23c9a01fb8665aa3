import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, Outlet, useFetcher, useLoaderData, useLocation, useSearchParams, useSubmit } from '@remix-run/react'
import { Columns3, KanbanSquare, ListOrdered, Map as MapIcon, Plus, ScatterChart, SlidersHorizontal } from 'lucide-react'
import { useCallback, useMemo, useState } from 'react'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { Field } from '#app/components/form.tsx'
import { FormDialog } from '#app/components/feasibility/form-dialog.tsx'
import { InitiativeFields } from '#app/components/roadmap/InitiativeFields.tsx'
import { RankedList } from '#app/components/roadmap/RankedList.tsx'
import { RoadmapBoard, type Column } from '#app/components/roadmap/RoadmapBoard.tsx'
import { ValueEffortChart } from '#app/components/roadmap/ValueEffortChart.tsx'
import type { Initiative } from '#app/components/roadmap/parts.tsx'
import { FEASIBILITY_STATUSES, STATUS_LABELS } from '#app/domain/feasibility.ts'
import { canEditRoadmap, canEditRoadmapWeights, FUNCTION_LABELS, FUNCTIONS } from '#app/domain/policies.ts'
import {
  boardQuarters,
  HORIZONS,
  HORIZON_LABELS,
  INITIATIVE_STATUSES,
  INITIATIVE_STATUS_LABELS,
  isQuarter,
  shiftQuarter,
  timeframeLabel,
} from '#app/domain/prioritisation.ts'
import { InitiativeInputSchema, MoveSchema, RoadmapFilterSchema, WeightsSchema } from '#app/schemas/roadmap.ts'
import { createInitiative, getRoadmapFor, moveInitiative, updateWeights } from '#app/services/roadmap.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { formAction, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import { z } from 'zod'
// Relative, so the compiler bundles the stylesheets (see app/editor/styles.ts).
import { links as roadmapLinks } from '../components/roadmap/styles.ts'
import { links as commentsLinks } from '../components/comments/styles.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

export const links = () => [...commentsLinks(), ...roadmapLinks()]

export const meta: MetaFunction = () => [{ title: 'Roadmap · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const filter = RoadmapFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  const roadmap = await getRoadmapFor(actor)
  const used = roadmap.initiatives.map((i) => i.timeframe)
  return json({ ...roadmap, filter, quarters: boardQuarters(roadmap.currentQuarter, used) })
}

const IntentSchema = z.object({ intent: z.enum(['create', 'move', 'weights']) })

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const { intent } = parseOrThrow(IntentSchema, values)
    requireRight(actor, intent === 'weights' ? canEditRoadmapWeights : canEditRoadmap)
    if (intent === 'create') {
      const created = await createInitiative(actor, parseOrThrow(InitiativeInputSchema, values))
      return json({ ok: true as const, id: created.id })
    }
    if (intent === 'move') {
      const id = parseOrThrow(z.object({ id: z.uuid('Not an initiative id') }), values).id
      await moveInitiative(actor, id, parseOrThrow(MoveSchema, values))
      return json({ ok: true as const, id })
    }
    const metrics: Record<string, string> = {}
    for (const [k, v] of Object.entries(values)) if (k.startsWith('w.') && v.trim() !== '') metrics[k.slice(2)] = v
    await updateWeights(actor, parseOrThrow(WeightsSchema, { ...values, metrics }))
    return json({ ok: true as const })
  })
}

const VIEWS = [
  { id: 'quarters', label: 'Quarters', icon: Columns3 },
  { id: 'horizons', label: 'Now / Next / Later', icon: KanbanSquare },
  { id: 'ranked', label: 'Ranked', icon: ListOrdered },
  { id: 'chart', label: 'Value vs effort', icon: ScatterChart },
] as const

export default function RoadmapPage() {
  const data = useLoaderData<typeof loader>()
  const initiatives = data.initiatives as unknown as Initiative[]
  const { filter, can, currentQuarter } = data
  const [params] = useSearchParams()
  const location = useLocation()
  const submit = useSubmit()
  const mover = useFetcher()
  const [announcement, setAnnouncement] = useState('')
  useWorkspaceEvents(
    (e) =>
      e.type === 'roadmap.changed' ||
      e.type === 'feasibility.changed' ||
      e.type === 'metrics.changed' ||
      (e.type === 'comments.changed' && 'initiativeId' in e),
  )

  const shown = useMemo(
    () =>
      initiatives.filter(
        (i) =>
          (!filter.owner || i.owner?.id === filter.owner) &&
          (!filter.status || i.status === filter.status) &&
          (!filter.feasibility || i.feasibility.status === filter.feasibility) &&
          (!filter.fn || i.input.some((c) => c.function === filter.fn)),
      ),
    [initiatives, filter],
  )

  const quarterColumns: Column[] = useMemo(
    () => [
      ...data.quarters.map((q) => ({
        id: q,
        label: timeframeLabel(q),
        hint: q === currentQuarter ? 'This quarter' : q < currentQuarter ? 'Past quarter' : undefined,
      })),
      { id: 'later', label: 'Not in a quarter', hint: 'Now / next / later, not yet scheduled' },
    ],
    [data.quarters, currentQuarter],
  )
  const horizonColumns: Column[] = useMemo(
    () =>
      HORIZONS.map((h) => ({
        id: h,
        label: HORIZON_LABELS[h],
        hint:
          h === 'now'
            ? `${timeframeLabel(currentQuarter)} and earlier`
            : h === 'next'
              ? timeframeLabel(shiftQuarter(currentQuarter, 1))
              : 'After that',
      })),
    [currentQuarter],
  )
  const byQuarter = useCallback((i: Initiative) => (isQuarter(i.timeframe) ? i.timeframe : 'later'), [])
  const byHorizon = useCallback((i: Initiative) => i.horizon, [])
  const onMove = useCallback(
    (id: string, timeframe: string, index: number) => {
      const moved = initiatives.find((i) => i.id === id)
      const title = moved?.title ?? 'Initiative'
      // On the now/next/later board a quarter's card keeps its quarter when it stays in its horizon:
      // reordering there would otherwise replace "FY27 Q3" with "Now".
      if (moved && isQuarter(moved.timeframe) && moved.horizon === timeframe) {
        setAnnouncement(`${title} stays in ${moved.timeframeLabel}: order within a horizon follows the quarter boards.`)
        return
      }
      setAnnouncement(`${title} moved to ${timeframeLabel(timeframe)}. Saving…`)
      mover.submit({ intent: 'move', id, timeframe, index: String(index) }, { method: 'post', action: '/roadmap' })
    },
    [initiatives, mover],
  )
  const view = filter.view
  const filtered = Boolean(filter.owner || filter.status || filter.feasibility || filter.fn)
  const options = {
    members: data.members,
    metrics: data.metrics,
    narratives: data.narratives,
    quarters: data.quarters.filter((q) => q >= currentQuarter || initiatives.some((i) => i.timeframe === q)),
  }
  const newButton = can.edit ? (
    <FormDialog
      trigger={
        <button type="button" className="button">
          <Plus size={16} aria-hidden /> New initiative
        </button>
      }
      title="New initiative"
      description="What marketing plans to do, when, and which shared goal it moves."
      action="/roadmap"
      intent="create"
      submitLabel="Create initiative"
    >
      {(result) => <InitiativeFields result={result} options={options} />}
    </FormDialog>
  ) : null

  return (
    <div className="page roadmap-page">
      <PageHeader
        title="Roadmap"
        description="Ranked by expected impact on the shared goals, with feasibility and input from every function."
        actions={
          <>
            {can.weights ? <WeightsDialog weights={data.weights} metrics={data.metrics} /> : null}
            {newButton}
          </>
        }
      />
      {initiatives.length === 0 ? (
        <EmptyState icon={MapIcon} title="Plan what marketing does next" action={newButton}>
          <p>
            An initiative is one thing marketing will do: when (a quarter, or now / next / later), how big, and which shared metric it
            should move by how much. Accord ranks initiatives by that expected impact × confidence ÷ effort, and flags those the tech stack
            cannot support yet.
          </p>
          <p className="hint">
            {can.edit
              ? 'Start with the initiative you are most sure about. Sales, finance, customer success and product then give their support, concerns or blocks, in the open.'
              : 'Owners and editors add initiatives; you can then give your support, concerns or blocks on each.'}
          </p>
        </EmptyState>
      ) : (
        <>
          <nav className="view-tabs" aria-label="Roadmap views">
            {VIEWS.map((v) => {
              const next = new URLSearchParams(params)
              next.set('view', v.id)
              return (
                <Link key={v.id} to={`/roadmap?${next.toString()}`} aria-current={view === v.id ? 'page' : undefined} preventScrollReset>
                  <v.icon size={16} aria-hidden /> {v.label}
                </Link>
              )
            })}
          </nav>
          <Form
            method="get"
            action="/roadmap"
            className="filters roadmap-filters"
            onChange={(e) => submit(e.currentTarget, { preventScrollReset: true })}
          >
            <input type="hidden" name="view" value={view} />
            <label>
              <span className="visually-hidden">Owner</span>
              <select name="owner" defaultValue={filter.owner ?? ''} aria-label="Owner">
                <option value="">Every owner</option>
                {data.members.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span className="visually-hidden">Status</span>
              <select name="status" defaultValue={filter.status ?? ''} aria-label="Status">
                <option value="">Every status</option>
                {INITIATIVE_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {INITIATIVE_STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span className="visually-hidden">Input from</span>
              <select name="fn" defaultValue={filter.fn ?? ''} aria-label="Input from function">
                <option value="">Input from anyone</option>
                {FUNCTIONS.map((f) => (
                  <option key={f} value={f}>
                    Input from {FUNCTION_LABELS[f]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span className="visually-hidden">Feasibility</span>
              <select name="feasibility" defaultValue={filter.feasibility ?? ''} aria-label="Feasibility">
                <option value="">Any feasibility</option>
                {FEASIBILITY_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    Feasibility: {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            {filtered ? (
              <Link to={`/roadmap?view=${view}`} className="button ghost small">
                Clear filters
              </Link>
            ) : null}
            <span className="muted small filters-count" aria-live="polite">
              {filtered ? `${shown.length} of ${initiatives.length} initiatives` : `${initiatives.length} initiatives`}
            </span>
          </Form>
          {view === 'quarters' || view === 'horizons' ? (
            <>
              {can.edit ? (
                <p className="hint board-hint">
                  Drag a card by its handle, or focus the handle and press Space, the arrow keys, then Space again.
                  {filtered ? ' Positions are saved among the cards shown.' : ''}
                </p>
              ) : null}
              <RoadmapBoard
                key={view}
                label={view === 'quarters' ? 'Roadmap by quarter' : 'Roadmap by now, next and later'}
                columns={view === 'quarters' ? quarterColumns : horizonColumns}
                initiatives={shown}
                columnOf={view === 'quarters' ? byQuarter : byHorizon}
                canMove={can.edit}
                onMove={onMove}
              />
            </>
          ) : view === 'ranked' ? (
            <RankedList initiatives={shown} />
          ) : (
            <ValueEffortChart initiatives={shown} />
          )}
        </>
      )}
      <p className="visually-hidden" aria-live="polite">
        {mover.state === 'idle' && announcement ? announcement.replace('Saving…', 'Saved.') : announcement}
      </p>
      <Outlet key={location.pathname} />
    </div>
  )
}

function WeightsDialog({
  weights,
  metrics,
}: {
  weights: { metrics: Record<string, number>; defaultWeight: number; penaliseFailing: boolean; failFactor: number }
  metrics: { key: string; name: string; northStar: boolean }[]
}) {
  return (
    <FormDialog
      trigger={
        <button type="button" className="button secondary">
          <SlidersHorizontal size={16} aria-hidden /> Scoring
        </button>
      }
      title="How the roadmap is scored"
      description="Score = Σ (expected change × metric weight × confidence) ÷ effort points. Weigh the shared goals the way the leadership team agreed."
      action="/roadmap"
      intent="weights"
      submitLabel="Save scoring"
    >
      {(result) => (
        <>
          <div className="weights-grid">
            {metrics.map((m) => (
              <Field
                key={m.key}
                name={`w.${m.key}`}
                label={`${m.name}${m.northStar ? ' (north star)' : ''}`}
                result={result}
                defaultValue={String(weights.metrics[m.key] ?? '')}
                placeholder={String(weights.defaultWeight)}
                inputMode="decimal"
              />
            ))}
          </div>
          <div className="grid-2">
            <Field
              name="defaultWeight"
              label="Weight of other metrics"
              result={result}
              defaultValue={String(weights.defaultWeight)}
              inputMode="decimal"
            />
            <Field
              name="failFactor"
              label="Penalty factor when feasibility fails"
              result={result}
              defaultValue={String(weights.failFactor)}
              inputMode="decimal"
              hint="0.5 halves the score; 1 only flags it."
            />
          </div>
          <label className="check">
            <input type="checkbox" name="penaliseFailing" defaultChecked={weights.penaliseFailing} /> Penalise initiatives whose feasibility
            fails
          </label>
        </>
      )}
    </FormDialog>
  )
}
