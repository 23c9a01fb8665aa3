import { getSql } from '#db/client.ts'
import { searchWorkspace } from '#db/queries/search.ts'
import { canManageWorkspace, canSeeWorkingMaterial, FUNCTION_LABELS, type Actor, type MemberFunction } from '#app/domain/policies.ts'
import { foldWhitespace, snippetParts, toPrefixTsquery, type SearchType, type SnippetPart } from '#app/domain/search.ts'
import type { SearchQuery, SearchResult } from '#app/schemas/search.ts'

export interface SearchHit {
  type: SearchType
  id: string
  title: string
  /** The snippet as plain and matched parts, for the UI to mark without HTML. */
  parts: SnippetPart[]
  url: string
  rank: number
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * Everything of the actor's workspace that matches `q`, best first: narratives by title and
 * derived text, initiatives, systems, capabilities, metrics and members. Readers find approved
 * narratives and metrics only; nothing of another workspace is ever searched.
 */
export async function search(actor: Actor, query: Pick<SearchQuery, 'q' | 'type' | 'limit'>): Promise<SearchHit[]> {
  const tsquery = toPrefixTsquery(query.q)
  if (!tsquery) return []
  const working = canSeeWorkingMaterial(actor)
  const rows = await searchWorkspace(getSql(), {
    workspaceId: actor.workspaceId,
    tsquery,
    workingMaterial: working,
    onlyApproved: !working,
    type: query.type,
    limit: query.limit,
  })
  return rows.map((r) => {
    const member = r.type === 'member'
    const parts = member
      ? [{ text: [FUNCTION_LABELS[r.key as MemberFunction] ?? r.key, r.headline].filter(Boolean).join(' · '), match: false }]
      : snippetParts(r.headline).map((p) => ({ ...p, text: p.text.replace(/\s+/g, ' ') }))
    return {
      type: r.type,
      id: r.id,
      title: r.title,
      parts,
      url: urlOf(actor, r.type, r.id, r.key, r.headline),
      rank: r.rank,
    }
  })
}

function urlOf(actor: Actor, type: SearchType, id: string, key: string | null, body: string) {
  switch (type) {
    case 'narrative':
      return `/narratives/${id}`
    case 'initiative':
      return `/roadmap/${id}`
    case 'system':
      return `/stack/systems/${id}`
    case 'capability':
      return `/stack/capabilities#capability-${id}`
    case 'metric':
      return `/metrics/${key}`
    case 'member':
      return canManageWorkspace(actor) ? `/settings/members#member-${id}` : `mailto:${body}`
  }
}

/** The API shape of a hit: plain snippet plus an escaped one with <mark>s. */
export function searchResultJson(hit: SearchHit): SearchResult {
  return {
    type: hit.type,
    id: hit.id,
    title: hit.title,
    snippet: foldWhitespace(hit.parts.map((p) => p.text).join('')),
    snippet_html: hit.parts.map((p) => (p.match ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text))).join(''),
    url: hit.url,
    rank: hit.rank,
  }
}
