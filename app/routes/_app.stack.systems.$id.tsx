import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Link, useFetcher, useLoaderData } from '@remix-run/react'
import { ArrowLeft, ArrowLeftRight, ArrowRight, Database, FileText, Pencil, Plus, Trash2 } from 'lucide-react'
import { FeasibilityChip, IntegrationStatusChip, LifecycleChip, SupportChip } from '#app/components/feasibility/chips.tsx'
import { FormDialog } from '#app/components/feasibility/form-dialog.tsx'
import { ImpactPreview } from '#app/components/feasibility/impact-preview.tsx'
import { SystemFields } from '#app/components/feasibility/system-fields.tsx'
import { Field, FormMessage, SelectField, isFormResult } from '#app/components/form.tsx'
import { StatusChip } from '#app/components/status-chip.tsx'
import { worst } from '#app/domain/feasibility.ts'
import {
  CATEGORY_LABELS,
  DATA_OBJECTS,
  MEASURE_LABELS,
  MEASURES,
  SUPPORT_LABELS,
  SUPPORT_LEVELS,
  formatDay,
  formatMeasureValue,
  measureLabel,
} from '#app/domain/inventory.ts'
import { FigureInputSchema, InventoryIdSchema, SupportInputSchema, SystemInputSchema } from '#app/schemas/inventory.ts'
import { setSupport } from '#app/services/inventory/capabilities.server.ts'
import {
  deleteFigure,
  deleteSystem,
  getSystemFor,
  listOwnerChoices,
  previewSystemChange,
  recordFigure,
  updateSystem,
} from '#app/services/inventory/systems.server.ts'
import { inventoryAbilities } from '#app/services/inventory/write.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm, requireParam } from '#app/utils/http.server.ts'
import { z } from 'zod'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight, requireRow } from '#app/utils/authorize.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.system.name ?? 'System'} · Tech stack · Accord` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    const [detail, members] = await Promise.all([
      getSystemFor(actor, requireParam(params, 'id', InventoryIdSchema, 'System')),
      listOwnerChoices(actor),
    ])
    return json({
      ...detail,
      system: { ...detail.system, updatedAt: detail.system.updatedAt.toISOString() },
      members,
      can: inventoryAbilities(actor),
    })
  })
}

const Intent = z.object({ intent: z.enum(['update', 'preview', 'delete', 'support', 'figure', 'delete-figure']) })

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const id = requireParam(params, 'id', InventoryIdSchema, 'System')
    const { intent } = parseOrThrow(Intent, values)
    requireRight(actor, canEditInventory)
    await requireRow(actor, 'systems', { id })
    switch (intent) {
      case 'update':
        await updateSystem(actor, id, parseOrThrow(SystemInputSchema, values))
        break
      case 'preview': {
        // What saving would break; an incomplete form has nothing to preview yet.
        const input = SystemInputSchema.safeParse(values)
        return json({ ok: true as const, impact: input.success ? await previewSystemChange(actor, id, input.data) : null })
      }
      case 'delete':
        await deleteSystem(actor, id, { confirm: values.confirm === 'yes' })
        return redirect('/stack')
      case 'support':
        await setSupport(actor, parseOrThrow(SupportInputSchema, { ...values, systemId: id }))
        break
      case 'figure':
        await recordFigure(actor, id, parseOrThrow(FigureInputSchema, values))
        break
      case 'delete-figure':
        await deleteFigure(actor, { systemId: id, figureId: parseOrThrow(InventoryIdSchema, values.figureId) })
        break
    }
    return json({ ok: true as const })
  })
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 })

function SupportEditor({ capabilities }: { capabilities: { id: string; name: string }[] }) {
  const fetcher = useFetcher<unknown>()
  const result = isFormResult(fetcher.data) ? fetcher.data : null
  return (
    <fetcher.Form method="post" className="inline-form compact" noValidate>
      <input type="hidden" name="intent" value="support" />
      <SelectField
        name="capabilityId"
        label="Capability"
        options={capabilities.map((c) => ({ value: c.id, label: c.name }))}
        result={result}
      />
      <SelectField
        name="level"
        label="Support"
        options={SUPPORT_LEVELS.map((l) => ({ value: l, label: SUPPORT_LABELS[l] }))}
        result={result}
        defaultValue="native"
      />
      <Field name="note" label="Note" result={result} placeholder="Optional" />
      <button className="button secondary" type="submit" disabled={fetcher.state !== 'idle'}>
        Set support
      </button>
      <FormMessage result={result} />
    </fetcher.Form>
  )
}

