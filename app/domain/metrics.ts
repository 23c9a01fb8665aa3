/**
 * Shared goal metrics (pure, no I/O): units and value rules, roll-ups by aggregation, target
 * spreading, direction-aware attainment, health bands, series, commitments and CSV rows.
 */
import {
  anchorDay,
  countSubPeriods,
  GRANULARITY_RANK,
  periodFromKey,
  periodKey,
  periodLabel,
  periodOf,
  periodRange,
  periodsBetween,
  periodShortLabel,
  shiftPeriod,
  type FiscalCalendar,
  type Granularity,
  type Period,
} from './periods.ts'

export const UNITS = ['count', 'currency', 'percent', 'ratio', 'days'] as const
export type Unit = (typeof UNITS)[number]
export const UNIT_LABELS: Record<Unit, string> = { count: 'Count', currency: 'Currency', percent: 'Percent', ratio: 'Ratio', days: 'Days' }

export const DIRECTIONS = ['higher', 'lower'] as const
export type Direction = (typeof DIRECTIONS)[number]
export const DIRECTION_LABELS: Record<Direction, string> = { higher: 'Higher is better', lower: 'Lower is better' }

export const INDICATOR_KINDS = ['leading', 'lagging'] as const
export type IndicatorKind = (typeof INDICATOR_KINDS)[number]
export const INDICATOR_LABELS: Record<IndicatorKind, string> = { leading: 'Leading', lagging: 'Lagging' }

export const AGGREGATIONS = ['sum', 'average', 'last'] as const
export type Aggregation = (typeof AGGREGATIONS)[number]
export const AGGREGATION_LABELS: Record<Aggregation, string> = { sum: 'Sum', average: 'Average', last: 'Last value' }

export const HEALTHS = ['on_track', 'behind', 'at_risk', 'unknown'] as const
export type Health = (typeof HEALTHS)[number]
export const HEALTH_LABELS: Record<Health, string> = { on_track: 'On track', behind: 'Behind', at_risk: 'At risk', unknown: 'No data' }

export type ValueKind = 'actual' | 'target'

/** Attainment at or above `onTrack` is on track; at or above `atRisk` behind; below it at risk. */
export interface HealthThresholds {
  onTrack: number
  atRisk: number
}
export const DEFAULT_THRESHOLDS: HealthThresholds = { onTrack: 0.95, atRisk: 0.85 }

/** Keys that would collide with pages and API paths under /metrics. */
export const RESERVED_KEYS = ['import', 'funnel', 'settings', 'new', 'series', 'reviews']

// ---------- Values ----------

/** Why a value cannot be stored for a unit, or null. Percent is 0–100 (bounded); counts and days are not negative. */
export function valueProblem(value: number, unit: Unit): string | null {
  if (!Number.isFinite(value)) return 'must be a finite number'
  if (Math.abs(value) > 1e15) return 'is too large'
  if (unit === 'percent' && (value < 0 || value > 100)) return `${value} is not a percentage between 0 and 100`
  if ((unit === 'count' || unit === 'days') && value < 0)
    return `${value} is negative; a ${unit === 'days' ? 'number of days' : 'count'} cannot be`
  if (unit === 'ratio' && value < 0) return `${value} is negative; a ratio cannot be`
  return null
}

/**
 * Reads a number the way people type it: "4,000,000", "$4.6M", "14%", "1.2k", "(250)". Returns
 * null for anything that is not a finite number.
 */
export function parseNumber(input: string): number | null {
  let text = input.trim().replace(/[\s\u00a0]/g, '')
  if (!text) return null
  let negative = false
  if (/^\(.*\)$/.test(text)) {
    negative = true
    text = text.slice(1, -1)
  }
  text = text.replace(/^[$€£¥]|^[A-Z]{3}(?=[\d.-])/, '').replace(/%$/, '')
  const suffix = /([kmb])$/i.exec(text)?.[1]?.toLowerCase()
  if (suffix) text = text.slice(0, -1)
  if (!/^-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$/.test(text) || text === '' || text === '-') return null
  let n = Number(text.replace(/,/g, ''))
  if (suffix) n *= { k: 1e3, m: 1e6, b: 1e9 }[suffix as 'k' | 'm' | 'b']
  if (!Number.isFinite(n)) return null
  return negative ? -n : n
}

