import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useFetcher, useLoaderData } from '@remix-run/react'
import { Grid3x3, Plus, Trash2 } from 'lucide-react'
import { EmptyState } from '#app/components/empty-state.tsx'
import { SUPPORT_TONE } from '#app/components/feasibility/chips.tsx'
import { ExportLink, FormDialog, TextAreaField } from '#app/components/feasibility/form-dialog.tsx'
import { Field } from '#app/components/form.tsx'
import { SUPPORT_LABELS, SUPPORT_LEVELS, type SupportLevel } from '#app/domain/inventory.ts'
import { CapabilityInputSchema, InventoryIdSchema, SupportInputSchema } from '#app/schemas/inventory.ts'
import { createCapability, deleteCapability, getCapabilityMatrix, setSupport } from '#app/services/inventory/capabilities.server.ts'
import { inventoryAbilities } from '#app/services/inventory/write.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { z } from 'zod'
import { canEditInventory } from '#app/domain/policies.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

export const meta: MetaFunction = () => [{ title: 'Capabilities · Tech stack · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    const m = await getCapabilityMatrix(actor)
    return json({
      capabilities: m.capabilities,
      systems: m.systems.filter((s) => s.lifecycle !== 'retired').map((s) => ({ id: s.id, name: s.name, lifecycle: s.lifecycle })),
      support: m.support.map((s) => ({ systemId: s.systemId, capabilityId: s.capabilityId, level: s.level, note: s.note })),
      can: inventoryAbilities(actor),
    })
  })
}

const Intent = z.object({ intent: z.enum(['create', 'delete', 'support']) })

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const { intent } = parseOrThrow(Intent, values)
    requireRight(actor, canEditInventory)
    if (intent === 'create') await createCapability(actor, parseOrThrow(CapabilityInputSchema, values))
    else if (intent === 'delete') await deleteCapability(actor, parseOrThrow(InventoryIdSchema, values.capabilityId))
    else await setSupport(actor, parseOrThrow(SupportInputSchema, values))
    return json({ ok: true as const })
  })
}

const NEXT: Record<SupportLevel, SupportLevel> = { none: 'native', native: 'partial', partial: 'addon', addon: 'none' }
const RANK: Record<SupportLevel, number> = { native: 0, partial: 1, addon: 2, none: 3 }

function Cell({
  systemId,
  systemName,
  capabilityId,
  capabilityName,
  level,
  note,
  editable,
}: {
  systemId: string
  systemName: string
  capabilityId: string
  capabilityName: string
  level: SupportLevel
  note: string
  editable: boolean
}) {
  const fetcher = useFetcher()
  // Show the level being saved at once; the loader confirms it.
  const shown = (fetcher.formData?.get('level') as SupportLevel | null) ?? level
  const t = SUPPORT_TONE[shown]
  const label = `${systemName}, ${capabilityName}: ${SUPPORT_LABELS[shown]}${note ? ` (${note})` : ''}`
  const mark = shown === 'none' ? <span className="cell-none" aria-hidden /> : <t.Icon size={16} aria-hidden />
  if (!editable) {
    return (
      <td className={`cell tone-${t.tone}`} title={label}>
        {mark}
        <span className="visually-hidden">{SUPPORT_LABELS[shown]}</span>
      </td>
    )
  }
  return (
    <td className={`cell tone-${t.tone}`}>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="support" />
        <input type="hidden" name="systemId" value={systemId} />
        <input type="hidden" name="capabilityId" value={capabilityId} />
        <input type="hidden" name="level" value={NEXT[shown]} />
        <input type="hidden" name="note" value={note} />
        <button
          type="submit"
          className="cell-button"
          title={`${label}. Click for ${SUPPORT_LABELS[NEXT[shown]]}`}
          aria-label={`${label}. Change to ${SUPPORT_LABELS[NEXT[shown]]}`}
        >
          {mark}
        </button>
      </fetcher.Form>
    </td>
  )
}

