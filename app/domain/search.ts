/** Search rules without I/O: how a typed query becomes a tsquery, and how snippets are marked. */

export const SEARCH_TYPES = ['narrative', 'initiative', 'system', 'capability', 'metric', 'member'] as const
export type SearchType = (typeof SEARCH_TYPES)[number]

export const SEARCH_TYPE_LABELS: Record<SearchType, string> = {
  narrative: 'Narratives',
  initiative: 'Initiatives',
  system: 'Systems',
  capability: 'Capabilities',
  metric: 'Metrics',
  member: 'Members',
}

/** The most words of a query that count; longer queries are cut, not refused. */
export const MAX_QUERY_WORDS = 8
const MAX_WORD_LENGTH = 60

/** Marks ts_headline puts around a match (control characters never typed into text). */
export const MARK_START = '\u0002'
export const MARK_END = '\u0003'

/** The words of a query: letters and digits only, lower case, at most MAX_QUERY_WORDS. */
export function queryWords(q: string): string[] {
  const words =
    q
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  return words.slice(0, MAX_QUERY_WORDS).map((w) => w.slice(0, MAX_WORD_LENGTH))
}

/**
 * A `to_tsquery` input where every word must match, each as a prefix ("mark" finds
 * "Marketo", "pipe" finds "pipeline") — the palette searches while you type. Words are letters
 * and digits only, so nothing in a query can change the tsquery's syntax. Null: nothing to find.
 */
export function toPrefixTsquery(q: string): string | null {
  const words = queryWords(q)
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null
}

export interface SnippetPart {
  text: string
  match: boolean
}

/** Splits a headline with MARK_START/MARK_END into plain and matched parts (marks never leak). */
export function snippetParts(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = []
  let match = false
  let current = ''
  const push = () => {
    if (current) parts.push({ text: current, match })
    current = ''
  }
  for (const ch of headline) {
    if (ch === MARK_START) {
      push()
      match = true
    } else if (ch === MARK_END) {
      push()
      match = false
    } else current += ch
  }
  push()
  return parts
}

/** Whitespace folded to single spaces (derived text keeps paragraph breaks). */
export function foldWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
