import { AlertTriangle, CheckCircle2, Circle, XCircle } from 'lucide-react'
import { HEALTH_LABELS, type Health } from '#app/domain/metrics.ts'

const TONE = {
  on_track: { tone: 'pass', Icon: CheckCircle2 },
  behind: { tone: 'risk', Icon: AlertTriangle },
  at_risk: { tone: 'fail', Icon: XCircle },
  unknown: { tone: 'unknown', Icon: Circle },
} as const

/** A metric's health on the one scale of meanings: colour, icon and word together. */
export function HealthChip({ health, label }: { health: Health; label?: string }) {
  const t = TONE[health]
  return (
    <span className={`chip ${t.tone}`} data-health={health}>
      <t.Icon aria-hidden />
      {label ?? HEALTH_LABELS[health]}
    </span>
  )
}

/** The health colour for charts (the same tokens as the chips). */
export const HEALTH_COLOURS: Record<Health, string> = {
  on_track: 'var(--pass)',
  behind: 'var(--risk)',
  at_risk: 'var(--fail)',
  unknown: 'var(--faint)',
}
