import { Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { StatusChip } from './status-chip.tsx'

/** One narrative in a list (the narratives list, the Approved library): title, excerpt, meta, status. */
export function NarrativeRow({
  narrative: n,
  meta,
  children,
}: {
  narrative: { id: string; title: string; excerpt: string; status: 'draft' | 'in_review' | 'approved' | 'archived' }
  meta: ReactNode
  children?: ReactNode
}) {
  return (
    <li className="card narrative-row">
      <div className="narrative-main">
        <Link to={`/narratives/${n.id}`} className="narrative-title">
          {n.title}
        </Link>
        {n.excerpt ? <p className="narrative-excerpt">{n.excerpt}</p> : null}
        <p className="narrative-meta">{meta}</p>
      </div>
      <div className="narrative-side">
        <StatusChip status={n.status} />
        {children}
      </div>
    </li>
  )
}
