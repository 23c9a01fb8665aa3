import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Layers, Plus, Upload } from 'lucide-react'
import { EmptyState } from '#app/components/empty-state.tsx'
import { LifecycleChip } from '#app/components/feasibility/chips.tsx'
import { ExportLink, FormDialog } from '#app/components/feasibility/form-dialog.tsx'
import { SystemFields } from '#app/components/feasibility/system-fields.tsx'
import { CATEGORY_LABELS, formatDay } from '#app/domain/inventory.ts'
import { SystemInputSchema } from '#app/schemas/inventory.ts'
import { createSystem, listOwnerChoices, listSystemsFor } from '#app/services/inventory/systems.server.ts'
import { inventoryAbilities } from '#app/services/inventory/write.server.ts'
import { todayIso } from '#app/services/feasibility.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    const [systems, members] = await Promise.all([listSystemsFor(actor), listOwnerChoices(actor)])
    return json({
      systems: systems.map((s) => ({ ...s, updatedAt: s.updatedAt.toISOString() })),
      members: members.map((m) => ({ id: m.id, name: m.name })),
      today: todayIso(),
      can: inventoryAbilities(actor),
    })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    requireRight(actor, canEditInventory)
    const id = await createSystem(actor, parseOrThrow(SystemInputSchema, values))
    return redirect(`/stack/systems/${id}`)
  })
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 })

function daysBetween(a: string, b: string) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)
}

export function NewSystemDialog({ members, label = 'New system' }: { members: { id: string; name: string }[]; label?: string }) {
  return (
    <FormDialog
      action="/stack?index"
      intent="create"
      title="New system"
      description="A tool in the stack. Lifecycle and renewal dates feed every feasibility check."
      submitLabel="Add system"
      trigger={
        <button className="button" type="button">
          <Plus size={16} aria-hidden /> {label}
        </button>
      }
    >
      {(result) => <SystemFields result={result} members={members} />}
    </FormDialog>
  )
}

export default function SystemsPage() {
  const { systems, members, today, can } = useLoaderData<typeof loader>()
  if (systems.length === 0) {
    return (
      <EmptyState
        icon={Layers}
        title="Record the systems your plans rely on"
        action={
          can.edit ? (
            <div className="row center">
              <NewSystemDialog members={members} label="Add the first system" />
              <Link to="/stack/import" className="button secondary">
                <Upload size={16} aria-hidden /> Import a CSV
              </Link>
            </div>
          ) : null
        }
      >
        <p>
          Start with the CRM and marketing automation platform, then the tools around them. For each system note its lifecycle and renewal
          date, what it can do and how it connects to the others. Narratives are then checked against this inventory, so a plan never
          promises what the stack cannot deliver.
        </p>
        {!can.edit ? <p className="hint">Owners and editors (usually Marketing Ops) keep the inventory; you will see it here.</p> : null}
      </EmptyState>
    )
  }
  const active = systems.filter((s) => s.lifecycle === 'active')
  const spend = systems.filter((s) => s.lifecycle !== 'retired').reduce((sum, s) => sum + (s.annualCost ?? 0), 0)
  const renewals = systems.filter((s) => s.renewalDate && s.renewalDate >= today && daysBetween(today, s.renewalDate) <= 90)
  const phasing = systems.filter((s) => s.lifecycle === 'phasing_out')
  return (
    <>
      <dl className="stat-strip">
        <div className="stat">
          <dt>Systems</dt>
          <dd>
            {systems.length}
            <span className="stat-sub">{active.length} active</span>
          </dd>
        </div>
        <div className="stat">
          <dt>Annual spend</dt>
          <dd>
            {money.format(spend)}
            <span className="stat-sub">excluding retired</span>
          </dd>
        </div>
        <div className="stat">
          <dt>Renewals in 90 days</dt>
          <dd>
            {renewals.length}
            <span className="stat-sub">{renewals.map((s) => s.name).join(', ') || 'none'}</span>
          </dd>
        </div>
        <div className="stat">
          <dt>Phasing out</dt>
          <dd>
            {phasing.length}
            <span className="stat-sub">{phasing.map((s) => s.name).join(', ') || 'none'}</span>
          </dd>
        </div>
      </dl>
      <section className="card">
        <div className="card-header">
          <div>
            <h2>Systems</h2>
            <p>Lifecycle, contract and seat utilisation of every tool in the stack.</p>
          </div>
          <div className="row">
            <ExportLink kind="systems" />
            {can.edit ? <NewSystemDialog members={members} /> : null}
          </div>
        </div>
        <div className="table-scroll">
          <table className="table systems-table">
            <thead>
              <tr>
                <th scope="col">System</th>
                <th scope="col">Category</th>
                <th scope="col">Lifecycle</th>
                <th scope="col">Owner</th>
                <th scope="col">Renewal</th>
                <th scope="col" className="num">
                  Annual cost
                </th>
                <th scope="col">Seats used</th>
                <th scope="col" className="num">
                  Narratives
                </th>
              </tr>
            </thead>
            <tbody>
              {systems.map((s) => {
                const soon = s.renewalDate && s.renewalDate >= today && daysBetween(today, s.renewalDate) <= 90
                return (
                  <tr key={s.id}>
                    <td>
                      <Link to={`/stack/systems/${s.id}`} className="system-link">
                        {s.name}
                      </Link>
                      {s.vendor && s.vendor !== s.name ? <span className="sub">{s.vendor}</span> : null}
                    </td>
                    <td className="muted">{CATEGORY_LABELS[s.category]}</td>
                    <td>
                      <LifecycleChip lifecycle={s.lifecycle} endDate={s.endDate} />
                    </td>
                    <td className="muted">{s.ownerName ?? '—'}</td>
                    <td className={soon ? 'renewal-soon' : 'muted'}>
                      {formatDay(s.renewalDate)}
                      {soon ? <span className="sub">in {daysBetween(today, s.renewalDate!)} days</span> : null}
                    </td>
                    <td className="num">{s.annualCost === null ? '—' : money.format(s.annualCost)}</td>
                    <td>
                      {s.utilisation === null ? (
                        <span className="muted">—</span>
                      ) : (
                        <span className="util" title={`${s.seatsUsed} of ${s.seatsPaid} seats used`}>
                          <span className="util-bar" aria-hidden>
                            <span
                              className={`util-fill${s.utilisation < 60 ? ' low' : ''}`}
                              style={{ width: `${Math.min(100, s.utilisation)}%` }}
                            />
                          </span>
                          <span className="util-text">
                            {s.utilisation}%{' '}
                            <span className="muted">
                              · {s.seatsUsed}/{s.seatsPaid}
                            </span>
                          </span>
                        </span>
                      )}
                    </td>
                    <td className="num">{s.dependents ? s.dependents : <span className="muted">0</span>}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  )
}
