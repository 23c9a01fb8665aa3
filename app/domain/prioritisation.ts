/**
 * Roadmap prioritisation: an initiative's priority score from its expected impact on the shared
 * goal metrics, the confidence in each impact, its effort and its feasibility. Pure; the breakdown
 * explains every term so the roadmap can show the formula, not just a number.
 *
 *   score = Σ (expected change × metric weight × confidence) ÷ effort points   [× feasibility factor]
 *
 * A change on a metric where lower is better (cost, churn, cycle time) counts with its sign flipped:
 * −10% CAC is progress toward the goal.
 */
import type { FeasibilityStatus } from './feasibility.ts'

export const EFFORT_SIZES = ['S', 'M', 'L', 'XL'] as const
export type EffortSize = (typeof EFFORT_SIZES)[number]

/** Effort points per T-shirt size; person-weeks count one point per week (an S is about a week). */
export const EFFORT_POINTS: Record<EffortSize, number> = { S: 1, M: 2, L: 4, XL: 8 }

export const EFFORT_LABELS: Record<EffortSize, string> = {
  S: 'S · about a week',
  M: 'M · about two weeks',
  L: 'L · about a month',
  XL: 'XL · about two months',
}

export const INITIATIVE_STATUSES = ['proposed', 'planned', 'in_progress', 'done', 'dropped'] as const
export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number]
export const INITIATIVE_STATUS_LABELS: Record<InitiativeStatus, string> = {
  proposed: 'Proposed',
  planned: 'Planned',
  in_progress: 'In progress',
  done: 'Done',
  dropped: 'Dropped',
}

export const HORIZONS = ['now', 'next', 'later'] as const
export type Horizon = (typeof HORIZONS)[number]
export const HORIZON_LABELS: Record<Horizon, string> = { now: 'Now', next: 'Next', later: 'Later' }

export const STANCES = ['support', 'concern', 'block'] as const
export type Stance = (typeof STANCES)[number]
export const STANCE_LABELS: Record<Stance, string> = { support: 'Support', concern: 'Concern', block: 'Block' }

/** How a workspace weighs its shared goals (a workspace setting; absent = these defaults). */
export interface ScoringWeights {
  /** Weight per metric key; metrics not listed weigh `defaultWeight`. */
  metrics: Record<string, number>
  defaultWeight: number
  /** Multiply the score of initiatives whose feasibility fails by `failFactor`. Flagged either way. */
  penaliseFailing: boolean
  /** 0..1: 0.5 halves the score of an initiative that cannot be done with today's stack. */
  failFactor: number
}

export const DEFAULT_WEIGHTS: ScoringWeights = { metrics: {}, defaultWeight: 1, penaliseFailing: true, failFactor: 0.5 }

export interface ImpactInput {
  metricKey: string
  /** Shown instead of the key when the metric is in the dictionary. */
  metricName?: string | null
  /** Expected relative change in percent (+6 = "+6%"). */
  expectedChange: number
  /** 0..1. */
  confidence: number
  /** From the metric dictionary; unknown metrics count as higher-is-better. */
  direction?: 'higher' | 'lower' | null
}

export interface ScoreInput {
  impacts: readonly ImpactInput[]
  effort: EffortSize
  /** Person-weeks, when known: then the effort divisor is the weeks, not the size's points. */
  effortWeeks?: number | null
  feasibility: FeasibilityStatus
}

export interface ScoreTerm {
  metricKey: string
  label: string
  expectedChange: number
  /** +1, or −1 for a lower-is-better metric. */
  sign: 1 | -1
  weight: number
  confidence: number
  /** sign × change × weight × confidence. */
  value: number
}

export interface ScoreBreakdown {
  terms: ScoreTerm[]
  /** Σ of the terms: confidence-weighted impact on the shared goals. */
  impact: number
  effort: { size: EffortSize; weeks: number | null; points: number }
  feasibility: { status: FeasibilityStatus; flagged: boolean; factor: number }
  /** impact ÷ effort points × feasibility factor. */
  score: number
  /** The arithmetic written out, e.g. "(+6% × 3 × 0.7 + +2% × 1 × 0.5) ÷ 2 = 6.8". */
  formula: string
}

const round = (n: number, digits = 2) => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** A signed percent, "+6%" / "−3%". */
export function formatChange(change: number): string {
  const n = round(Math.abs(change), 1)
  return `${change < 0 ? '−' : '+'}${n.toLocaleString('en-US')}%`
}

/** A score with one decimal (scores are relative: only the order and the terms matter). */
export function formatScore(score: number): string {
  return round(score, 1).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })
}

/** Effort points: person-weeks when given, else the size's points. */
export function effortPoints(size: EffortSize, weeks?: number | null): number {
  return weeks && weeks > 0 ? weeks : EFFORT_POINTS[size]
}

/** The T-shirt size that person-weeks fall into (≤1 S, ≤2 M, ≤4 L, more XL). */
export function sizeForWeeks(weeks: number): EffortSize {
  return weeks <= 1 ? 'S' : weeks <= 2 ? 'M' : weeks <= 4 ? 'L' : 'XL'
}