const formatters = new Map<string, Intl.NumberFormat>()
/** Intl.NumberFormat is costly to build: one per (locale, options). */
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let f = formatters.get(key)
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, options)))
  return f
}

/**
 * How a figure is shown. `summary` (cards, chips, KPIs, sentences, lists): large money and counts
 * compact — "$1.7M", "$250K", "1.2M" — so a spread target ($20M ÷ 12) never reads "$1,666,667".
 * `exact` (grids, tables, tooltips, import previews, where figures are checked): "$1,666,667".
 */
export type FigureStyle = 'summary' | 'exact'

/** Formats a value with its unit: "$4.6M", "1,240", "14.2%", "3.1×", "42 days" (see FigureStyle). */
export function formatValue(
  value: number | null | undefined,
  unit: Unit,
  opts: { currency?: string | null; style?: FigureStyle; locale?: string } = {},
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const locale = opts.locale ?? 'en-US'
  const compact = opts.style === 'summary'
  switch (unit) {
    case 'currency': {
      const big = Math.abs(value) >= 10_000
      return numberFormat(locale, {
        style: 'currency',
        currency: opts.currency ?? 'USD',
        notation: compact && big ? 'compact' : 'standard',
        maximumFractionDigits: compact && big ? 1 : Math.abs(value) < 100 ? 2 : 0,
        // "$4.0M", not "$4M": millions read as figures with one decimal.
        minimumFractionDigits: compact && Math.abs(value) >= 1e6 ? 1 : 0,
      }).format(value)
    }
    case 'percent':
      return `${numberFormat(locale, { maximumFractionDigits: 1 }).format(value)}%`
    case 'ratio':
      return `${numberFormat(locale, { maximumFractionDigits: 2 }).format(value)}×`
    case 'days':
      return `${numberFormat(locale, { maximumFractionDigits: 1 }).format(value)} ${value === 1 ? 'day' : 'days'}`
    case 'count':
      return numberFormat(locale, {
        notation: compact && Math.abs(value) >= 100_000 ? 'compact' : 'standard',
        maximumFractionDigits: compact && Math.abs(value) >= 100_000 ? 1 : Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : 1,
      }).format(value)
  }
}

/**
 * Attainment as a percentage, rounded down to a tenth so the figure never reads as on track while
 * the band says behind (94.98% is "94.9%", not "95%").
 */
export function formatAttainment(att: number | null | undefined): string {
  if (att === null || att === undefined || !Number.isFinite(att)) return '—'
  const tenth = Math.floor(att * 1000 + 1e-6) / 10
  return `${Number.isInteger(tenth) ? tenth : tenth.toFixed(1)}%`
}

/** A unit's short name for axis titles and column headers: "USD", "%", "days". */
export function unitSuffix(unit: Unit, currency?: string | null): string {
  return { count: 'count', currency: currency ?? 'USD', percent: '%', ratio: '×', days: 'days' }[unit]
}

// ---------- Aggregation, attainment, health ----------

/** Combines values in time order: their sum, their mean, or the latest. Null for none. */
export function aggregate(values: readonly number[], how: Aggregation): number | null {
  if (values.length === 0) return null
  if (how === 'last') return values[values.length - 1]!
  const sum = values.reduce((a, b) => a + b, 0)
  return how === 'sum' ? sum : sum / values.length
}

/** Splits a target over `parts` shorter periods: equal shares of a sum, the same level for an average or last value. */
export function spreadTarget(value: number, how: Aggregation, parts: number): number[] {
  if (parts <= 0) return []
  return Array.from({ length: parts }, () => (how === 'sum' ? value / parts : value))
}

/**
 * How far the actual is toward the target, 1 = exactly on target. Higher is better: actual ÷
 * target. Lower is better: 2 − actual ÷ target (linear, so 10% over a cost target is 0.9), never
 * below 0. Null when either is missing or the target is not positive.
 */
export function attainment(actual: number | null, target: number | null, direction: Direction): number | null {
  if (actual === null || target === null || !(target > 0)) return null
  const ratio = actual / target
  return direction === 'higher' ? ratio : Math.max(0, 2 - ratio)
}

/** The health band of an attainment (null attainment: no data). */
export function healthOf(att: number | null, t: HealthThresholds): Health {
  if (att === null) return 'unknown'
  if (att >= t.onTrack - 1e-9) return 'on_track'
  if (att >= t.atRisk - 1e-9) return 'behind'
  return 'at_risk'
}

