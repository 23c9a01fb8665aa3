import { AlertTriangle, Archive, CheckCircle2, Circle, Clock, Puzzle, Unplug, XCircle, type LucideIcon } from 'lucide-react'
import { STATUS_LABELS, type FeasibilityStatus } from '#app/domain/feasibility.ts'
import {
  INTEGRATION_STATUS_LABELS,
  LIFECYCLE_LABELS,
  SUPPORT_LABELS,
  formatDay,
  type IntegrationStatus,
  type Lifecycle,
  type SupportLevel,
} from '#app/domain/inventory.ts'

type Tone = 'pass' | 'risk' | 'fail' | 'unknown' | 'neutral'

export const FEASIBILITY_TONE: Record<FeasibilityStatus, { tone: Tone; Icon: LucideIcon }> = {
  pass: { tone: 'pass', Icon: CheckCircle2 },
  at_risk: { tone: 'risk', Icon: AlertTriangle },
  fail: { tone: 'fail', Icon: XCircle },
  unknown: { tone: 'unknown', Icon: Circle },
}

function Chip({ tone, Icon, label, title, size }: { tone: Tone; Icon: LucideIcon; label: string; title?: string; size?: 'large' }) {
  return (
    <span className={`chip ${tone}${size ? ` chip-${size}` : ''}`} title={title}>
      <Icon aria-hidden />
      {label}
    </span>
  )
}

/** A feasibility result on the one scale: colour, icon and word together. */
export function FeasibilityChip({
  status,
  size,
  title,
  label,
}: {
  status: FeasibilityStatus
  size?: 'large'
  title?: string
  label?: string
}) {
  const t = FEASIBILITY_TONE[status]
  return <Chip tone={t.tone} Icon={t.Icon} label={label ?? STATUS_LABELS[status]} size={size} title={title} />
}

export const LIFECYCLE_TONE: Record<Lifecycle, { tone: Tone; Icon: LucideIcon }> = {
  active: { tone: 'pass', Icon: CheckCircle2 },
  evaluating: { tone: 'unknown', Icon: Circle },
  phasing_out: { tone: 'risk', Icon: AlertTriangle },
  retired: { tone: 'neutral', Icon: Archive },
}

/** A system's lifecycle; phasing out shows its end date. */
export function LifecycleChip({ lifecycle, endDate }: { lifecycle: Lifecycle; endDate?: string | null }) {
  const t = LIFECYCLE_TONE[lifecycle]
  const label = lifecycle === 'phasing_out' && endDate ? `Phasing out · ${formatDay(endDate)}` : LIFECYCLE_LABELS[lifecycle]
  return <Chip tone={t.tone} Icon={t.Icon} label={label} />
}

export const INTEGRATION_TONE: Record<IntegrationStatus, { tone: Tone; Icon: LucideIcon }> = {
  active: { tone: 'pass', Icon: CheckCircle2 },
  planned: { tone: 'unknown', Icon: Clock },
  broken: { tone: 'fail', Icon: XCircle },
  disconnected: { tone: 'neutral', Icon: Unplug },
}

export function IntegrationStatusChip({ status, liveFrom }: { status: IntegrationStatus; liveFrom?: string | null }) {
  const t = INTEGRATION_TONE[status]
  const label = status === 'planned' && liveFrom ? `Planned · ${formatDay(liveFrom)}` : INTEGRATION_STATUS_LABELS[status]
  return <Chip tone={t.tone} Icon={t.Icon} label={label} />
}

export const SUPPORT_TONE: Record<SupportLevel, { tone: Tone; Icon: LucideIcon }> = {
  native: { tone: 'pass', Icon: CheckCircle2 },
  partial: { tone: 'risk', Icon: AlertTriangle },
  addon: { tone: 'risk', Icon: Puzzle },
  none: { tone: 'unknown', Icon: Circle },
}

export function SupportChip({ level }: { level: SupportLevel }) {
  const t = SUPPORT_TONE[level]
  return <Chip tone={t.tone} Icon={t.Icon} label={SUPPORT_LABELS[level]} />
}

/** A small icon for a reason line, on the same scale. */
export function StatusIcon({ status }: { status: FeasibilityStatus }) {
  const t = FEASIBILITY_TONE[status]
  return <t.Icon className={`status-icon ${t.tone}`} aria-label={STATUS_LABELS[status]} role="img" size={16} />
}
