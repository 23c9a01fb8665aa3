import { describe, expect, it } from 'vitest'
import {
  DEFAULT_WEIGHTS,
  boardQuarters,
  countStancesByFunction,
  describeCounts,
  formatChange,
  horizonOf,
  rankByScore,
  scoreInitiative,
  shiftQuarter,
  sizeForWeeks,
  timeframeLabel,
  type ScoringWeights,
} from './prioritisation.ts'

const weights: ScoringWeights = { ...DEFAULT_WEIGHTS, metrics: { revenue: 3, pipeline: 2 } }

describe('scoreInitiative', () => {
  it('sums change × weight × confidence over the impacts and divides by effort points', () => {
    const b = scoreInitiative(
      {
        impacts: [
          { metricKey: 'revenue', metricName: 'Revenue', expectedChange: 6, confidence: 0.5 },
          { metricKey: 'mql_sql', expectedChange: 10, confidence: 0.8 },
        ],
        effort: 'M',
        feasibility: 'pass',
      },
      weights,
    )
    // (6 × 3 × 0.5 + 10 × 1 × 0.8) ÷ 2 = (9 + 8) ÷ 2
    expect(b.impact).toBe(17)
    expect(b.effort).toEqual({ size: 'M', weeks: null, points: 2 })
    expect(b.score).toBe(8.5)
    expect(b.terms.map((t) => [t.label, t.weight, t.value])).toEqual([
      ['Revenue', 3, 9],
      ['mql_sql', 1, 8],
    ])
    expect(b.formula).toBe('(+6% × 3 × 0.5 + +10% × 1 × 0.8) ÷ 2 = 8.5')
  })

  it('uses the effort points S=1, M=2, L=4, XL=8, or person-weeks when given', () => {
    const at = (effort: 'S' | 'M' | 'L' | 'XL', effortWeeks?: number) =>
      scoreInitiative({ impacts: [{ metricKey: 'x', expectedChange: 8, confidence: 1 }], effort, effortWeeks, feasibility: 'pass' }).score
    expect([at('S'), at('M'), at('L'), at('XL')]).toEqual([8, 4, 2, 1])
    expect(at('XL', 16)).toBe(0.5)
    expect(sizeForWeeks(1)).toBe('S')
    expect(sizeForWeeks(3)).toBe('L')
    expect(sizeForWeeks(12)).toBe('XL')
  })

  it('counts a fall in a lower-is-better metric as progress', () => {
    const b = scoreInitiative({
      impacts: [{ metricKey: 'cac', expectedChange: -10, confidence: 0.5, direction: 'lower' }],
      effort: 'S',
      feasibility: 'pass',
    })
    expect(b.score).toBe(5)
    expect(b.terms[0]!.sign).toBe(-1)
    expect(b.formula).toBe('+10% × 1 × 0.5 ÷ 1 = 5.0')
  })

  it('flags failing feasibility and applies the penalty only when the workspace asks for it', () => {
    const input = {
      impacts: [{ metricKey: 'revenue', expectedChange: 4, confidence: 1 }],
      effort: 'S' as const,
      feasibility: 'fail' as const,
    }
    const penalised = scoreInitiative(input, weights)
    expect(penalised.feasibility).toEqual({ status: 'fail', flagged: true, factor: 0.5 })
    expect(penalised.score).toBe(6)
    expect(penalised.formula).toBe('+4% × 3 × 1 ÷ 1 × 0.5 = 6.0')
    const flaggedOnly = scoreInitiative(input, { ...weights, penaliseFailing: false })
    expect(flaggedOnly.feasibility).toEqual({ status: 'fail', flagged: true, factor: 1 })
    expect(flaggedOnly.score).toBe(12)
    expect(scoreInitiative({ ...input, feasibility: 'at_risk' }, weights).feasibility.flagged).toBe(false)
  })

  it('never makes a harmful initiative look better through the penalty', () => {
    const b = scoreInitiative({ impacts: [{ metricKey: 'x', expectedChange: -4, confidence: 1 }], effort: 'S', feasibility: 'fail' })
    expect(b.score).toBe(-4)
    expect(b.feasibility.factor).toBe(1)
  })

  it('scores zero without impacts, and clamps confidence to 0..1', () => {
    expect(scoreInitiative({ impacts: [], effort: 'L', feasibility: 'unknown' })).toMatchObject({ score: 0, formula: '0 ÷ 4 = 0.0' })
    expect(
      scoreInitiative({ impacts: [{ metricKey: 'x', expectedChange: 2, confidence: 3 }], effort: 'S', feasibility: 'pass' }).score,
    ).toBe(2)
  })

  it('ignores negative or non-numeric metric weights in favour of the default', () => {
    const b = scoreInitiative(
      { impacts: [{ metricKey: 'x', expectedChange: 2, confidence: 1 }], effort: 'S', feasibility: 'pass' },
      { ...DEFAULT_WEIGHTS, defaultWeight: 2, metrics: { x: -1 } },
    )
    expect(b.terms[0]!.weight).toBe(2)
  })
})

describe('ranking and input', () => {
  it('ranks by score, then by title', () => {
    const items = [
      { title: 'b', breakdown: { score: 1 } },
      { title: 'a', breakdown: { score: 1 } },
      { title: 'c', breakdown: { score: 3 } },
    ]
    expect(rankByScore(items).map((i) => i.title)).toEqual(['c', 'a', 'b'])
  })

  it('counts stances per function in the given order and describes them', () => {
    const counts = countStancesByFunction(
      [
        { function: 'finance', stance: 'concern' },
        { function: 'sales', stance: 'support' },
        { function: 'sales', stance: 'support' },
        { function: 'sales', stance: 'block' },
      ],
      ['sales', 'finance', 'product'],
    )
    expect(counts).toEqual([
      { function: 'sales', support: 2, concern: 0, block: 1 },
      { function: 'finance', support: 0, concern: 1, block: 0 },
    ])
    expect(describeCounts(counts[0]!)).toBe('2 support, 1 block')
  })
})

describe('timeframes', () => {
  it('names quarters the way finance does and shifts across years', () => {
    expect(timeframeLabel('2027-Q1')).toBe('FY27 Q1')
    expect(timeframeLabel('next')).toBe('Next')
    expect(shiftQuarter('2027-Q4', 1)).toBe('2028-Q1')
    expect(shiftQuarter('2027-Q1', -1)).toBe('2026-Q4')
    expect(formatChange(-2.25)).toBe('−2.3%')
  })

  it('maps quarters to now / next / later around the current quarter', () => {
    expect(horizonOf('2027-Q2', '2027-Q3')).toBe('now')
    expect(horizonOf('2027-Q3', '2027-Q3')).toBe('now')
    expect(horizonOf('2027-Q4', '2027-Q3')).toBe('next')
    expect(horizonOf('2028-Q1', '2027-Q3')).toBe('later')
    expect(horizonOf('later', '2027-Q3')).toBe('later')
  })

  it('shows the current quarter and the two after it, plus any in use', () => {
    expect(boardQuarters('2027-Q3', ['2027-Q1', 'now', '2028-Q4'])).toEqual(['2027-Q1', '2027-Q3', '2027-Q4', '2028-Q1', '2028-Q4'])
  })
})