/** Why thresholds are unusable, or null: 0 < at risk < on track ≤ 1.5. */
export function thresholdsProblem(t: HealthThresholds): string | null {
  if (!(t.atRisk > 0) || !(t.onTrack <= 1.5)) return 'Thresholds must be between 0% and 150%'
  if (!(t.atRisk < t.onTrack)) return 'The at-risk threshold must be below the on-track threshold'
  return null
}

/** The on-track band around a target: between the threshold and the target itself. */
export function healthBand(target: number | null, direction: Direction, t: HealthThresholds): [number, number] | null {
  if (target === null) return null
  return direction === 'higher' ? [target * t.onTrack, target] : [target, target * (2 - t.onTrack)]
}

// ---------- Roll-ups and series ----------

export interface StoredValue {
  period: string
  granularity: Granularity
  value: number
}

export interface SeriesPoint {
  period: string
  label: string
  short: string
  actual: number | null
  target: number | null
  attainment: number | null
  health: Health
  /** False while only some of the shorter periods it is rolled up from have values. */
  complete: boolean
}

// Period arithmetic is pure and the same few hundred periods recur for every metric of a
// dashboard: memoise it (bounded, numeric keys where possible), so indexing 50,000 values costs
// map lookups, not date maths.
const memo = new Map<string, unknown>()
function cached<T>(key: string, compute: () => T): T {
  const hit = memo.get(key)
  if (hit !== undefined) return hit as T
  if (memo.size > 100_000) memo.clear()
  const value = compute()
  memo.set(key, value)
  return value
}
const anchorOfKey = (key: string, cal: FiscalCalendar) => cached(`a${cal.startMonth}|${key}`, () => anchorDay(periodFromKey(key), cal))
const dayKeys = new Map<number, Map<number, string>>()
/** The key of the period of granularity `g` containing `day`, memoised per calendar. */
function keyOfDay(day: number, g: Granularity, cal: FiscalCalendar): string {
  const slot = cal.startMonth * 4 + GRANULARITY_RANK[g]
  let m = dayKeys.get(slot)
  if (!m) dayKeys.set(slot, (m = new Map()))
  let k = m.get(day)
  if (k === undefined) {
    if (m.size > 50_000) m.clear()
    k = periodKey(periodOf(day, g, cal))
    m.set(day, k)
  }
  return k
}
const subCount = (p: Period, sub: Granularity, cal: FiscalCalendar) =>
  cached(`c${cal.startMonth}|${sub}|${p.granularity}|${p.year}|${p.index}`, () => countSubPeriods(p, sub, cal))

/** Values in columns (as the database hands them over): period keys, granularities, anchor days, values. */
export interface ValueColumns {
  periods: readonly string[]
  granularities: readonly Granularity[]
  /** The anchor day of each period (see anchorDay); computed from the key when absent. */
  anchors?: readonly number[]
  values: readonly number[]
}

const ROLL_UP_TARGETS = ['month', 'quarter', 'year'] as const

/**
 * Values indexed for fast roll-up: per granularity, the stored points bucketed into every
 * longer period they count in (computed once per metric, then read per period).
 */
export class ValueIndex {
  private direct = new Map<string, number>()
  /** target granularity → source granularity → period key → values in time order */
  private buckets = new Map<Granularity, Map<Granularity, Map<string, number[]>>>()
  private present = new Set<Granularity>()

