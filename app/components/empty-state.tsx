import type { LucideIcon } from 'lucide-react'
import type { ReactNode } from 'react'

/** An empty section that teaches: what it is for, and the one action that starts it. */
export function EmptyState({
  icon: Icon,
  title,
  children,
  action,
}: {
  icon: LucideIcon
  title: string
  children: ReactNode
  action?: ReactNode
}) {
  return (
    <section className="empty" aria-labelledby="empty-title">
      <span className="empty-icon" aria-hidden>
        <Icon size={24} />
      </span>
      <h2 id="empty-title">{title}</h2>
      {children}
      {action}
    </section>
  )
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p>{description}</p> : null}
      </div>
      {actions ? <div className="row">{actions}</div> : null}
    </div>
  )
}