export default function CapabilitiesPage() {
  const { capabilities, systems, support, can } = useLoaderData<typeof loader>()
  const remove = useFetcher()
  const level = new Map(support.map((s) => [`${s.systemId}|${s.capabilityId}`, s]))
  if (!systems.length) {
    return (
      <EmptyState
        icon={Grid3x3}
        title="Which system can do what"
        action={
          <Link to="/stack" className="button">
            Add systems first
          </Link>
        }
      >
        <p>
          The capability matrix shows, for each capability in your taxonomy, which systems support it natively, partly or only through an
          add-on. Add systems to fill it in.
        </p>
      </EmptyState>
    )
  }
  return (
    <section className="card">
      <div className="card-header">
        <div>
          <h2>Capability matrix</h2>
          <p>
            {capabilities.length} capabilities × {systems.length} systems.{' '}
            {can.edit ? 'Click a cell to cycle none → native → partial → via add-on.' : 'Hover a cell for the note.'}
          </p>
        </div>
        <div className="row">
          <ExportLink kind="support" />
          {can.edit ? (
            <FormDialog
              intent="create"
              title="New capability"
              description="Something a plan may need from the stack, e.g. “Predictive lead scoring”."
              submitLabel="Add capability"
              trigger={
                <button className="button" type="button">
                  <Plus size={16} aria-hidden /> New capability
                </button>
              }
            >
              {(result) => (
                <>
                  <Field name="name" label="Name" required result={result} autoFocus />
                  <TextAreaField name="description" label="Description" result={result} rows={2} />
                </>
              )}
            </FormDialog>
          ) : null}
        </div>
      </div>
      <div className="matrix-legend">
        {SUPPORT_LEVELS.map((l) => {
          const t = SUPPORT_TONE[l]
          return (
            <span key={l} className={`legend-item tone-${t.tone}`}>
              {l === 'none' ? <span className="cell-none" aria-hidden /> : <t.Icon size={14} aria-hidden />} {SUPPORT_LABELS[l]}
            </span>
          )
        })}
      </div>
      <div className="matrix-scroll">
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col" className="matrix-corner">
                Capability
              </th>
              <th scope="col" className="matrix-best">
                Best
              </th>
              {systems.map((s) => (
                <th key={s.id} scope="col" className="matrix-system">
                  <Link to={`/stack/systems/${s.id}`}>
                    <span>{s.name}</span>
                  </Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {capabilities.map((c) => {
              const best = systems.map((s) => level.get(`${s.id}|${c.id}`)?.level ?? 'none').sort((a, b) => RANK[a] - RANK[b])[0] ?? 'none'
              const bt = SUPPORT_TONE[best]
              return (
                <tr key={c.id} id={`capability-${c.id}`}>
                  <th scope="row" className="matrix-cap" title={c.description}>
                    <span>{c.name}</span>
                    {can.edit ? (
                      <remove.Form method="post" className="cap-remove">
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="capabilityId" value={c.id} />
                        <button
                          type="submit"
                          className="button ghost small"
                          aria-label={`Remove ${c.name} from the taxonomy`}
                          title="Remove from the taxonomy"
                        >
                          <Trash2 size={12} aria-hidden />
                        </button>
                      </remove.Form>
                    ) : null}
                  </th>
                  <td className={`matrix-best tone-${bt.tone}`}>
                    <span className={`chip ${best === 'none' ? 'unknown' : bt.tone}`}>
                      <bt.Icon aria-hidden />
                      {best === 'none' ? 'Missing' : SUPPORT_LABELS[best]}
                    </span>
                  </td>
                  {systems.map((s) => {
                    const row = level.get(`${s.id}|${c.id}`)
                    return (
                      <Cell
                        key={s.id}
                        systemId={s.id}
                        systemName={s.name}
                        capabilityId={c.id}
                        capabilityName={c.name}
                        level={row?.level ?? 'none'}
                        note={row?.note ?? ''}
                        editable={can.edit}
                      />
                    )
                  })}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}
