import { Archive, CheckCircle2, Circle, Clock } from 'lucide-react'

type NarrativeStatus = 'draft' | 'in_review' | 'approved' | 'archived'

const STATUS = {
  draft: { label: 'Draft', tone: 'unknown', Icon: Circle },
  in_review: { label: 'In review', tone: 'risk', Icon: Clock },
  approved: { label: 'Approved', tone: 'pass', Icon: CheckCircle2 },
  archived: { label: 'Archived', tone: 'neutral', Icon: Archive },
} as const

export const STATUS_LABELS: Record<NarrativeStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  approved: 'Approved',
  archived: 'Archived',
}

/** A narrative's status on the one scale of meanings: colour, icon and word together. */
export function StatusChip({ status }: { status: NarrativeStatus }) {
  const s = STATUS[status]
  return (
    <span className={`chip ${s.tone}`}>
      <s.Icon aria-hidden />
      {s.label}
    </span>
  )
}
