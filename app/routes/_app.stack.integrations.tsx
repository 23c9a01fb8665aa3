import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react'
import { ArrowLeftRight, ArrowRight, Plus, Trash2, Workflow } from 'lucide-react'
import { EmptyState } from '#app/components/empty-state.tsx'
import { IntegrationStatusChip } from '#app/components/feasibility/chips.tsx'
import { ExportLink, FormDialog } from '#app/components/feasibility/form-dialog.tsx'
import { Field, SelectField } from '#app/components/form.tsx'
import {
  DATA_OBJECTS,
  DIRECTION_LABELS,
  DIRECTIONS,
  FREQUENCIES,
  FREQUENCY_LABELS,
  INTEGRATION_STATUS_LABELS,
  INTEGRATION_STATUSES,
} from '#app/domain/inventory.ts'
import { IntegrationInputSchema, InventoryIdSchema } from '#app/schemas/inventory.ts'
import { createIntegration, deleteIntegration, listIntegrationsFor, patchIntegration } from '#app/services/inventory/integrations.server.ts'
import { listSystemsFor } from '#app/services/inventory/systems.server.ts'
import { inventoryAbilities } from '#app/services/inventory/write.server.ts'
import { readFormValues } from '#app/utils/body-readers.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { formAction, orThrowResponse, parseOrThrow } from '#app/utils/http.server.ts'
import { z } from 'zod'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

export const meta: MetaFunction = () => [{ title: 'Integrations · Tech stack · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    const [integrations, systems] = await Promise.all([listIntegrationsFor(actor), listSystemsFor(actor)])
    return json({
      integrations: integrations.map((i) => ({ ...i, updatedAt: i.updatedAt.toISOString() })),
      systems: systems.map((s) => ({ id: s.id, name: s.name })),
      can: inventoryAbilities(actor),
    })
  })
}

const Intent = z.object({ intent: z.enum(['create', 'delete', 'status']) })

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const raw = await readFormValues(request)
  const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join(';') : v]))
  return formAction(values, async () => {
    const { intent } = parseOrThrow(Intent, values)
    requireRight(actor, canEditInventory)
    if (intent === 'create') await createIntegration(actor, parseOrThrow(IntegrationInputSchema, values))
    else if (intent === 'delete') await deleteIntegration(actor, parseOrThrow(InventoryIdSchema, values.integrationId))
    else
      await patchIntegration(actor, parseOrThrow(InventoryIdSchema, values.integrationId), {
        status: values.status,
        liveFrom: values.liveFrom || null,
      })
    return json({ ok: true as const })
  })
}

function NewIntegrationDialog({ systems, from }: { systems: { id: string; name: string }[]; from: string | null }) {
  const options = systems.map((s) => ({ value: s.id, label: s.name }))
  return (
    <FormDialog
      intent="create"
      title="New integration"
      description="A data flow from one system to another. Paths through these flows decide whether a plan's data can arrive."
      submitLabel="Add integration"
      trigger={
        <button className="button" type="button">
          <Plus size={16} aria-hidden /> New integration
        </button>
      }
    >
      {(result) => (
        <div className="form-grid">
          <SelectField name="fromSystemId" label="From" options={options} result={result} defaultValue={from ?? systems[0]?.id} />
          <SelectField
            name="toSystemId"
            label="To"
            options={options}
            result={result}
            defaultValue={systems.find((s) => s.id !== from)?.id}
          />
          <fieldset className="span-2 checks">
            <legend className="label">Objects carried</legend>
            {DATA_OBJECTS.map((o) => (
              <label key={o} className="check">
                <input
                  type="checkbox"
                  name="objects"
                  value={o}
                  defaultChecked={(result?.values.objects ?? 'contacts').split(';').includes(o)}
                />{' '}
                {o}
              </label>
            ))}
            {result?.errors.objects ? <span className="field-error">{result.errors.objects.join(' ')}</span> : null}
          </fieldset>
          <SelectField
            name="direction"
            label="Direction"
            options={DIRECTIONS.map((d) => ({ value: d, label: DIRECTION_LABELS[d] }))}
            result={result}
          />
          <SelectField
            name="frequency"
            label="Frequency"
            options={FREQUENCIES.map((f) => ({ value: f, label: FREQUENCY_LABELS[f] }))}
            result={result}
            defaultValue="daily"
          />
          <SelectField
            name="status"
            label="Status"
            options={INTEGRATION_STATUSES.map((s) => ({ value: s, label: INTEGRATION_STATUS_LABELS[s] }))}
            result={result}
          />
          <Field name="liveFrom" label="Live from" type="date" result={result} hint="For planned integrations" />
          <div className="span-2">
            <Field name="name" label="Built with" result={result} placeholder="Native connector, Fivetran, Zapier…" />
          </div>
        </div>
      )}
    </FormDialog>
  )
}