/** The weight of one metric under the workspace's weights. */
export function weightOf(weights: ScoringWeights, metricKey: string): number {
  const w = weights.metrics[metricKey]
  return typeof w === 'number' && Number.isFinite(w) && w >= 0 ? w : weights.defaultWeight
}

/** An initiative's priority score with the breakdown of every term. */
export function scoreInitiative(input: ScoreInput, weights: ScoringWeights = DEFAULT_WEIGHTS): ScoreBreakdown {
  const terms: ScoreTerm[] = input.impacts.map((i) => {
    const sign = i.direction === 'lower' ? -1 : 1
    const weight = weightOf(weights, i.metricKey)
    const confidence = Math.min(1, Math.max(0, i.confidence))
    return {
      metricKey: i.metricKey,
      label: i.metricName || i.metricKey,
      expectedChange: i.expectedChange,
      sign,
      weight,
      confidence,
      value: sign * i.expectedChange * weight * confidence,
    }
  })
  const impact = terms.reduce((sum, t) => sum + t.value, 0)
  const weeks = input.effortWeeks && input.effortWeeks > 0 ? input.effortWeeks : null
  const points = effortPoints(input.effort, weeks)
  const flagged = input.feasibility === 'fail'
  const factor = flagged && weights.penaliseFailing ? Math.min(1, Math.max(0, weights.failFactor)) : 1
  // A penalty shrinks a positive score; it must not make a harmful initiative look less harmful.
  const raw = impact / points
  const score = raw > 0 ? raw * factor : raw
  const appliedFactor = raw > 0 ? factor : 1
  // Lower-is-better metrics enter with their sign flipped (the progress they make).
  const termText = terms.map((t) => `${formatChange(t.sign * t.expectedChange)} × ${fmt(t.weight)} × ${fmt(t.confidence)}`)
  const sum = termText.length === 0 ? '0' : termText.length === 1 ? termText[0]! : `(${termText.join(' + ')})`
  const formula = `${sum} ÷ ${fmt(points)}${appliedFactor !== 1 ? ` × ${fmt(appliedFactor)}` : ''} = ${formatScore(score)}`
  return {
    terms: terms.map((t) => ({ ...t, value: round(t.value, 4) })),
    impact: round(impact, 4),
    effort: { size: input.effort, weeks, points },
    feasibility: { status: input.feasibility, flagged, factor: appliedFactor },
    score: round(score, 4),
    formula,
  }
}

const fmt = (n: number) => round(n, 2).toLocaleString('en-US')

/** Highest score first; ties by title so the order is stable. */
export function rankByScore<T extends { title: string; breakdown: { score: number } }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.breakdown.score - a.breakdown.score || a.title.localeCompare(b.title))
}

/** Stances counted per function: "Sales: 3 support, 1 concern". */
export interface FunctionInput<F extends string = string> {
  function: F
  support: number
  concern: number
  block: number
}

/** Counts stances per function, functions in first-seen order of `order`. */
export function countStancesByFunction<F extends string>(
  stances: readonly { function: F; stance: Stance }[],
  order: readonly F[],
): FunctionInput<F>[] {
  const by = new Map<F, FunctionInput<F>>()
  for (const s of stances) {
    const row = by.get(s.function) ?? { function: s.function, support: 0, concern: 0, block: 0 }
    row[s.stance] += 1
    by.set(s.function, row)
  }
  return order.filter((f) => by.has(f)).map((f) => by.get(f)!)
}

/** "3 support, 1 concern" (zero counts left out). */
export function describeCounts(c: { support: number; concern: number; block: number }): string {
  return STANCES.filter((s) => c[s] > 0)
    .map((s) => `${c[s]} ${s}`)
    .join(', ')
}

const QUARTER = /^(\d{4})-Q([1-4])$/

/** True for a quarter timeframe ("2027-Q1"). */
export function isQuarter(timeframe: string): boolean {
  return QUARTER.test(timeframe)
}

/** A timeframe as the board names it: "FY27 Q1" or "Now". */
export function timeframeLabel(timeframe: string): string {
  const m = QUARTER.exec(timeframe)
  if (m) return `FY${m[1]!.slice(2)} Q${m[2]}`
  return HORIZON_LABELS[timeframe as Horizon] ?? timeframe
}

/** Adds `n` quarters to a quarter key. */
export function shiftQuarter(key: string, n: number): string {
  const m = QUARTER.exec(key)
  if (!m) throw new Error(`not a quarter: ${key}`)
  const index = Number(m[1]) * 4 + Number(m[2]) - 1 + n
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`
}

/**
 * The horizon of a timeframe relative to the current (fiscal) quarter: quarters up to the current
 * one are now, the next one is next, anything after is later.
 */
export function horizonOf(timeframe: string, currentQuarter: string): Horizon {
  if (!isQuarter(timeframe)) return timeframe as Horizon
  if (timeframe <= currentQuarter) return 'now'
  return timeframe === shiftQuarter(currentQuarter, 1) ? 'next' : 'later'
}

/** The quarter columns of the board: the current quarter and the two after it, plus any in use. */
export function boardQuarters(currentQuarter: string, used: readonly string[]): string[] {
  const set = new Set([0, 1, 2].map((n) => shiftQuarter(currentQuarter, n)))
  for (const t of used) if (isQuarter(t)) set.add(t)
  return [...set].sort()
}
