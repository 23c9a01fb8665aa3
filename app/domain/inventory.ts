/** The tech-stack inventory's vocabulary (pure): categories, lifecycles, support levels, objects. */

export const SYSTEM_CATEGORIES = [
  'crm',
  'marketing_automation',
  'cdp',
  'data_warehouse',
  'bi',
  'advertising',
  'abm',
  'enrichment',
  'web_cms',
  'events',
  'consent',
  'other',
] as const
export type SystemCategory = (typeof SYSTEM_CATEGORIES)[number]

export const CATEGORY_LABELS: Record<SystemCategory, string> = {
  crm: 'CRM',
  marketing_automation: 'Marketing automation',
  cdp: 'CDP',
  data_warehouse: 'Data warehouse',
  bi: 'BI',
  advertising: 'Advertising',
  abm: 'ABM',
  enrichment: 'Enrichment',
  web_cms: 'Web / CMS',
  events: 'Events',
  consent: 'Consent',
  other: 'Other',
}

export const LIFECYCLES = ['evaluating', 'active', 'phasing_out', 'retired'] as const
export type Lifecycle = (typeof LIFECYCLES)[number]
export const LIFECYCLE_LABELS: Record<Lifecycle, string> = {
  evaluating: 'Evaluating',
  active: 'Active',
  phasing_out: 'Phasing out',
  retired: 'Retired',
}

export const SUPPORT_LEVELS = ['native', 'partial', 'addon', 'none'] as const
export type SupportLevel = (typeof SUPPORT_LEVELS)[number]
export const SUPPORT_LABELS: Record<SupportLevel, string> = {
  native: 'Native',
  partial: 'Partial',
  addon: 'Via add-on',
  none: 'None',
}

export const DATA_OBJECTS = ['leads', 'contacts', 'accounts', 'opportunities', 'activities', 'custom'] as const
export type DataObject = (typeof DATA_OBJECTS)[number]

export const DIRECTIONS = ['one_way', 'two_way'] as const
export type Direction = (typeof DIRECTIONS)[number]
export const DIRECTION_LABELS: Record<Direction, string> = { one_way: 'One-way', two_way: 'Two-way' }

export const FREQUENCIES = ['real_time', 'hourly', 'daily', 'manual'] as const
export type Frequency = (typeof FREQUENCIES)[number]
export const FREQUENCY_LABELS: Record<Frequency, string> = { real_time: 'Real-time', hourly: 'Hourly', daily: 'Daily', manual: 'Manual' }

export const INTEGRATION_STATUSES = ['active', 'planned', 'broken', 'disconnected'] as const
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number]
export const INTEGRATION_STATUS_LABELS: Record<IntegrationStatus, string> = {
  active: 'Active',
  planned: 'Planned',
  broken: 'Broken',
  disconnected: 'Disconnected',
}

export const MEASURES = ['duplicate_rate', 'fill_rate', 'record_count'] as const
export type Measure = (typeof MEASURES)[number]
export const MEASURE_LABELS: Record<Measure, string> = {
  duplicate_rate: 'Duplicate rate',
  fill_rate: 'Fill rate',
  record_count: 'Record count',
}
/** Rates are percentages (0–100); counts are whole records. */
export const MEASURE_UNITS: Record<Measure, '%' | 'records'> = { duplicate_rate: '%', fill_rate: '%', record_count: 'records' }
/** The natural comparison for a bar on each measure. */
export const DEFAULT_OPS: Record<Measure, BarOp> = { duplicate_rate: 'at_most', fill_rate: 'at_least', record_count: 'at_least' }

export const BAR_OPS = ['at_most', 'at_least'] as const
export type BarOp = (typeof BAR_OPS)[number]

export const REQUIREMENT_KINDS = ['capability', 'flow', 'data_quality'] as const
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number]
export const REQUIREMENT_KIND_LABELS: Record<RequirementKind, string> = {
  capability: 'Capability',
  flow: 'Data flow',
  data_quality: 'Data quality',
}

export const ASSESSMENT_DECISIONS = ['confirm', 'accept_risk', 'block'] as const
export type AssessmentDecision = (typeof ASSESSMENT_DECISIONS)[number]
export const DECISION_LABELS: Record<AssessmentDecision, string> = { confirm: 'Confirmed', accept_risk: 'Risk accepted', block: 'Blocked' }

export const EFFORTS = ['S', 'M', 'L', 'XL'] as const
export type Effort = (typeof EFFORTS)[number]

/** A measure with its field, as people say it: "email fill rate", "duplicate rate". */
export function measureLabel(measure: Measure, field?: string | null): string {
  const base = MEASURE_LABELS[measure].toLowerCase()
  return field ? `${field} ${base}` : base
}

export function formatMeasureValue(measure: Measure, value: number): string {
  if (MEASURE_UNITS[measure] === '%') return `${Number.isInteger(value) ? value : value.toFixed(1)}%`
  return `${Math.round(value).toLocaleString('en-US')} records`
}

/** Seat utilisation as a whole percentage, or null when seats are not tracked. */
export function utilisation(seatsPaid: number | null, seatsUsed: number | null): number | null {
  if (!seatsPaid || seatsUsed === null) return null
  return Math.round((seatsUsed / seatsPaid) * 100)
}

/** Human label for a date-only ISO string (YYYY-MM-DD) without time-zone drift. */
export function formatDay(iso: string | null | undefined, locale?: string): string {
  if (!iso) return '—'
  const [y, m, d] = iso.split('-').map(Number)
  return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
}