  constructor(
    values: readonly StoredValue[] | ValueColumns,
    private cal: FiscalCalendar,
  ) {
    const cols: ValueColumns = Array.isArray(values)
      ? {
          periods: (values as StoredValue[]).map((v) => v.period),
          granularities: (values as StoredValue[]).map((v) => v.granularity),
          values: (values as StoredValue[]).map((v) => v.value),
        }
      : (values as ValueColumns)
    const n = cols.periods.length
    const anchors = cols.anchors ?? cols.periods.map((k) => anchorOfKey(k, cal))
    let order: number[] | null = null
    for (let i = 1; i < n; i++) {
      if (anchors[i]! < anchors[i - 1]!) {
        order = Array.from({ length: n }, (_, j) => j).sort((a, b) => anchors[a]! - anchors[b]!)
        break
      }
    }
    for (let j = 0; j < n; j++) {
      const i = order ? order[j]! : j
      const g = cols.granularities[i]!
      const value = cols.values[i]!
      this.direct.set(cols.periods[i]!, value)
      this.present.add(g)
      for (const target of ROLL_UP_TARGETS) {
        if (GRANULARITY_RANK[target] <= GRANULARITY_RANK[g]) continue
        let byTarget = this.buckets.get(target)
        if (!byTarget) this.buckets.set(target, (byTarget = new Map()))
        let bySource = byTarget.get(g)
        if (!bySource) byTarget.set(g, (bySource = new Map()))
        const key = keyOfDay(anchors[i]!, target, cal)
        const list = bySource.get(key)
        if (list) list.push(value)
        else bySource.set(key, [value])
      }
    }
  }

  get isEmpty() {
    return this.direct.size === 0
  }

  /**
   * The value of `p`: stored for it, else rolled up from the shorter granularity that covers
   * most of it (months over weeks when both cover it fully: monthly closes are the official ones).
   */
  valueOf(p: Period, how: Aggregation): { value: number; covered: number; total: number } | null {
    const key = periodKey(p)
    const own = this.direct.get(key)
    if (own !== undefined) return { value: own, covered: 1, total: 1 }
    let best: { values: number[]; covered: number; total: number } | null = null
    for (const sub of ['quarter', 'month', 'week'] as const) {
      if (GRANULARITY_RANK[sub] >= GRANULARITY_RANK[p.granularity] || !this.present.has(sub)) continue
      const list = this.buckets.get(p.granularity)?.get(sub)?.get(key)
      if (!list || list.length === 0) continue
      const total = Math.max(list.length, subCount(p, sub, this.cal))
      if (!best || list.length / total > best.covered / best.total + 1e-9) best = { values: list, covered: list.length, total }
    }
    return best ? { value: aggregate(best.values, how)!, covered: best.covered, total: best.total } : null
  }

  /** A target for `p` spread down from the nearest longer period that has one. */
  spreadFor(p: Period, how: Aggregation): number | null {
    const anchor = anchorOfKey(periodKey(p), this.cal)
    for (const g of ['month', 'quarter', 'year'] as const) {
      if (GRANULARITY_RANK[g] <= GRANULARITY_RANK[p.granularity] || !this.present.has(g)) continue
      const parentKey = keyOfDay(anchor, g, this.cal)
      const v = this.direct.get(parentKey)
      if (v === undefined) continue
      return how === 'sum' ? v / Math.max(1, subCount(periodFromKey(parentKey), p.granularity, this.cal)) : v
    }
    return null
  }
}

export interface SeriesInput {
  actuals: readonly StoredValue[] | ValueIndex
  targets: readonly StoredValue[] | ValueIndex
  aggregation: Aggregation
  direction: Direction
  thresholds: HealthThresholds
  calendar: FiscalCalendar
  granularity: Granularity
  from: Period
  to: Period
  /** The periods from `from` to `to`, when the caller builds many series over the same ones. */
  periods?: readonly Period[]
}

/**
 * Actual against target per period. Targets are stored for the period, rolled up from shorter
 * ones, or spread from a longer one. A period rolled up from only some of its shorter periods is
 * incomplete; a summed one is then compared with the same share of its target (to date).
 */
export function buildSeries(input: SeriesInput): SeriesPoint[] {
  const actuals = input.actuals instanceof ValueIndex ? input.actuals : new ValueIndex(input.actuals, input.calendar)
  const targets = input.targets instanceof ValueIndex ? input.targets : new ValueIndex(input.targets, input.calendar)
  return (input.periods ?? periodsBetween(input.from, input.to, input.calendar)).map((p) => {
    const a = actuals.valueOf(p, input.aggregation)
    const t = targets.valueOf(p, input.aggregation)
    const target = t
      ? t.value * (input.aggregation === 'sum' && t.covered < t.total ? t.total / t.covered : 1)
      : targets.spreadFor(p, input.aggregation)
    const complete = !a || a.covered >= a.total
    const comparable = target === null ? null : input.aggregation === 'sum' && a && !complete ? (target * a.covered) / a.total : target
    const att = attainment(a?.value ?? null, comparable, input.direction)
    return {
      period: periodKey(p),
      label: periodLabel(p),
      short: periodShortLabel(p),
      actual: a?.value ?? null,
      target,
      attainment: att,
      health: healthOf(att, input.thresholds),
      complete,
    }
  })
}

