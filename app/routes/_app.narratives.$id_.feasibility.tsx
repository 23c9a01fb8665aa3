import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useFetcher, useLoaderData } from '@remix-run/react'
import { AlertTriangle, ArrowLeft, ClipboardCheck, ListChecks, Trash2 } from 'lucide-react'
import { useState } from 'react'
import { z } from 'zod'
import { EmptyState } from '#app/components/empty-state.tsx'
import { FeasibilityChip, StatusIcon } from '#app/components/feasibility/chips.tsx'
import { FormDialog, TextAreaField } from '#app/components/feasibility/form-dialog.tsx'
import { Field, FormMessage, SelectField, isFormResult, type FormResult } from '#app/components/form.tsx'
import { StatusChip } from '#app/components/status-chip.tsx'
import { FEASIBILITY_STATUSES, STATUS_LABELS, STATUS_RANK } from '#app/domain/feasibility.ts'
import {
  ASSESSMENT_DECISIONS,
  DATA_OBJECTS,
  DECISION_LABELS,
  EFFORTS,
  MEASURE_LABELS,
  MEASURES,
  REQUIREMENT_KIND_LABELS,
  REQUIREMENT_KINDS,
  formatDay,
  type RequirementKind,
} from '#app/domain/inventory.ts'
import { canAssessFeasibility, canEditRequirements, canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { AssessmentInputSchema, InventoryIdSchema, RequirementInputSchema } from '#app/schemas/inventory.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import {
  addRequirement,
  assessRequirement,
  clearAssessment,
  getNarrativeFeasibility,
  removeRequirement,
} from '#app/services/feasibility.server.ts'
import { listCapabilitiesFor } from '#app/services/inventory/capabilities.server.ts'
import { listSystemsFor } from '#app/services/inventory/systems.server.ts'
import { readFormValues } from '#app/utils/body-readers.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, requireParam } from '#app/utils/http.server.ts'
import { timeAgo } from '#app/utils/format.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import stackStyles from '#app/styles/stack.css'
import { requireRight } from '#app/utils/authorize.server.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stackStyles }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Feasibility · ${data?.narrative.title ?? 'Narrative'} · Accord` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const f = await getNarrativeFeasibility(actor, requireParam(params, 'id', NarrativeIdSchema, 'Narrative'))
    // Names for the typeahead (the inventory is working material: not for readers).
    const [capabilities, systems] = f.can.edit ? await Promise.all([listCapabilitiesFor(actor), listSystemsFor(actor)]) : [[], []]
    return json({
      narrative: { id: f.narrative.id, title: f.narrative.title, status: f.narrative.status },
      overall: f.overall,
      // Worst first, so what needs attention leads (creation order otherwise).
      requirements: [...f.requirements].sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status]),
      capabilities: capabilities.map((c) => c.name),
      systems: systems.map((s) => s.name),
      can: { ...f.can, stack: canSeeWorkingMaterial(actor) },
    })
  })
}

const Intent = z.object({ intent: z.enum(['add', 'remove', 'assess', 'clear-assessment']) })

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const raw = await readFormValues(request)
  const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join(';') : v]))
  return formAction(values, async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    const { intent } = parseOrThrow(Intent, values)
    const narrative = await getNarrativeFor(actor, id)
    requireRight(actor, intent === 'add' || intent === 'remove' ? canEditRequirements(actor, narrative) : canAssessFeasibility(actor))
    if (intent === 'add') {
      await addRequirement(actor, id, parseOrThrow(RequirementInputSchema, values))
      return json({ ok: true as const, added: true })
    }
    const requirementId = parseOrThrow(InventoryIdSchema, values.requirementId)
    if (intent === 'remove') await removeRequirement(actor, { narrativeId: id, requirementId })
    else if (intent === 'assess')
      await assessRequirement(actor, { narrativeId: id, requirementId }, parseOrThrow(AssessmentInputSchema, values))
    else await clearAssessment(actor, { narrativeId: id, requirementId })
    return json({ ok: true as const })
  })
}

type Requirement = ReturnType<typeof useLoaderData<typeof loader>>['requirements'][number]

const TONE = { pass: 'pass', at_risk: 'risk', fail: 'fail', unknown: 'unknown' } as const