function FigureEditor() {
  const fetcher = useFetcher<unknown>()
  const result = isFormResult(fetcher.data) ? fetcher.data : null
  return (
    <fetcher.Form
      method="post"
      className="inline-form compact"
      noValidate
      key={fetcher.state === 'idle' && fetcher.data && !result ? 'done' : 'form'}
    >
      <input type="hidden" name="intent" value="figure" />
      <SelectField
        name="object"
        label="Object"
        options={DATA_OBJECTS.map((o) => ({ value: o, label: o }))}
        result={result}
        defaultValue="contacts"
      />
      <SelectField name="measure" label="Measure" options={MEASURES.map((m) => ({ value: m, label: MEASURE_LABELS[m] }))} result={result} />
      <Field name="field" label="Field" result={result} placeholder="email (fill rates)" />
      <Field name="value" label="Value" inputMode="decimal" result={result} placeholder="7" />
      <Field name="asOf" label="As of" type="date" result={result} defaultValue={new Date().toISOString().slice(0, 10)} />
      <button className="button secondary" type="submit" disabled={fetcher.state !== 'idle'}>
        Record
      </button>
      <FormMessage result={result} />
    </fetcher.Form>
  )
}

export default function SystemPage() {
  const { system, support, integrations, figures, dependents, members, can } = useLoaderData<typeof loader>()
  const supported = support.filter((s) => s.level !== 'none')
  const remove = useFetcher()
  const latest = new Map<string, (typeof figures)[number]>()
  for (const f of figures) {
    const key = `${f.object}|${f.measure}|${f.field}`
    if (!latest.has(key)) latest.set(key, f)
  }
  const dependentRequirements = dependents.reduce((n, d) => n + d.requirements, 0)
  return (
    <div className="system-page">
      <Link to="/stack" className="back-link">
        <ArrowLeft size={14} aria-hidden /> All systems
      </Link>
      <header className="system-header">
        <div>
          <h2 className="system-title">{system.name}</h2>
          <p className="muted">
            {[system.vendor, CATEGORY_LABELS[system.category]].filter(Boolean).join(' · ')}
            {system.ownerName ? ` · owned by ${system.ownerName}` : ''}
          </p>
        </div>
        <div className="row">
          <LifecycleChip lifecycle={system.lifecycle} endDate={system.endDate} />
          {can.edit ? (
            <>
              <FormDialog
                intent="update"
                title={`Edit ${system.name}`}
                description="Changes re-check every narrative that depends on this system."
                submitLabel="Save changes"
                trigger={
                  <button className="button secondary small" type="button">
                    <Pencil size={14} aria-hidden /> Edit
                  </button>
                }
              >
                {(result) => (
                  <>
                    <SystemFields result={result} members={members} system={system} />
                    <ImpactPreview />
                  </>
                )}
              </FormDialog>
              <FormDialog
                intent="delete"
                title={`Delete ${system.name}?`}
                danger
                description={
                  dependentRequirements
                    ? `${dependentRequirements} requirement${dependentRequirements === 1 ? '' : 's'} in ${dependents.length} narrative${dependents.length === 1 ? '' : 's'} rely on ${system.name}. They will fail with “system deleted”.`
                    : 'Its capabilities, integrations and data-quality figures go with it.'
                }
                submitLabel="Delete system"
                trigger={
                  <button className="button ghost small" type="button" aria-label={`Delete ${system.name}`}>
                    <Trash2 size={14} aria-hidden />
                  </button>
                }
              >
                {() => (
                  <>
                    <input type="hidden" name="confirm" value="yes" />
                    {dependents.length ? (
                      <ul className="plain-list">
                        {dependents.map((d) => (
                          <li key={d.narrativeId}>{d.title}</li>
                        ))}
                      </ul>
                    ) : null}
                  </>
                )}
              </FormDialog>
            </>
          ) : null}
        </div>
      </header>

      <div className="system-grid">
        <div className="system-main">
          <section className="card" aria-labelledby="deps-title">
            <div className="card-header">
              <div>
                <h2 id="deps-title">What depends on this</h2>
                <p>Narratives whose requirements rely on {system.name}: check them before changing its lifecycle.</p>
              </div>
            </div>
            {dependents.length ? (
              <ul className="dep-list">
                {dependents.map((d) => (
                  <li key={d.narrativeId}>
                    <FileText size={16} aria-hidden className="muted" />
                    <Link to={`/narratives/${d.narrativeId}/feasibility`}>{d.title}</Link>
                    <StatusChip status={d.narrativeStatus} />
                    <span className="muted">
                      {d.requirements} requirement{d.requirements === 1 ? '' : 's'}
                    </span>
                    <FeasibilityChip status={worst(d.statuses)} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="card-empty">
                No narrative relies on {system.name} yet. When one states a requirement it meets, it appears here.
              </p>
            )}
          </section>

          <section className="card" aria-labelledby="caps-title">
            <div className="card-header">
              <div>
                <h2 id="caps-title">Capabilities</h2>
                <p>What {system.name} can do, natively, partly or through an add-on.</p>
              </div>
              <Link to="/stack/capabilities" className="button ghost small">
                Matrix
              </Link>
            </div>
            {supported.length ? (
              <ul className="cap-list">
                {supported.map((s) => (
                  <li key={s.capability.id}>
                    <span className="cap-name">{s.capability.name}</span>
                    {s.note ? <span className="muted cap-note">{s.note}</span> : null}
                    <SupportChip level={s.level} />
                  </li>
                ))}
              </ul>
            ) : (
              <p className="card-empty">No capabilities recorded. {can.edit ? 'Add what it supports below.' : ''}</p>
            )}
            {can.edit ? (
              <div className="card-foot">
                <SupportEditor capabilities={support.map((s) => s.capability)} />
              </div>
            ) : null}
          </section>

          <section className="card" aria-labelledby="int-title">
            <div className="card-header">
              <div>
                <h2 id="int-title">Integrations</h2>
                <p>Data flowing into and out of {system.name}.</p>
              </div>
              {can.edit ? (
                <Link to={`/stack/integrations?from=${system.id}`} className="button ghost small">
                  <Plus size={14} aria-hidden /> Add
                </Link>
              ) : null}
            </div>
            {integrations.length ? (
              <ul className="int-list">
                {integrations.map((i) => {
                  const outgoing = i.fromSystemId === system.id
                  const other = outgoing ? { id: i.toSystemId, name: i.toName } : { id: i.fromSystemId, name: i.fromName }
                  const Arrow = i.direction === 'two_way' ? ArrowLeftRight : outgoing ? ArrowRight : ArrowLeft
                  return (
                    <li key={i.id}>
                      <Arrow size={16} aria-label={i.direction === 'two_way' ? 'two-way' : outgoing ? 'to' : 'from'} className="muted" />
                      <Link to={`/stack/systems/${other.id}`}>{other.name}</Link>
                      <span className="muted">
                        {i.objects.join(', ')}
                        {i.name ? ` · ${i.name}` : ''}
                      </span>
                      <IntegrationStatusChip status={i.status} liveFrom={i.liveFrom} />
                    </li>
                  )
                })}
              </ul>
            ) : (
              <p className="card-empty">No integrations recorded. Data that cannot reach where it is needed makes plans fail.</p>
            )}
          </section>

          <section className="card" aria-labelledby="dq-title">
            <div className="card-header">
              <div>
                <h2 id="dq-title">Data quality</h2>
                <p>Duplicates and missing fields break segmentation, personalisation and ABM. Latest figure per measure.</p>
              </div>
            </div>
            {latest.size ? (
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Object</th>
                    <th scope="col">Measure</th>
                    <th scope="col" className="num">
                      Value
                    </th>
                    <th scope="col">As of</th>
                    {can.edit ? (
                      <th scope="col" className="visually-hidden">
                        Actions
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {[...latest.values()].map((f) => (
                    <tr key={f.id}>
                      <td>{f.object}</td>
                      <td>{measureLabel(f.measure, f.field)}</td>
                      <td className="num">{formatMeasureValue(f.measure, f.value)}</td>
                      <td className="muted">{formatDay(f.asOf)}</td>
                      {can.edit ? (
                        <td className="num">
                          <remove.Form method="post">
                            <input type="hidden" name="intent" value="delete-figure" />
                            <input type="hidden" name="figureId" value={f.id} />
                            <button
                              className="button ghost small"
                              type="submit"
                              aria-label={`Delete ${measureLabel(f.measure, f.field)} figure`}
                            >
                              <Trash2 size={14} aria-hidden />
                            </button>
                          </remove.Form>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="card-empty">
                <Database size={14} aria-hidden /> No figures yet. Record record counts, duplicate rates and fill rates so data-quality bars
                can be checked.
              </p>
            )}
            {can.edit ? (
              <div className="card-foot">
                <FigureEditor />
              </div>
            ) : null}
          </section>
        </div>

        <aside className="card facts" aria-label="Facts">
          <dl>
            <div>
              <dt>Lifecycle</dt>
              <dd>
                <LifecycleChip lifecycle={system.lifecycle} endDate={system.endDate} />
              </dd>
            </div>
            <div>
              <dt>Contract renewal</dt>
              <dd>{formatDay(system.renewalDate)}</dd>
            </div>
            <div>
              <dt>Annual cost</dt>
              <dd>{system.annualCost === null ? '—' : money.format(system.annualCost)}</dd>
            </div>
            <div>
              <dt>Seats</dt>
              <dd>
                {system.utilisation === null ? (
                  '—'
                ) : (
                  <span className="util">
                    <span className="util-bar" aria-hidden>
                      <span
                        className={`util-fill${system.utilisation < 60 ? ' low' : ''}`}
                        style={{ width: `${Math.min(100, system.utilisation)}%` }}
                      />
                    </span>
                    <span className="util-text">
                      {system.seatsUsed} of {system.seatsPaid} used ({system.utilisation}%)
                    </span>
                  </span>
                )}
              </dd>
            </div>
            <div>
              <dt>Owner</dt>
              <dd>{system.ownerName ?? '—'}</dd>
            </div>
            {system.notes ? (
              <div>
                <dt>Notes</dt>
                <dd className="notes">{system.notes}</dd>
              </div>
            ) : null}
          </dl>
        </aside>
      </div>
    </div>
  )
}