/** The latest point with an actual (complete ones preferred), for "where does it stand". */
export function latestPoint(series: readonly SeriesPoint[]): SeriesPoint | null {
  let partial: SeriesPoint | null = null
  for (let i = series.length - 1; i >= 0; i--) {
    const p = series[i]!
    if (p.actual === null) continue
    if (p.complete) return p
    partial ??= p
  }
  return partial
}

/** The change from the previous point with an actual to the latest, absolute and relative. */
export function changeOf(series: readonly SeriesPoint[]): { from: number; to: number; delta: number; relative: number | null } | null {
  // Compare whole periods: a month to date against a full month is not a change.
  const complete = series.filter((p) => p.actual !== null && p.complete)
  const withActual = complete.length >= 2 ? complete : series.filter((p) => p.actual !== null)
  if (withActual.length < 2) return null
  const to = withActual[withActual.length - 1]!.actual!
  const from = withActual[withActual.length - 2]!.actual!
  return { from, to, delta: to - from, relative: from === 0 ? null : (to - from) / Math.abs(from) }
}

/** Whether a change is good news for the metric's direction. */
export function isImprovement(delta: number, direction: Direction): boolean {
  return direction === 'higher' ? delta > 0 : delta < 0
}

// ---------- Commitments ----------

export interface CommitmentProgress {
  /** Share of the way from baseline to target (0 = at baseline, 1 = target reached). */
  progress: number | null
  /** Share of the time from commitment to due date that has passed. */
  elapsed: number
  health: Health
  /** The metric is at or past the target, in its direction (progress ≥ 1): on track, whatever the date. */
  passed: boolean
}

/**
 * Progress of a commitment: how far the metric moved from baseline toward target, compared with
 * how much of the time has passed (a straight line from start to due date is "on plan").
 */
export function commitmentProgress(
  c: { baseline: number; target: number; current: number | null; startDay: number; dueDay: number; todayDay: number },
  t: HealthThresholds,
): CommitmentProgress {
  const span = Math.max(1, c.dueDay - c.startDay)
  const elapsed = Math.min(1, Math.max(0, (c.todayDay - c.startDay) / span))
  if (c.current === null || c.target === c.baseline) return { progress: null, elapsed, health: 'unknown', passed: false }
  // (current − baseline) ÷ (target − baseline) is direction-aware: a cost target below its baseline
  // is passed by going lower.
  const progress = (c.current - c.baseline) / (c.target - c.baseline)
  if (progress >= 1 - 1e-9) return { progress, elapsed, health: 'on_track', passed: true }
  if (elapsed === 0) return { progress, elapsed, health: progress >= 0 ? 'on_track' : 'behind', passed: false }
  // A little slack early on: at 10% of the time nobody is at risk for being 5 points short.
  const expected = Math.max(elapsed, 0.0001)
  const ratio = progress / expected
  return { progress, elapsed, health: healthOf(Math.max(0, ratio + (1 - elapsed) * 0.1), t), passed: false }
}

/** The width of a commitment's progress bar, 0–1: a target passed fills it, never more. */
export function progressBarShare(progress: number | null): number {
  return progress === null ? 0 : Math.max(0, Math.min(1, progress))
}

/** How far a commitment has come, in words: "Target passed", "40% of the way", "moved away from the target". */
export function progressWords(p: { progress: number | null; passed: boolean }): string {
  if (p.progress === null) return 'no progress to measure yet'
  if (p.passed) return 'Target passed'
  if (p.progress < 0) return 'moved away from the target'
  return `${Math.floor(p.progress * 100)}% of the way`
}

/**
 * Where a commitment's metric stands now, compared like with like (decision 006): a summed period
 * still running (a quarter to date) is scaled up by the share of it that has data, so two months
 * of a quarter's pipeline are not read as a fall against a whole quarter's baseline. `pace` is that
 * projection (null for whole periods and for levels, which need none).
 */