function AddRequirement({ capabilities, systems }: { capabilities: string[]; systems: string[] }) {
  const fetcher = useFetcher<unknown>()
  const [kind, setKind] = useState<RequirementKind>('capability')
  const result: FormResult | null = isFormResult(fetcher.data) ? fetcher.data : null
  const done = fetcher.state === 'idle' && fetcher.data && !result
  return (
    <section className="card" aria-labelledby="add-title">
      <div className="card-header">
        <div>
          <h2 id="add-title">Add a requirement</h2>
          <p>What the plan needs from the stack, and by when. Names not in the inventory are kept and show as unknown.</p>
        </div>
      </div>
      <div className="card-body">
        <fieldset className="segmented" aria-label="Kind of requirement">
          {REQUIREMENT_KINDS.map((k) => (
            <label key={k} className="segment">
              <input type="radio" name="kind-choice" value={k} checked={kind === k} onChange={() => setKind(k)} />
              <span>{REQUIREMENT_KIND_LABELS[k]}</span>
            </label>
          ))}
        </fieldset>
        {/* A fresh form after each success: the fields empty themselves. */}
        <fetcher.Form method="post" className="req-form" noValidate key={done ? String(Date.now()) : 'form'}>
          <input type="hidden" name="intent" value="add" />
          <input type="hidden" name="kind" value={kind} />
          <FormMessage result={result} />
          {kind === 'capability' ? (
            <>
              <Field
                name="capability"
                label="Capability"
                list="capability-names"
                result={result}
                placeholder="Multi-touch attribution"
                autoComplete="off"
              />
              <Field
                name="system"
                label="In system (optional)"
                list="system-names"
                result={result}
                placeholder="Any system"
                autoComplete="off"
              />
            </>
          ) : null}
          {kind === 'flow' ? (
            <>
              <Field name="from" label="From system" list="system-names" result={result} placeholder="Salesforce" autoComplete="off" />
              <Field name="to" label="To system" list="system-names" result={result} placeholder="Snowflake" autoComplete="off" />
              <fieldset className="checks">
                <legend className="label">Objects</legend>
                {DATA_OBJECTS.map((o) => (
                  <label key={o} className="check">
                    <input type="checkbox" name="objects" value={o} /> {o}
                  </label>
                ))}
                {result?.errors.objects ? <span className="field-error">{result.errors.objects.join(' ')}</span> : null}
              </fieldset>
            </>
          ) : null}
          {kind === 'data_quality' ? (
            <>
              <Field name="system" label="System" list="system-names" result={result} placeholder="Salesforce" autoComplete="off" />
              <div className="form-grid">
                <SelectField
                  name="object"
                  label="Object"
                  options={DATA_OBJECTS.map((o) => ({ value: o, label: o }))}
                  result={result}
                  defaultValue="contacts"
                />
                <SelectField
                  name="measure"
                  label="Measure"
                  options={MEASURES.map((m) => ({ value: m, label: MEASURE_LABELS[m] }))}
                  result={result}
                />
                <SelectField
                  name="op"
                  label="Bar"
                  options={[
                    { value: '', label: 'Natural (≤ for duplicates)' },
                    { value: 'at_most', label: 'At most' },
                    { value: 'at_least', label: 'At least' },
                  ]}
                  result={result}
                />
                <Field name="threshold" label="Threshold" inputMode="decimal" result={result} placeholder="2" />
              </div>
              <Field name="field" label="Field (fill rates)" result={result} placeholder="email" />
            </>
          ) : null}
          <Field name="neededBy" label="Needed by" type="date" result={result} />
          <Field name="note" label="Note" result={result} placeholder="Optional: why, for whom" />
          <button type="submit" className="button block" disabled={fetcher.state !== 'idle'}>
            {fetcher.state !== 'idle' ? 'Checking…' : 'Add and check'}
          </button>
        </fetcher.Form>
        <datalist id="capability-names">
          {capabilities.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <datalist id="system-names">
          {systems.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </div>
    </section>
  )
}

function AssessDialog({ r }: { r: Requirement }) {
  return (
    <FormDialog
      intent="assess"
      title="Assess this requirement"
      description={`${r.summary}. Marketing Ops' judgement sits beside the automatic check; if the inventory changes under it, it is flagged for another look.`}
      submitLabel="Save assessment"
      trigger={
        <button className="button secondary small" type="button">
          <ClipboardCheck size={14} aria-hidden /> {r.assessment ? 'Reassess' : 'Assess'}
        </button>
      }
    >
      {(result) => (
        <>
          <input type="hidden" name="requirementId" value={r.id} />
          <fieldset className="effort-choices" aria-label="Decision">
            <legend className="label">Decision</legend>
            {ASSESSMENT_DECISIONS.map((d) => (
              <label key={d} className="segment-pill">
                <input
                  type="radio"
                  name="decision"
                  value={d}
                  defaultChecked={(result?.values.decision ?? r.assessment?.decision ?? 'confirm') === d}
                />
                <span>{d === 'confirm' ? 'Confirm' : d === 'accept_risk' ? 'Accept risk' : 'Block'}</span>
              </label>
            ))}
          </fieldset>
          <fieldset className="effort-choices" aria-label="Effort">
            <legend className="label">Effort</legend>
            {EFFORTS.map((e) => (
              <label key={e} className="segment-pill">
                <input type="radio" name="effort" value={e} defaultChecked={(result?.values.effort ?? r.assessment?.effort ?? 'M') === e} />
                <span>{e}</span>
              </label>
            ))}
          </fieldset>
          <TextAreaField
            id={`assess-note-${r.id}`}
            name="note"
            label="Note"
            result={result}
            defaultValue={r.assessment?.note ?? ''}
            hint="What it takes, what you would change in the plan."
          />
        </>
      )}
    </FormDialog>
  )
}

const DECISION_STATUS = { confirm: 'pass', accept_risk: 'at_risk', block: 'fail' } as const

function RequirementCard({ r, canEdit, canAssess }: { r: Requirement; canEdit: boolean; canAssess: boolean }) {
  const remove = useFetcher()
  const removing = remove.state !== 'idle'
  return (
    <li className={`card req tone-${TONE[r.status]}`} data-testid="requirement" aria-busy={removing || undefined}>
      <div className="req-head">
        <div>
          <h3 className="req-title">{r.summary}</h3>
          <p className="req-meta">
            {REQUIREMENT_KIND_LABELS[r.kind]}
            {r.neededBy ? ` · needed by ${formatDay(r.neededBy)}` : ' · no date'}
            {r.note ? ` · ${r.note}` : ''}
          </p>
        </div>
        <FeasibilityChip status={r.status} />
      </div>
      <ul className="reasons" aria-label="Reasons">
        {r.reasons.map((x, i) => (
          <li key={i}>
            <StatusIcon status={x.status} />
            <span>{x.message.charAt(0).toUpperCase() + x.message.slice(1)}</span>
          </li>
        ))}
      </ul>
      {r.assessment ? (
        <div className="assessment">
          <div className="assessment-head">
            <FeasibilityChip
              status={DECISION_STATUS[r.assessment.decision]}
              label={DECISION_LABELS[r.assessment.decision]}
              title="Marketing Ops' assessment"
            />
            {r.assessment.effort ? <span className="chip neutral">Effort {r.assessment.effort}</span> : null}
            <span className="muted">
              {r.assessment.assessedBy.name ?? 'Someone'} · {timeAgo(r.assessment.assessedAt)}
            </span>
            {r.assessment.stale ? (
              <span className="stale">
                <AlertTriangle size={14} aria-hidden /> The inventory changed since (was{' '}
                {STATUS_LABELS[r.assessment.statusAt].toLowerCase()})
              </span>
            ) : null}
          </div>
          {r.assessment.note ? <p>{r.assessment.note}</p> : null}
        </div>
      ) : null}
      {canEdit || canAssess ? (
        <div className="req-actions">
          {canAssess ? <AssessDialog r={r} /> : null}
          {canEdit ? (
            <remove.Form method="post">
              <input type="hidden" name="intent" value="remove" />
              <input type="hidden" name="requirementId" value={r.id} />
              <button className="button ghost small" type="submit" disabled={removing} aria-label={`Remove requirement: ${r.summary}`}>
                <Trash2 size={14} aria-hidden /> Remove
              </button>
            </remove.Form>
          ) : null}
        </div>
      ) : null}
    </li>
  )
}

export default function NarrativeFeasibilityPage() {
  const { narrative, overall, requirements, capabilities, systems, can } = useLoaderData<typeof loader>()
  // An inventory change anywhere, or a change to this narrative's requirements, re-checks the page.
  useWorkspaceEvents((e) => e.type === 'inventory.changed' || (e.type === 'feasibility.changed' && e.narrativeId === narrative.id))
  const counts = FEASIBILITY_STATUSES.map((s) => [s, requirements.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0)
  const stale = requirements.filter((r) => r.assessment?.stale).length
  return (
    <div className="page page-wide">
      <Link to={`/narratives/${narrative.id}`} className="back-link">
        <ArrowLeft size={14} aria-hidden /> {narrative.title}
      </Link>
      <header className="feas-header">
        <div>
          <h1>Feasibility</h1>
          <p className="muted">
            What “{narrative.title}” needs from the tech stack, checked against the inventory
            {can.stack ? (
              <>
                {' '}
                (<Link to="/stack">Tech stack</Link>)
              </>
            ) : null}
            . Results update as the inventory changes.
          </p>
        </div>
        <div className="feas-counts">
          <StatusChip status={narrative.status} />
          <span className="muted">Overall</span>
          <span data-testid="overall">
            <FeasibilityChip status={overall} size="large" />
          </span>
        </div>
      </header>
      {requirements.length ? (
        <p className="feas-summary muted" aria-live="polite">
          {requirements.length} requirement{requirements.length === 1 ? '' : 's'}:{' '}
          {counts.map(([s, n]) => `${n} ${STATUS_LABELS[s].toLowerCase()}`).join(' · ')}
          {stale ? ` · ${stale} assessment${stale === 1 ? '' : 's'} to review` : ''}
        </p>
      ) : null}
      <div className={can.edit ? 'feas-grid' : undefined}>
        <div>
          {requirements.length ? (
            <ul className="req-list" aria-label="Requirements">
              {requirements.map((r) => (
                <RequirementCard key={r.id} r={r} canEdit={can.edit} canAssess={can.assess} />
              ))}
            </ul>
          ) : (
            <EmptyState icon={ListChecks} title="State what this plan needs from the stack">
              <p>
                List the capabilities, data flows and data-quality bars the plan relies on, each with the date it is needed. Accord checks
                them against the tech-stack inventory and says what passes, what is at risk and what cannot work today, with the reason.
              </p>
              {!can.edit ? <p className="hint">Owners and editors state requirements; you will see them here.</p> : null}
            </EmptyState>
          )}
        </div>
        {can.edit ? <AddRequirement capabilities={capabilities} systems={systems} /> : null}
      </div>
    </div>
  )
}
