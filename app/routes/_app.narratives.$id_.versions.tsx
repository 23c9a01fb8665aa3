import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ArrowLeft } from 'lucide-react'
import { z } from 'zod'
import { notFound } from '#app/domain/errors.ts'
import { NarrativeIdSchema } from '#app/schemas/narratives.ts'
import { diffVersionsFor, getVersionFor } from '#app/services/versions.server.ts'
import { getNarrativeFor } from '#app/services/narratives.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { orThrowResponse, parseOrThrow } from '#app/utils/http.server.ts'
import { DiffText } from '#app/components/diff-text.tsx'
import reviewStyles from '../styles/review.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStyles }]
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Versions · ${data?.narrative.title ?? 'Narrative'} · Accord` }]

const QuerySchema = z.union([
  z.object({ from: z.uuid('Not a version id'), to: z.uuid('Not a version id') }),
  z.object({ v: z.uuid('Not a version id') }),
])

const KIND: Record<string, string> = {
  checkpoint: 'Checkpoint',
  named: 'Named version',
  review: 'Sent to review',
  approved: 'Approved',
  restore: 'Restore',
}
const label = (v: { number: number; kind: string; name: string }) => `v${v.number} · ${v.name || KIND[v.kind]}`

/** /narratives/ID/versions?v=VID shows one version (server-rendered HTML); ?from=A&to=B the word diff between two. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const id = NarrativeIdSchema.safeParse(params.id)
    if (!id.success) throw notFound('Narrative')
    const narrative = await getNarrativeFor(actor, id.data)
    const query = parseOrThrow(QuerySchema, Object.fromEntries(new URL(request.url).searchParams))
    if ('v' in query) {
      const v = await getVersionFor(actor, narrative.id, query.v)
      return json({
        narrative: { id: narrative.id, title: narrative.title },
        view: { label: label(v), by: v.createdByName, at: v.createdAt.toISOString(), html: v.html },
        diff: null,
      })
    }
    const d = await diffVersionsFor(actor, narrative.id, query.from, query.to)
    return json({
      narrative: { id: narrative.id, title: narrative.title },
      view: null,
      diff: { from: label(d.from), to: label(d.to), parts: d.parts },
    })
  })
}

export default function VersionsPage() {
  const { narrative, view, diff } = useLoaderData<typeof loader>()
  return (
    <div className="page version-page">
      <p>
        <Link to={`/narratives/${narrative.id}`} className="panel-link">
          <ArrowLeft size={14} aria-hidden /> Back to {narrative.title}
        </Link>
      </p>
      {view ? (
        <>
          <h1>{view.label}</h1>
          <p className="muted">
            {view.by ?? 'Accord'} · {new Date(view.at).toLocaleString()}
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
