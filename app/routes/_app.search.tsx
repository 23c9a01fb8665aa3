import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { Search } from 'lucide-react'
import { EmptyState, PageHeader } from '#app/components/empty-state.tsx'
import { SEARCH_TYPE_ICONS, SEARCH_TYPE_SINGULAR, Snippet } from '#app/components/search/snippet.tsx'
import { canSeeWorkingMaterial } from '#app/domain/policies.ts'
import { SEARCH_TYPE_LABELS, SEARCH_TYPES } from '#app/domain/search.ts'
import { SearchQuerySchema } from '#app/schemas/search.ts'
import { search } from '#app/services/search.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { orThrowResponse, parseOrThrow } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.q ? `“${data.q}” · Search · Accord` : 'Search · Accord' }]

/** GET /search?q=&type= — the full results page (works without JavaScript). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireActor(request)
  return orThrowResponse(async () => {
    const params = Object.fromEntries(new URL(request.url).searchParams)
    const query = parseOrThrow(SearchQuerySchema, { q: '', ...params, limit: 50 })
    const hits = query.q ? await search(actor, query) : []
    const types = canSeeWorkingMaterial(actor) ? SEARCH_TYPES : (['narrative', 'metric'] as const)
    return json({ q: query.q, type: query.type ?? null, hits, types })
  })
}

export default function SearchPage() {
  const { q, type, hits, types } = useLoaderData<typeof loader>()
  const hrefFor = (t: string | null) => `/search?q=${encodeURIComponent(q)}${t ? `&type=${t}` : ''}`
  return (
    <div className="page search-page">
      <PageHeader title="Search" description="Narratives by their full text, initiatives, systems, capabilities, metrics and members." />
      <Form method="get" action="/search" role="search" className="search-form">
        <label className="visually-hidden" htmlFor="search-q">
          Search
        </label>
        <input id="search-q" type="search" name="q" defaultValue={q} placeholder="Search everything…" maxLength={200} />
        {type ? <input type="hidden" name="type" value={type} /> : null}
        <button className="button primary" type="submit">
          <Search size={16} aria-hidden /> Search
        </button>
      </Form>
      {q ? (
        <nav className="search-types" aria-label="Result types">
          <Link to={hrefFor(null)} aria-current={type === null ? 'page' : undefined}>
            All
          </Link>
          {types.map((t) => (
            <Link key={t} to={hrefFor(t)} aria-current={type === t ? 'page' : undefined}>
              {SEARCH_TYPE_LABELS[t]}
            </Link>
          ))}
        </nav>
      ) : null}
      {!q ? (
        <EmptyState icon={Search} title="Find anything in the workspace">
          <p>Type words from a narrative’s text or title, or the name of an initiative, system, capability, metric or member.</p>
          <p className="muted">Press Ctrl K (⌘ K on a Mac) anywhere to search without leaving the page.</p>
        </EmptyState>
      ) : hits.length === 0 ? (
        <EmptyState icon={Search} title={`Nothing matches “${q}”`}>
          <p>Every word must appear (as a word or the start of one). Try fewer or different words.</p>
        </EmptyState>
      ) : (
        <>
          <p className="muted" role="status">
            {hits.length} {hits.length === 1 ? 'result' : 'results'}, best first
          </p>
          <ol className="search-results">
            {hits.map((h) => {
              const Icon = SEARCH_TYPE_ICONS[h.type]
              return (
                <li key={`${h.type}-${h.id}`} className="search-result">
                  <span className="chip neutral">
                    <Icon size={14} aria-hidden /> {SEARCH_TYPE_SINGULAR[h.type]}
                  </span>
                  <div>
                    {h.url.startsWith('mailto:') ? (
                      <a className="search-result-title" href={h.url}>
                        {h.title}
                      </a>
                    ) : (
                      <Link className="search-result-title" to={h.url}>
                        {h.title}
                      </Link>
                    )}
                    <Snippet parts={h.parts} />
                  </div>
                </li>
              )
            })}
          </ol>
        </>
      )}
    </div>
  )
}