/** A quiet control beside the status chip: pick another status and it is saved at once. */
function StatusSelect({ id, status, liveFrom, label }: { id: string; status: string; liveFrom: string | null; label: string }) {
  const fetcher = useFetcher()
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="status" />
      <input type="hidden" name="integrationId" value={id} />
      <input type="hidden" name="liveFrom" value={liveFrom ?? ''} />
      <select
        name="status"
        value=""
        onChange={(e) => fetcher.submit(e.currentTarget.form)}
        className="compact-select quiet-select"
        aria-label={`Change the status of ${label}`}
        disabled={fetcher.state !== 'idle'}
      >
        <option value="" disabled>
          {fetcher.state !== 'idle' ? 'Saving…' : 'Change…'}
        </option>
        {INTEGRATION_STATUSES.filter((s) => s !== status && (s !== 'planned' || liveFrom)).map((s) => (
          <option key={s} value={s}>
            {INTEGRATION_STATUS_LABELS[s]}
          </option>
        ))}
      </select>
    </fetcher.Form>
  )
}

export default function IntegrationsPage() {
  const { integrations, systems, can } = useLoaderData<typeof loader>()
  const [params] = useSearchParams()
  const remove = useFetcher()
  const from = params.get('from')
  if (!integrations.length) {
    return (
      <EmptyState
        icon={Workflow}
        title="Record how data moves between systems"
        action={
          can.edit && systems.length >= 2 ? (
            <NewIntegrationDialog systems={systems} from={from} />
          ) : can.edit ? (
            <Link to="/stack" className="button">
              Add two systems first
            </Link>
          ) : null
        }
      >
        <p>
          A plan that needs opportunities in the warehouse, or intent data in the CRM, depends on a working path between systems. Record
          each flow with the objects it carries, how often it runs and whether it is healthy.
        </p>
      </EmptyState>
    )
  }
  return (
    <section className="card">
      <div className="card-header">
        <div>
          <h2>Integrations</h2>
          <p>{integrations.length} data flows. Broken or disconnected flows never count as a path.</p>
        </div>
        <div className="row">
          <ExportLink kind="integrations" />
          {can.edit ? <NewIntegrationDialog systems={systems} from={from} /> : null}
        </div>
      </div>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Flow</th>
              <th scope="col">Objects</th>
              <th scope="col">Frequency</th>
              <th scope="col">Built with</th>
              <th scope="col">Status</th>
              {can.edit ? (
                <th scope="col" className="visually-hidden">
                  Actions
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {integrations.map((i) => (
              <tr key={i.id}>
                <td className="flow-cell">
                  <Link to={`/stack/systems/${i.fromSystemId}`}>{i.fromName}</Link>
                  {i.direction === 'two_way' ? (
                    <ArrowLeftRight size={14} aria-label="two-way with" />
                  ) : (
                    <ArrowRight size={14} aria-label="to" />
                  )}
                  <Link to={`/stack/systems/${i.toSystemId}`}>{i.toName}</Link>
                </td>
                <td>
                  <span className="tags">
                    {i.objects.map((o) => (
                      <span key={o} className="tag">
                        {o}
                      </span>
                    ))}
                  </span>
                </td>
                <td className="muted">{FREQUENCY_LABELS[i.frequency]}</td>
                <td className="muted">{i.name || '—'}</td>
                <td>
                  {can.edit ? (
                    <span className="row nowrap">
                      <IntegrationStatusChip status={i.status} liveFrom={i.liveFrom} />
                      <StatusSelect id={i.id} status={i.status} liveFrom={i.liveFrom} label={`${i.fromName} to ${i.toName}`} />
                    </span>
                  ) : (
                    <IntegrationStatusChip status={i.status} liveFrom={i.liveFrom} />
                  )}
                </td>
                {can.edit ? (
                  <td className="num">
                    <remove.Form method="post">
                      <input type="hidden" name="intent" value="delete" />
                      <input type="hidden" name="integrationId" value={i.id} />
                      <button className="button ghost small" type="submit" aria-label={`Delete ${i.fromName} to ${i.toName}`}>
                        <Trash2 size={14} aria-hidden />
                      </button>
                    </remove.Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
