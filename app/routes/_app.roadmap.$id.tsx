import * as Dialog from '@radix-ui/react-dialog'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Link, useFetcher, useLoaderData, useLocation, useNavigate, useRouteLoaderData } from '@remix-run/react'
import { FileText, Pencil, Trash2, X } from 'lucide-react'
import { z } from 'zod'
import { CommentThreads } from '#app/components/comments/CommentThreads.tsx'
import { FormDialog } from '#app/components/feasibility/form-dialog.tsx'
import { isFormResult } from '#app/components/form.tsx'
import { InitiativeFields } from '#app/components/roadmap/InitiativeFields.tsx'
import {
  InitiativeFeasibility,
  InitiativeStatusChip,
  InputSummary,
  ScoreBreakdownView,
  StanceChip,
  STANCE_ICON,
  type Initiative,
} from '#app/components/roadmap/parts.tsx'
import { notFound } from '#app/domain/errors.ts'
import { EFFORT_LABELS, formatChange, formatScore, STANCES, STANCE_LABELS } from '#app/domain/prioritisation.ts'
import { CommentIntentSchema, NewCommentSchema } from '#app/schemas/comments.ts'
import { InitiativeIdSchema, InitiativePatchSchema, StanceInputSchema } from '#app/schemas/roadmap.ts'
import {
  deleteInitiative,
  getInitiativeDetailFor,
  runInitiativeCommentIntent,
  setStance,
  updateInitiative,
  withdrawStance,
} from '#app/services/roadmap.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm, requireParam } from '#app/utils/http.server.ts'
import { safeRedirect } from '#app/utils/redirect.ts'
import type { loader as roadmapLoader } from './_app.roadmap.tsx'
import { canComment, canEditRoadmap, canGiveStance } from '#app/domain/policies.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.initiative.title ?? 'Initiative'} · Roadmap · Accord` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return json(await orThrowResponse(() => getInitiativeDetailFor(actor, requireParam(params, 'id', InitiativeIdSchema, 'Initiative'))))
}

const COMMENT_INTENTS = new Set(['start', 'reply', 'edit', 'delete', 'resolve', 'reopen'])

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const id = requireParam(params, 'id', InitiativeIdSchema, 'Initiative')
    const intent = values.intent ?? ''
    requireRight(
      actor,
      COMMENT_INTENTS.has(intent) ? canComment : intent === 'stance' || intent === 'withdraw' ? canGiveStance : canEditRoadmap,
    )
    await requireRow(actor, 'initiatives', { id })
    if (intent === 'start') {
      const { body } = parseOrThrow(NewCommentSchema, values)
      return json({ ok: true as const, ...(await runInitiativeCommentIntent(actor, id, { intent: 'new', body })) })
    }
    if (COMMENT_INTENTS.has(intent)) {
      return json({ ok: true as const, ...(await runInitiativeCommentIntent(actor, id, parseOrThrow(CommentIntentSchema, values))) })
    }
    switch (parseOrThrow(z.object({ intent: z.enum(['stance', 'withdraw', 'update', 'delete']) }), values).intent) {
      case 'stance':
        await setStance(actor, id, parseOrThrow(StanceInputSchema, values))
        return json({ ok: true as const })
      case 'withdraw':
        await withdrawStance(actor, id)
        return json({ ok: true as const })
      case 'update':
        await updateInitiative(actor, id, parseOrThrow(InitiativePatchSchema, values))
        return json({ ok: true as const })
      case 'delete': {
        await deleteInitiative(actor, id)
        const back = new URL(request.url).searchParams.get('back') ?? ''
        return redirect(back.startsWith('?') ? safeRedirect(`/roadmap${back}`, '/roadmap') : '/roadmap')
      }
    }
    throw notFound('Intent')
  })
}