export function comparableCurrent(
  point: { actual: number | null; complete: boolean } | null,
  aggregation: Aggregation,
  share: number | null,
): { current: number | null; pace: number | null } {
  if (!point || point.actual === null) return { current: null, pace: null }
  if (point.complete || aggregation !== 'sum' || share === null || !(share > 0) || share >= 1) return { current: point.actual, pace: null }
  const pace = point.actual / share
  return { current: pace, pace }
}

/** The terms a `$` chip commits a narrative to (see docs/decisions/008-commitments-from-chips.md). */
export interface ChipCommitmentTerms {
  baseline: number
  target: number
  granularity: Granularity
  /** The last day of the period the target belongs to (inclusive). */
  dueDay: number
  /** "FY27" or "FY28 Q1": whose target it is. */
  targetPeriod: string
}

/**
 * What citing a metric with a chip commits to: from the latest actual (the baseline) to the target
 * at the end of the current fiscal year, or else at the end of the first quarter ahead that has a
 * target, by that day. The baseline is the latest whole period with an actual. Levels (average,
 * last value) are measured per month; flows (sums) per
 * quarter, so "pipeline from $4.0M to $4.6M a quarter" compares like with like. Null when there is
 * no actual yet, no target ahead, or the metric already meets it (nothing to move): the chip then
 * only cites.
 */
export function chipCommitmentTerms(input: {
  actuals: ValueIndex
  targets: ValueIndex
  aggregation: Aggregation
  direction: Direction
  thresholds: HealthThresholds
  calendar: FiscalCalendar
  day: number
}): ChipCommitmentTerms | null {
  const cal = input.calendar
  const granularity: Granularity = input.aggregation === 'sum' ? 'quarter' : 'month'
  const now = periodOf(input.day, granularity, cal)
  const series = (from: Period, to: Period) =>
    buildSeries({
      actuals: input.actuals,
      targets: input.targets,
      aggregation: input.aggregation,
      direction: input.direction,
      thresholds: input.thresholds,
      calendar: cal,
      granularity,
      from,
      to,
    })
  // A whole period only: a quarter to date is not a baseline.
  const latest = series(shiftPeriod(now, granularity === 'month' ? -12 : -4, cal), now).findLast((p) => p.complete && p.actual !== null)
  if (!latest || latest.actual === null) return null
  const baseline = latest.actual
  const lastOf = (p: Period) => periodOf(periodRange(p, cal).end - 1, granularity, cal)
  const year = periodOf(input.day, 'year', cal)
  const quarter = periodOf(input.day, 'quarter', cal)
  const candidates: Period[] = [year, ...Array.from({ length: 8 }, (_, i) => shiftPeriod(quarter, i + 1, cal))]
  for (const p of candidates) {
    const end = lastOf(p)
    const [point] = series(end, end)
    if (point?.target === null || point?.target === undefined) continue
    // Already at or past the target: nothing to move, the chip only cites.
    if (!isImprovement(point.target - baseline, input.direction)) return null
    return { baseline, target: point.target, granularity, dueDay: periodRange(p, cal).end - 1, targetPeriod: periodLabel(p) }
  }
  return null
}

/** A narrative whose commitments cite only lagging metrics needs a leading indicator. */
export function needsLeadingIndicator(commitments: readonly { kind: IndicatorKind }[]): boolean {
  return commitments.length > 0 && commitments.every((c) => c.kind === 'lagging')
}

// ---------- Funnels ----------

export interface FunnelStep {
  key: string
  name: string
  value: number | null
  /** Conversion from the previous step (0–1), null for the first or when unknown. */
  conversion: number | null
}

/** Steps in order with the conversion rate between each step and the one before it. */
export function funnel(steps: readonly { key: string; name: string; value: number | null }[]): FunnelStep[] {
  return steps.map((s, i) => {
    const prev = i > 0 ? steps[i - 1]!.value : null
    return { ...s, conversion: prev && s.value !== null && prev > 0 ? s.value / prev : null }
  })
}

/** Every period between two days at a granularity, as keys (for charts' x axes). */
export function periodKeysCovering(startDay: number, endDay: number, g: Granularity, cal: FiscalCalendar): string[] {
  return periodsBetween(periodOf(startDay, g, cal), periodOf(endDay, g, cal), cal).map(periodKey)
}

/** The days a period key covers in a calendar (for storage: quarter and year keys depend on the fiscal start). */
export function rangeOfKey(key: string, cal: FiscalCalendar) {
  return periodRange(periodFromKey(key), cal)
}
