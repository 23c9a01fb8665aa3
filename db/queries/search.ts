import type { Db } from '../client.ts'
import { MARK_END, MARK_START, type SearchType } from '#app/domain/search.ts'

export interface SearchRow {
  type: SearchType
  id: string
  /** Metrics open by key. */
  key: string | null
  title: string
  /** ts_headline of the body with MARK_START/MARK_END around matches (members: their details). */
  headline: string
  rank: number
}

export interface SearchArgs {
  workspaceId: string
  /** A to_tsquery input (see toPrefixTsquery). */
  tsquery: string
  /** Narratives, initiatives, inventory and members (everyone but readers). */
  workingMaterial: boolean
  /** Readers find approved narratives only. */
  onlyApproved: boolean
  type?: SearchType
  limit: number
}

const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=28, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`

/**
 * Ranked full-text hits over the workspace (ts_rank_cd on the weighted `search` columns; members
 * by name and e-mail words). Snippets are computed for the returned rows only.
 */
export async function searchWorkspace(db: Db, a: SearchArgs): Promise<SearchRow[]> {
  const want = (t: SearchType) => !a.type || a.type === t
  const parts = []
  if (want('narrative'))
    parts.push(db`
      select 'narrative' as type, n.id, null::text as key, n.title, n.text as body, ts_rank_cd(n.search, q.q) as rank, n.updated_at as at
      from narratives n, q
      where n.workspace_id = ${a.workspaceId} and n.search @@ q.q
        and ${a.onlyApproved ? db`n.status = 'approved'` : db`n.status <> 'archived'`}`)
  if (a.workingMaterial && want('initiative'))
    parts.push(db`
      select 'initiative' as type, i.id, null as key, i.title, i.description as body, ts_rank_cd(i.search, q.q) as rank, i.updated_at as at
      from initiatives i, q where i.workspace_id = ${a.workspaceId} and i.search @@ q.q`)
  if (a.workingMaterial && want('system'))
    parts.push(db`
      select 'system' as type, s.id, null as key, s.name as title, concat_ws(' · ', nullif(s.vendor, ''), nullif(s.notes, '')) as body,
        ts_rank_cd(s.search, q.q) as rank, s.updated_at as at
      from systems s, q where s.workspace_id = ${a.workspaceId} and s.deleted_at is null and s.search @@ q.q`)
  if (a.workingMaterial && want('capability'))
    parts.push(db`
      select 'capability' as type, c.id, null as key, c.name as title, c.description as body, ts_rank_cd(c.search, q.q) as rank, c.created_at as at
      from capabilities c, q where c.workspace_id = ${a.workspaceId} and c.search @@ q.q`)
  if (want('metric'))
    parts.push(db`
      select 'metric' as type, m.id, m.key, m.name as title, m.definition as body, ts_rank_cd(m.search, q.q) as rank, m.updated_at as at
      from metrics m, q where m.workspace_id = ${a.workspaceId} and m.search @@ q.q`)
  if (a.workingMaterial && want('member'))
    parts.push(db`
      select 'member' as type, u.id, m.function as key, u.name as title, u.email as body, ts_rank_cd(v.doc, q.qs) as rank, m.created_at as at
      from memberships m join users u on u.id = m.user_id, q,
        lateral (select setweight(to_tsvector('simple', u.name), 'A') ||
          setweight(to_tsvector('simple', regexp_replace(u.email, '[^[:alnum:]]+', ' ', 'g')), 'B') as doc) v
      where m.workspace_id = ${a.workspaceId} and v.doc @@ q.qs`)
  if (parts.length === 0) return []
  const union = parts.reduce((acc, part) => db`${acc} union all ${part}`)
  return db<SearchRow[]>`
    with q as (select to_tsquery('english', ${a.tsquery}) as q, to_tsquery('simple', ${a.tsquery}) as qs),
    hits as (${union}),
    top as (select * from hits order by rank desc, at desc, id limit ${a.limit})
    select top.type, top.id, top.key, top.title, top.rank::float8 as rank,
      case when top.type = 'member' then top.body
        else ts_headline('english', top.body, q.q, ${HEADLINE_OPTIONS}) end as headline
    from top, q
    order by top.rank desc, top.at desc, top.id`
}