export default function InitiativeDrawer() {
  const data = useLoaderData<typeof loader>()
  const roadmap = useRouteLoaderData<typeof roadmapLoader>('routes/_app.roadmap')
  const initiative = data.initiative as unknown as Initiative
  const navigate = useNavigate()
  const location = useLocation()
  const back = `/roadmap${location.search}`
  const action = `/roadmap/${initiative.id}`
  const mine = data.stances.find((s) => s.mine)

  return (
    <Dialog.Root open onOpenChange={(open) => (!open ? navigate(back, { preventScrollReset: true }) : undefined)}>
      <Dialog.Portal>
        <Dialog.Overlay className="drawer-overlay" />
        <Dialog.Content className="drawer" aria-describedby={undefined}>
          <header className="drawer-header">
            <div className="drawer-kicker">
              <span>{initiative.timeframeLabel}</span>
              <span aria-hidden>·</span>
              <span>Rank {initiative.rank}</span>
            </div>
            <Dialog.Title asChild>
              <h2>{initiative.title}</h2>
            </Dialog.Title>
            <div className="row drawer-meta">
              <InitiativeStatusChip status={initiative.status} />
              <InitiativeFeasibility feasibility={initiative.feasibility} />
              <span className="muted small">{initiative.owner ? `Owner: ${initiative.owner.name}` : 'No owner'}</span>
              <span className="muted small">
                Effort{' '}
                {initiative.effortWeeks
                  ? `${initiative.effortWeeks} person-weeks (${initiative.effort})`
                  : EFFORT_LABELS[initiative.effort]}
              </span>
            </div>
            <div className="drawer-actions">
              {data.can.edit && roadmap ? (
                <FormDialog
                  trigger={
                    <button type="button" className="button secondary small">
                      <Pencil size={14} aria-hidden /> Edit
                    </button>
                  }
                  title="Edit initiative"
                  action={action}
                  intent="update"
                  submitLabel="Save"
                >
                  {(result) => (
                    <InitiativeFields
                      result={result}
                      options={{
                        members: roadmap.members,
                        metrics: roadmap.metrics,
                        narratives: roadmap.narratives,
                        quarters: roadmap.quarters,
                      }}
                      initial={{ ...initiative, ownerId: initiative.owner?.id ?? null, narrativeId: initiative.narrative?.id ?? null }}
                    />
                  )}
                </FormDialog>
              ) : null}
              {data.can.edit ? (
                <FormDialog
                  trigger={
                    <button type="button" className="button ghost small" aria-label="Delete initiative">
                      <Trash2 size={14} aria-hidden />
                    </button>
                  }
                  title="Delete this initiative?"
                  description="Its expected impacts, stances and discussion are deleted with it. This cannot be undone."
                  action={`${action}?back=${encodeURIComponent(location.search)}`}
                  intent="delete"
                  submitLabel="Delete"
                  danger
                >
                  {() => null}
                </FormDialog>
              ) : null}
              <Dialog.Close asChild>
                <button type="button" className="button ghost small" aria-label="Close">
                  <X size={16} aria-hidden />
                </button>
              </Dialog.Close>
            </div>
          </header>

          <div className="drawer-body">
            {initiative.description ? <p className="drawer-description">{initiative.description}</p> : null}
            {initiative.narrative ? (
              <p className="drawer-link">
                <FileText size={14} aria-hidden /> Narrative:{' '}
                <Link to={`/narratives/${initiative.narrative.id}`}>{initiative.narrative.title}</Link>
              </p>
            ) : null}

            <section aria-labelledby="impacts-h">
              <h3 id="impacts-h">Expected impact</h3>
              {initiative.impacts.length ? (
                <ul className="impact-list">
                  {initiative.impacts.map((i, n) => (
                    <li key={n}>
                      <span className="impact-change">{formatChange(i.expectedChange)}</span>{' '}
                      {i.metricId ? <Link to={`/metrics/${i.metricKey}`}>{i.metricName}</Link> : <span>{i.metricKey}</span>}
                      <span className="muted small"> · {Math.round(i.confidence * 100)}% confident</span>
                      {i.metricId ? null : <span className="muted small"> · not in the metric dictionary</span>}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">
                  No expected impact yet. {data.can.edit ? 'Edit the initiative to say which shared metric it moves.' : ''}
                </p>
              )}
            </section>

            <section aria-labelledby="score-h">
              <h3 id="score-h">
                Priority score <span className="score-big">{formatScore(initiative.breakdown.score)}</span>
              </h3>
              <ScoreBreakdownView breakdown={initiative.breakdown} />
              <p className="muted small">
                {initiative.feasibility.source === 'narrative'
                  ? 'Feasibility comes from the linked narrative’s requirements (initiatives do not state their own yet).'
                  : 'Link a narrative to see whether the tech stack can support this.'}
              </p>
            </section>

            <section aria-labelledby="input-h">
              <h3 id="input-h">Input by function</h3>
              <InputSummary input={initiative.input} />
              {data.can.stance ? <StanceForm action={action} mine={mine} myFunction={data.myFunction} /> : null}
              {data.stances.length ? (
                <ul className="stance-list">
                  {data.stances.map((s) => {
                    const Icon = STANCE_ICON[s.stance]
                    return (
                      <li key={s.userId} className={`stance-item ${s.stance}`}>
                        <Icon size={16} aria-hidden />
                        <div>
                          <p>
                            <strong>{s.name}</strong> <span className="muted small">{s.functionLabel}</span> · {STANCE_LABELS[s.stance]}
                          </p>
                          <p className="stance-reason">{s.reason}</p>
                        </div>
                      </li>
                    )
                  })}
                </ul>
              ) : null}
            </section>

            <section aria-labelledby="discussion-h">
              <h3 id="discussion-h">Discussion</h3>
              <CommentThreads threads={data.threads} members={data.members} canComment={data.can.comment} action={action} allowNewThread />
            </section>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

function StanceForm({
  action,
  mine,
  myFunction,
}: {
  action: string
  mine?: { stance: string; reason: string }
  myFunction: string | null
}) {
  const fetcher = useFetcher<unknown>()
  const result = isFormResult(fetcher.data) ? fetcher.data : null
  const busy = fetcher.state !== 'idle'
  return (
    <fetcher.Form method="post" action={action} className="stance-form" key={mine ? `${mine.stance}:${mine.reason}` : 'none'}>
      <input type="hidden" name="intent" value="stance" />
      <fieldset>
        <legend>
          {mine ? 'Your input' : 'Give your input'}
          {myFunction ? <span className="muted small"> as {myFunction}</span> : null}
        </legend>
        <div className="stance-choices">
          {STANCES.map((s) => (
            <label key={s} className={`stance-choice ${s}`}>
              <input type="radio" name="stance" value={s} defaultChecked={(mine?.stance ?? 'support') === s} />
              <StanceChip stance={s} />
            </label>
          ))}
        </div>
        <label htmlFor="stance-reason" className="visually-hidden">
          Reason
        </label>
        <textarea
          id="stance-reason"
          name="reason"
          rows={2}
          defaultValue={result?.values.reason ?? mine?.reason ?? ''}
          placeholder="Why? One sentence of evidence helps more than volume."
          aria-invalid={result?.errors.reason ? true : undefined}
        />
        {result?.errors.reason ? (
          <span className="field-error" role="alert">
            {result.errors.reason.join(' ')}
          </span>
        ) : null}
        <div className="row">
          <button type="submit" className="button small" disabled={busy}>
            {busy ? 'Saving…' : mine ? 'Update my input' : 'Give input'}
          </button>
          {mine ? (
            <button type="submit" name="intent" value="withdraw" className="button ghost small" disabled={busy}>
              Withdraw
            </button>
          ) : null}
        </div>
      </fieldset>
    </fetcher.Form>
  )
}
