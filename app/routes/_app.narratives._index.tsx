import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from '@remix-run/react'
import * as Dialog from '@radix-ui/react-dialog'
import { FileText, Plus, Search } from 'lucide-react'
import { useEffect, useState } from 'react'
import { Avatar } from '#app/components/avatar.tsx'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { Field, FormMessage, isFormResult } from '#app/components/form.tsx'
import { STATUS_LABELS } from '#app/components/status-chip.tsx'
import { NarrativeRow } from '#app/components/narrative-row.tsx'
import { canCreateNarrative } from '#app/domain/policies.ts'
import { TEMPLATE_DEFINITIONS, TEMPLATES } from '#app/domain/templates.ts'
import { CreateNarrativeSchema, NARRATIVE_STATUSES, NarrativeListQuerySchema } from '#app/schemas/narratives.ts'
import { createNarrative, listNarrativesFor } from '#app/services/narratives.server.ts'
import { listMembersOf } from '#app/services/workspaces.server.ts'
import { getPresenceOf } from '#app/document/live.ts'
import { timeAgo } from '#app/utils/format.ts'
import { useWorkspaceEvents } from '#app/utils/use-workspace-events.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm } from '#app/utils/http.server.ts'
import { requireWorkingMember } from '#app/utils/guards.server.ts'
import { requireRight } from '#app/utils/authorize.server.ts'

export const meta: MetaFunction = () => [{ title: 'Narratives · Accord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  return orThrowResponse(async () => {
    const url = new URL(request.url)
    const filter = parseOrThrow(NarrativeListQuerySchema, Object.fromEntries(url.searchParams))
    const [rows, members] = await Promise.all([listNarrativesFor(actor, filter), listMembersOf(actor)])
    const present = await getPresenceOf(rows.map((n) => n.id))
    return json({
      narratives: rows.map((n) => ({
        id: n.id,
        title: n.title,
        status: n.status,
        ownerName: n.ownerName,
        ownerId: n.ownerId,
        updatedAt: n.updatedAt.toISOString(),
        lastEditedByName: n.lastEditedByName,
        excerpt: n.excerpt,
        present: present.get(n.id) ?? [],
      })),
      owners: members.map((m) => ({ id: m.userId, name: m.name })),
      filter,
      can: { create: canCreateNarrative(actor) },
    })
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireWorkingMember(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    requireRight(actor, canCreateNarrative)
    const input = parseOrThrow(CreateNarrativeSchema, values)
    const narrative = await createNarrative(actor, input)
    return redirect(`/narratives/${narrative.id}`)
  })
}

function NewNarrativeDialog({ openInitially }: { openInitially: boolean }) {
  const data = useActionData<typeof action>()
  const result = isFormResult(data) ? data : null
  const [open, setOpen] = useState(openInitially || !!result)
  const busy = useNavigation().state === 'submitting'
  useEffect(() => {
    if (result) setOpen(true)
  }, [result])
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button className="button" type="button">
          <Plus size={16} aria-hidden /> New narrative
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-wide">
          <Dialog.Title asChild>
            <h2>New narrative</h2>
          </Dialog.Title>
          <Dialog.Description className="dialog-description">
            Start from a template. Each section comes with a hint of what belongs there.
          </Dialog.Description>
          <Form method="post" noValidate>
            <FormMessage result={result} />
            <Field name="title" label="Title" required result={result} placeholder="FY27 pipeline acceleration" autoFocus />
            <fieldset className="template-choices">
              <legend className="label">Template</legend>
              {TEMPLATES.map((key, i) => {
                const t = TEMPLATE_DEFINITIONS[key]
                return (
                  <label key={key} className="template-choice">
                    <input
                      type="radio"
                      name="template"
                      value={key}
                      defaultChecked={(result?.values.template ?? 'strategy') === key || (!result && i === 0)}
                      aria-label={t.name}
                    />
                    <span>
                      <strong>{t.name}</strong>
                      <span className="muted">{t.description}</span>
                    </span>
                  </label>
                )
              })}
              {result?.errors.template ? <span className="field-error">{result.errors.template.join(' ')}</span> : null}
            </fieldset>
            <div className="dialog-actions">
              <Dialog.Close asChild>
                <button type="button" className="button secondary">
                  Cancel
                </button>
              </Dialog.Close>
              <button type="submit" className="button" disabled={busy}>
                Create narrative
              </button>
            </div>
          </Form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

export default function NarrativesPage() {
  const { narratives, owners, filter, can } = useLoaderData<typeof loader>()
  const [params] = useSearchParams()
  const submit = useSubmit()
  const filtered = Boolean(filter.status || filter.owner || filter.q)
  // New, renamed or edited narratives and who is in them appear without a reload.
  useWorkspaceEvents((e) => e.type.startsWith('narrative'))
  return (
    <div className="page">
      <PageHeader
        title="Narratives"
        description="Strategy narratives, PR/FAQs and business reviews, written together and read before the meeting."
        actions={
          can.create && (narratives.length > 0 || filtered) ? <NewNarrativeDialog openInitially={params.get('new') === '1'} /> : null
        }
      />
      {narratives.length === 0 && !filtered ? (
        <EmptyState
          icon={FileText}
          title="Write your first strategy narrative"
          action={can.create ? <NewNarrativeDialog openInitially={false} /> : null}
        >
          <p>
            A narrative is the plan in prose: the summary, the business case, the goals it commits to and what it needs from the stack. The
            CMO and Marketing Ops write it together, live; sales, finance and leadership read it before the meeting.
          </p>
          {!can.create ? <p className="hint">Editors and owners start narratives; you will see them here.</p> : null}
        </EmptyState>
      ) : (
        <>
          <Form method="get" className="filters" onChange={(e) => submit(e.currentTarget, { replace: true })} role="search">
            <label className="search-box">
              <Search size={16} aria-hidden />
              <span className="visually-hidden">Search by title</span>
              <input type="search" name="q" defaultValue={filter.q ?? ''} placeholder="Search by title" />
            </label>
            <label>
              <span className="visually-hidden">Status</span>
              <select name="status" defaultValue={filter.status ?? ''} aria-label="Status">
                <option value="">All statuses</option>
                {NARRATIVE_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span className="visually-hidden">Owner</span>
              <select name="owner" defaultValue={filter.owner ?? ''} aria-label="Owner">
                <option value="">All owners</option>
                {owners.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </label>
          </Form>
          {narratives.length === 0 ? (
            <p className="muted empty-filter">No narratives match these filters.</p>
          ) : (
            <ul className="narrative-list" aria-label="Narratives">
              {narratives.map((n) => (
                <NarrativeRow
                  key={n.id}
                  narrative={n}
                  meta={`${n.ownerName} · edited ${timeAgo(n.updatedAt)}${n.lastEditedByName && n.lastEditedByName !== n.ownerName ? ` by ${n.lastEditedByName}` : ''}`}
                >
                  {n.present.length ? (
                    // One image named for everyone in it (the avatars themselves are aria-hidden): aria-label
                    // on a span without a role is prohibited and not announced.
                    <span className="presence" role="img" aria-label={`In it now: ${n.present.map((p) => p.name).join(', ')}`}>
                      {n.present.slice(0, 4).map((p) => (
                        <Avatar key={p.userId} id={p.userId} name={p.name} />
                      ))}
                    </span>
                  ) : null}
                </NarrativeRow>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  )
}
