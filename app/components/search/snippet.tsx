import { BarChart3, Boxes, FileText, Map, Server, User, type LucideIcon } from 'lucide-react'
import type { SearchType, SnippetPart } from '#app/domain/search.ts'

export const SEARCH_TYPE_ICONS: Record<SearchType, LucideIcon> = {
  narrative: FileText,
  initiative: Map,
  system: Server,
  capability: Boxes,
  metric: BarChart3,
  member: User,
}

export const SEARCH_TYPE_SINGULAR: Record<SearchType, string> = {
  narrative: 'Narrative',
  initiative: 'Initiative',
  system: 'System',
  capability: 'Capability',
  metric: 'Metric',
  member: 'Member',
}

/** A snippet with its matched words in <mark> (text only: no HTML from the server). */
export function Snippet({ parts, className = 'search-snippet' }: { parts: SnippetPart[]; className?: string }) {
  if (!parts.some((p) => p.text.trim())) return null
  return <span className={className}>{parts.map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</span>
}
