import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { ArrowLeft, GitCompare } from 'lucide-react'
import { z } from 'zod'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { canSeeVersions } from '#app/domain/policies.ts'
import { contentProblemFor, diffVersionsFor, getVersionFor, listVersionsFor, repairNarrative } from '#app/services/versions.server.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formAction, orThrowResponse, parseOrThrow, readForm, requireParam } from '#app/utils/http.server.ts'
import { DiffText } from '#app/components/diff-text.tsx'
import { timeAgo } from '#app/utils/format.ts'
import reviewStyles from '../styles/review.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStyles }]
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Versions · ${data?.narrative.title ?? 'Narrative'} · Accord` }]

const QuerySchema = z.union([
  z.object({ from: z.uuid('Not a version id'), to: z.uuid('Not a version id') }),
  z.object({ v: z.uuid('Not a version id') }),
  // No version named: the newest one.
  z.object({}).strict(),
])

const KIND: Record<string, string> = {
  checkpoint: 'Checkpoint',
  named: 'Named version',
  review: 'Sent to review',
  approved: 'Approved',
  restore: 'Restore',
}
const label = (v: { number: number; kind: string; name: string }) => `v${v.number} · ${v.name || KIND[v.kind]}`

/**
 * /narratives/ID/versions?v=VID shows one version (server-rendered HTML), ?from=A&to=B the word
 * diff between two, no query the newest. Owners also see a repair form when the current text holds
 * content the document schema refuses.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    const narrative = await getNarrativeFor(actor, id)
    const query = parseOrThrow(QuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    // Every version to compare any two (readers, who only open approved versions, get no picker).
    const [choices, problem] = await Promise.all([
      canSeeVersions(actor)
        ? listVersionsFor(actor, narrative.id).then((l) => l.versions.map((v) => ({ id: v.id, label: label(v) })))
        : Promise.resolve<{ id: string; label: string }[]>([]),
      contentProblemFor(actor, narrative.id),
    ])
    const can = { repair: problem !== null }
    const newest = choices[0]?.id
    if ('v' in query || !('from' in query)) {
      const vid = 'v' in query ? query.v : newest
      if (!vid)
        return json({
          narrative: { id: narrative.id, title: narrative.title },
          can,
          problem,
          choices,
          selected: { from: '', to: '' },
          view: null,
          diff: null,
        })
      const v = await getVersionFor(actor, narrative.id, vid)
      return json({
        narrative: { id: narrative.id, title: narrative.title },
        can,
        problem,
        choices,
        selected: { from: choices[choices.findIndex((c) => c.id === v.id) + 1]?.id ?? v.id, to: v.id },
        view: { label: label(v), by: v.createdByName, at: v.createdAt.toISOString(), html: v.html },
        diff: null,
      })
    }
    const d = await diffVersionsFor(actor, narrative.id, query.from, query.to)
    return json({
      narrative: { id: narrative.id, title: narrative.title },
      can,
      problem,
      choices,
      selected: { from: d.from.id, to: d.to.id },
      view: null,
      diff: { from: label(d.from), to: label(d.to), parts: d.parts },
    })
  })
}

const ActionSchema = z.object({ intent: z.literal('repair') })

/** Owners: `intent=repair` removes the blocks the document schema refuses from the current text. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireActor(request)
  const values = await readForm(request)
  return formAction(values, async () => {
    const id = requireParam(params, 'id', NarrativeIdSchema, 'Narrative')
    parseOrThrow(ActionSchema, values)
    return json({ ok: true as const, ...(await repairNarrative(actor, id)) })
  })
}

export default function VersionsPage() {
  const { narrative, can, problem, choices, selected, view, diff } = useLoaderData<typeof loader>()
  const repaired = useActionData<typeof action>()
  return (
    <div className="page version-page">
      <p className="version-back">
        <Link to={`/narratives/${narrative.id}`} className="panel-link">
          <ArrowLeft size={14} aria-hidden /> Back to {narrative.title}
        </Link>
      </p>
      {can.repair || repaired ? (
        <Form method="post" className="inline-form repair-form" aria-label="Repair the narrative">
          {can.repair ? (
            <p className="muted">
              The current text holds content the editor cannot show ({problem}). Repair removes those blocks; the text before them stays in
              the version history.
            </p>
          ) : null}
          {can.repair ? (
            <button type="submit" name="intent" value="repair" className="button secondary">
              Repair narrative
            </button>
          ) : null}
          {repaired && !repaired.ok ? <p role="alert">{repaired.message}</p> : null}
          {repaired && 'dropped' in repaired ? (
            <p role="status">{repaired.dropped ? `Removed ${repaired.dropped} invalid block(s).` : 'Nothing to repair.'}</p>
          ) : null}
        </Form>
      ) : null}
      {choices.length > 1 ? (
        <Form method="get" className="inline-form compare-form" aria-label="Compare two versions" key={`${selected.from}-${selected.to}`}>
          <div className="field">
            <label htmlFor="compare-from">From</label>
            <select id="compare-from" name="from" defaultValue={selected.from}>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="compare-to">To</label>
            <select id="compare-to" name="to" defaultValue={selected.to}>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button secondary">
            <GitCompare size={14} aria-hidden /> Compare
          </button>
        </Form>
      ) : null}
      {view ? (
        <>
          <h1>{view.label}</h1>
          <p className="muted version-byline">
            {view.by ?? 'Accord'} ·{' '}
            <time dateTime={view.at} title={view.at}>
              {timeAgo(view.at)}
            </time>
          </p>
          {/* HTML rendered on the server by the headless editor from the frozen Yjs state. */}
          <article className="reading-doc" dangerouslySetInnerHTML={{ __html: view.html }} />
        </>
      ) : diff ? (
        <>
          <h1>
            {diff.from} → {diff.to}
          </h1>
          <p className="diff-legend">
            <span>
              <ins className="diff-added">added</ins>
            </span>
            <span>
              <del className="diff-removed">removed</del>
            </span>
          </p>
          <DiffText parts={diff.parts} />
        </>
      ) : null}
    </div>
  )
}
