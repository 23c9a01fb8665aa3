import { describe, expect, it } from 'vitest'
import {
  aggregate,
  attainment,
  buildSeries,
  chipCommitmentTerms,
  commitmentProgress,
  comparableCurrent,
  progressBarShare,
  progressWords,
  DEFAULT_THRESHOLDS,
  formatAttainment,
  formatValue,
  funnel,
  healthBand,
  healthOf,
  latestPoint,
  needsLeadingIndicator,
  parseNumber,
  spreadTarget,
  thresholdsProblem,
  valueProblem,
  ValueIndex,
  type StoredValue,
} from './metrics.ts'
import { CsvSyntaxError, parseCsv } from './csv.ts'
import { parseDate, periodFromKey, type FiscalCalendar } from './periods.ts'

const JAN: FiscalCalendar = { startMonth: 1 }
const FEB: FiscalCalendar = { startMonth: 2 }
const APR: FiscalCalendar = { startMonth: 4 }
const T = DEFAULT_THRESHOLDS
const months = (year: number, values: number[]): StoredValue[] =>
  values.map((value, i) => ({ period: `${year}-${String(i + 1).padStart(2, '0')}`, granularity: 'month', value }))

describe('aggregation', () => {
  it('sums, averages or takes the last value, in time order', () => {
    expect(aggregate([1, 2, 3, 10], 'sum')).toBe(16)
    expect(aggregate([1, 2, 3, 10], 'average')).toBe(4)
    expect(aggregate([1, 2, 3, 10], 'last')).toBe(10)
    expect(aggregate([], 'sum')).toBeNull()
  })

  it('spreads a yearly target: equal shares of a sum, the same level otherwise', () => {
    expect(spreadTarget(1200, 'sum', 12)).toEqual(Array(12).fill(100))
    expect(spreadTarget(19, 'average', 4)).toEqual([19, 19, 19, 19])
    expect(spreadTarget(5, 'last', 0)).toEqual([])
  })
})

describe('attainment and health', () => {
  it('is actual over target when higher is better', () => {
    expect(attainment(4.6, 4.0, 'higher')).toBeCloseTo(1.15)
    expect(attainment(3.0, 4.0, 'higher')).toBeCloseTo(0.75)
  })

  it('rewards being under target when lower is better, linearly, never below zero', () => {
    expect(attainment(15_200, 14_000, 'lower')).toBeCloseTo(1 - 1200 / 14000)
    expect(attainment(12_000, 14_000, 'lower')).toBeGreaterThan(1)
    expect(attainment(40_000, 14_000, 'lower')).toBe(0)
  })

  it('has no attainment without an actual, a target, or with a zero target', () => {
    expect(attainment(null, 4, 'higher')).toBeNull()
    expect(attainment(4, null, 'higher')).toBeNull()
    expect(attainment(4, 0, 'higher')).toBeNull()
  })

  it('sorts attainment into bands at the thresholds, inclusive', () => {
    expect(healthOf(1.2, T)).toBe('on_track')
    expect(healthOf(0.95, T)).toBe('on_track')
    expect(healthOf(0.9499, T)).toBe('behind')
    expect(healthOf(0.85, T)).toBe('behind')
    expect(healthOf(0.8499, T)).toBe('at_risk')
    expect(healthOf(null, T)).toBe('unknown')
    expect(healthOf(0.9, { onTrack: 0.9, atRisk: 0.7 })).toBe('on_track')
  })

  it('checks the workspace thresholds', () => {
    expect(thresholdsProblem({ onTrack: 0.95, atRisk: 0.85 })).toBeNull()
    expect(thresholdsProblem({ onTrack: 0.8, atRisk: 0.9 })).toMatch(/below/)
    expect(thresholdsProblem({ onTrack: 2, atRisk: 0.9 })).toMatch(/between/)
  })

  it('puts the on-track band on the right side of the target', () => {
    expect(healthBand(100, 'higher', T)).toEqual([95, 100])
    expect(healthBand(100, 'lower', T)![1]).toBeCloseTo(105)
  })
})

describe('values', () => {
  it('refuses non-finite numbers, percentages outside 0–100 and negative counts', () => {
    expect(valueProblem(Number.NaN, 'count')).toMatch(/finite/)
    expect(valueProblem(Number.POSITIVE_INFINITY, 'currency')).toMatch(/finite/)
    expect(valueProblem(250, 'percent')).toMatch(/between 0 and 100/)
    expect(valueProblem(-1, 'count')).toMatch(/negative/)
    expect(valueProblem(-1, 'days')).toMatch(/negative/)
    expect(valueProblem(-1500, 'currency')).toBeNull()
    expect(valueProblem(100, 'percent')).toBeNull()
  })

  it('reads numbers the way people type them', () => {
    expect(parseNumber('4,000,000')).toBe(4_000_000)
    expect(parseNumber('$4.6M')).toBeCloseTo(4_600_000)
    expect(parseNumber('14%')).toBe(14)
    expect(parseNumber('1.2k')).toBeCloseTo(1200)
    expect(parseNumber('(250)')).toBe(-250)
    expect(parseNumber('-0.5')).toBe(-0.5)
    for (const bad of ['', 'abc', '1,2,3', 'NaN', 'Infinity', '1e999', '12abc', '--1']) expect(parseNumber(bad), bad).toBeNull()
  })

  it('formats values with their unit and tabular-friendly precision', () => {
    expect(formatValue(4_600_000, 'currency', { style: 'summary' })).toBe('$4.6M')
    expect(formatValue(15_200, 'currency', { currency: 'EUR' })).toBe('€15,200')
    expect(formatValue(14.25, 'percent')).toBe('14.3%')
    expect(formatValue(1240, 'count')).toBe('1,240')
    expect(formatValue(42, 'days')).toBe('42 days')
    expect(formatValue(3.1, 'ratio')).toBe('3.1×')
    expect(formatValue(null, 'count')).toBe('—')
  })

  it('shows a spread target compact in summaries and exact in grids', () => {
    const month = 20_000_000 / 12
    expect(formatValue(month, 'currency', { style: 'summary' })).toBe('$1.7M')
    expect(formatValue(month, 'currency', { style: 'exact' })).toBe('$1,666,667')
    expect(formatValue(month, 'currency')).toBe('$1,666,667')
    expect(formatValue(250_000, 'currency', { style: 'summary' })).toBe('$250K')
    // Small figures read the same either way.
    expect(formatValue(1666.67, 'count', { style: 'summary' })).toBe('1,667')
    expect(formatValue(16.8, 'percent', { style: 'summary' })).toBe('16.8%')
  })
})

describe('series', () => {
  it('rolls monthly actuals up into fiscal quarters by the aggregation', () => {
    const actuals = months(2026, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120])
    const targets: StoredValue[] = [{ period: '2027-Q1', granularity: 'quarter', value: 100 }]
    const base = { targets, direction: 'higher' as const, thresholds: T, calendar: FEB, granularity: 'quarter' as const }
    const sum = buildSeries({ ...base, actuals, aggregation: 'sum', from: periodFromKey('2027-Q1'), to: periodFromKey('2027-Q3') })
    // FY27 Q1 with a February start is Feb + Mar + Apr 2026.
    expect(sum[0]).toMatchObject({ period: '2027-Q1', label: 'FY27 Q1', actual: 90, target: 100, health: 'behind', complete: true })
    expect(sum[0]!.attainment).toBeCloseTo(0.9)
    expect(sum[1]!.actual).toBe(50 + 60 + 70)
    const avg = buildSeries({ ...base, actuals, aggregation: 'average', from: periodFromKey('2027-Q1'), to: periodFromKey('2027-Q1') })
    expect(avg[0]!.actual).toBe(30)
    const last = buildSeries({ ...base, actuals, aggregation: 'last', from: periodFromKey('2027-Q1'), to: periodFromKey('2027-Q1') })
    expect(last[0]!.actual).toBe(40)
  })

  it('prefers a value stored for the period over a roll-up', () => {
    const actuals: StoredValue[] = [...months(2026, [1, 1, 1]), { period: '2026-Q1', granularity: 'quarter', value: 7 }]
    const s = buildSeries({
      actuals,
      targets: [],
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'quarter',
      from: periodFromKey('2026-Q1'),
      to: periodFromKey('2026-Q1'),
    })
    expect(s[0]!.actual).toBe(7)
    expect(s[0]!.health).toBe('unknown')
  })

  it('rolls 53 ISO weeks into a year and weeks into months by their Thursday', () => {
    const weeks: StoredValue[] = Array.from({ length: 53 }, (_, i) => ({
      period: `2026-W${String(i + 1).padStart(2, '0')}`,
      granularity: 'week' as const,
      value: 1,
    }))
    const year = buildSeries({
      actuals: weeks,
      targets: [],
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'year',
      from: periodFromKey('2026'),
      to: periodFromKey('2026'),
    })
    expect(year[0]).toMatchObject({ actual: 53, complete: true })
    const dec = buildSeries({
      actuals: weeks,
      targets: [],
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'month',
      from: periodFromKey('2026-12'),
      to: periodFromKey('2026-12'),
    })
    expect(dec[0]!.actual).toBe(5) // W49–W53: the Thursday of W53 is 2026-12-31
  })

  it('compares an incomplete summed period with the same share of its target', () => {
    const actuals = months(2026, [30, 30]) // Jan and Feb of Q1
    const targets: StoredValue[] = [{ period: '2026-Q1', granularity: 'quarter', value: 90 }]
    const s = buildSeries({
      actuals,
      targets,
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'quarter',
      from: periodFromKey('2026-Q1'),
      to: periodFromKey('2026-Q1'),
    })
    expect(s[0]).toMatchObject({ actual: 60, target: 90, complete: false, health: 'on_track' })
    expect(s[0]!.attainment).toBeCloseTo(1)
  })

  it('spreads a yearly target down to months and rolls monthly targets up', () => {
    const targets: StoredValue[] = [{ period: '2026', granularity: 'year', value: 1200 }]
    const s = buildSeries({
      actuals: months(2026, [100, 80]),
      targets,
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'month',
      from: periodFromKey('2026-01'),
      to: periodFromKey('2026-02'),
    })
    expect(s.map((p) => [p.target, p.health])).toEqual([
      [100, 'on_track'],
      [100, 'at_risk'],
    ])
    const pct = buildSeries({
      actuals: [],
      targets: [{ period: '2026', granularity: 'year', value: 19 }],
      aggregation: 'average',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'quarter',
      from: periodFromKey('2026-Q1'),
      to: periodFromKey('2026-Q1'),
    })
    expect(pct[0]!.target).toBe(19)
    const up = buildSeries({
      actuals: [],
      targets: months(2026, [10, 10, 10]),
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'quarter',
      from: periodFromKey('2026-Q1'),
      to: periodFromKey('2026-Q1'),
    })
    expect(up[0]!.target).toBe(30)
  })

  it('finds the latest complete point', () => {
    const s = buildSeries({
      actuals: months(2026, [30, 30, 30, 30]),
      targets: [],
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'quarter',
      from: periodFromKey('2026-Q1'),
      to: periodFromKey('2026-Q3'),
    })
    expect(latestPoint(s)?.period).toBe('2026-Q1')
  })
})

describe('commitments', () => {
  const day = (s: string) => parseDate(s)!
  it('measures progress from baseline to target against the time elapsed', () => {
    const base = { baseline: 4.0, target: 4.6, startDay: day('2026-04-01'), dueDay: day('2027-03-31') }
    const half = commitmentProgress({ ...base, current: 4.3, todayDay: day('2026-09-30') }, T)
    expect(half.progress).toBeCloseTo(0.5)
    expect(half.elapsed).toBeCloseTo(0.5, 1)
    expect(half.health).toBe('on_track')
    expect(commitmentProgress({ ...base, current: 3.9, todayDay: day('2026-12-31') }, T).health).toBe('at_risk')
    expect(commitmentProgress({ ...base, current: null, todayDay: day('2026-12-31') }, T).health).toBe('unknown')
    // Lower is better works the same way: progress toward a smaller number.
    const cac = commitmentProgress(
      {
        baseline: 15_000,
        target: 12_000,
        current: 13_500,
        startDay: day('2026-01-01'),
        dueDay: day('2027-01-01'),
        todayDay: day('2026-07-02'),
      },
      T,
    )
    expect(cac.progress).toBeCloseTo(0.5)
  })

  it('says "Target passed" and fills the bar, never more, once the metric is past the target in its direction', () => {
    const base = { baseline: 4.0, target: 4.6, startDay: day('2026-04-01'), dueDay: day('2027-03-31'), todayDay: day('2026-05-01') }
    const over = commitmentProgress({ ...base, current: 6.23 }, T)
    expect(over.progress).toBeCloseTo(3.72)
    expect(over.passed).toBe(true)
    expect(over.health).toBe('on_track')
    expect(progressWords(over)).toBe('Target passed')
    expect(progressBarShare(over.progress)).toBe(1)
    const part = commitmentProgress({ ...base, current: 4.3 }, T)
    expect(part.passed).toBe(false)
    expect(progressWords(part)).toBe('50% of the way')
    expect(progressBarShare(part.progress)).toBeCloseTo(0.5)
    const fell = commitmentProgress({ ...base, current: 3.8 }, T)
    expect(progressWords(fell)).toBe('moved away from the target')
    expect(progressBarShare(fell.progress)).toBe(0)
    expect(progressWords({ progress: null, passed: false })).toBe('no progress to measure yet')
    // Lower is better: a cost below its target has passed it; above its baseline has not.
    const cost = { baseline: 15_000, target: 12_000, startDay: day('2026-01-01'), dueDay: day('2027-01-01'), todayDay: day('2026-03-01') }
    expect(commitmentProgress({ ...cost, current: 11_000 }, T).passed).toBe(true)
    expect(commitmentProgress({ ...cost, current: 16_000 }, T).passed).toBe(false)
  })

  it('compares a quarter to date of a flow at its pace, and a whole period or a level as it is', () => {
    const partial = { actual: 2_800_000, complete: false }
    // Two of three months of pipeline: $2.8M so far is on pace for $4.2M a quarter, not a fall from $4.0M.
    expect(comparableCurrent(partial, 'sum', 2 / 3)).toEqual({ current: 4_200_000, pace: 4_200_000 })
    expect(comparableCurrent({ actual: 4_100_000, complete: true }, 'sum', null)).toEqual({ current: 4_100_000, pace: null })
    expect(comparableCurrent({ actual: 17, complete: false }, 'average', 1 / 3)).toEqual({ current: 17, pace: null })
    expect(comparableCurrent(null, 'sum', null)).toEqual({ current: null, pace: null })
  })

  it('flags commitments that cite only lagging metrics', () => {
    expect(needsLeadingIndicator([{ kind: 'lagging' }, { kind: 'lagging' }])).toBe(true)
    expect(needsLeadingIndicator([{ kind: 'lagging' }, { kind: 'leading' }])).toBe(false)
    expect(needsLeadingIndicator([])).toBe(false)
  })
})

describe('funnel', () => {
  it('gives conversion between consecutive steps', () => {
    const f = funnel([
      { key: 'mqls', name: 'MQLs', value: 1000 },
      { key: 'sqls', name: 'SQLs', value: 150 },
      { key: 'opps', name: 'Opportunities', value: 60 },
      { key: 'won', name: 'Won', value: null },
    ])
    expect(f.map((s) => s.conversion)).toEqual([null, 0.15, 0.4, null])
  })
})

describe('CSV', () => {
  it('reads quotes, doubled quotes, CRLF, a BOM and blank lines with their line numbers', () => {
    const rows = parseCsv('\ufeffmetric,period,value\r\npipeline,2026-11,"4,000,000"\r\n\r\n"say ""hi""",2026-Q4,"multi\nline"\n')
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4])
    expect(rows[1]!.cells).toEqual(['pipeline', '2026-11', '4,000,000'])
    expect(rows[2]!.cells).toEqual(['say "hi"', '2026-Q4', 'multi\nline'])
  })

  it('detects semicolons and tabs as separators', () => {
    expect(parseCsv('metric;period;value\nmqls;2026-11;10')[1]!.cells).toEqual(['mqls', '2026-11', '10'])
    expect(parseCsv('metric\tperiod\tvalue\nmqls\t2026-11\t10')[1]!.cells).toEqual(['mqls', '2026-11', '10'])
  })

  it('refuses an unclosed quote with its line', () => {
    expect(() => parseCsv('a,b\n"open,2')).toThrow(CsvSyntaxError)
  })
})

describe('roll-up source', () => {
  it('prefers the granularity that covers more of the period, months when both cover it fully', () => {
    const weeks: StoredValue[] = Array.from({ length: 13 }, (_, i) => ({
      period: `2026-W${String(i + 1).padStart(2, '0')}`,
      granularity: 'week' as const,
      value: 10,
    }))
    const monthsQ1 = months(2026, [100, 100, 100])
    const full = buildSeries({
      actuals: [...weeks, ...monthsQ1],
      targets: [],
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'quarter',
      from: periodFromKey('2026-Q1'),
      to: periodFromKey('2026-Q1'),
    })
    expect(full[0]!.actual).toBe(300)
    const partial = buildSeries({
      actuals: [...weeks.slice(0, 7), ...monthsQ1.slice(0, 1)],
      targets: [],
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      granularity: 'quarter',
      from: periodFromKey('2026-Q1'),
      to: periodFromKey('2026-Q1'),
    })
    expect(partial[0]).toMatchObject({ actual: 70, complete: false })
  })
})

describe('attainment as text', () => {
  it('rounds down to a tenth so it never reads as on track when it is not', () => {
    expect(formatAttainment(0.94985)).toBe('94.9%')
    expect(formatAttainment(0.95)).toBe('95%')
    expect(formatAttainment(1.0449)).toBe('104.4%')
    expect(formatAttainment(null)).toBe('—')
  })
})

describe('chipCommitmentTerms (what a $ chip commits to)', () => {
  const terms = (actuals: StoredValue[], targets: StoredValue[], day: string, cal = JAN, opts: { direction?: 'higher' | 'lower' } = {}) =>
    chipCommitmentTerms({
      actuals: new ValueIndex(actuals, cal),
      targets: new ValueIndex(targets, cal),
      aggregation: 'last',
      direction: opts.direction ?? 'higher',
      thresholds: T,
      calendar: cal,
      day: parseDate(day)!,
    })

  it('from the latest monthly actual to the fiscal-year target, by the last day of the fiscal year', () => {
    const t = terms(months(2026, [3.8e6, 3.9e6, 4.0e6]), [{ period: '2026', granularity: 'year', value: 4.6e6 }], '2026-04-15')
    expect(t).toEqual({ baseline: 4.0e6, target: 4.6e6, granularity: 'month', dueDay: parseDate('2026-12-31'), targetPeriod: 'FY26' })
  })

  it('a fiscal year starting in February ends on the last day of January', () => {
    const t = terms(
      [{ period: '2026-11', granularity: 'month', value: 10 }],
      [{ period: '2027', granularity: 'year', value: 12 }],
      '2026-12-03',
      FEB,
    )
    expect(t).toMatchObject({ baseline: 10, target: 12, dueDay: parseDate('2027-01-31'), targetPeriod: 'FY27' })
  })

  it('without a target this fiscal year, the first quarter ahead with one', () => {
    const t = terms(
      [{ period: '2026-11', granularity: 'month', value: 10 }],
      [{ period: '2027-Q2', granularity: 'quarter', value: 15 }],
      '2026-12-03',
    )
    expect(t).toMatchObject({ baseline: 10, target: 15, dueDay: parseDate('2027-06-30'), targetPeriod: 'FY27 Q2' })
  })

  it('a flow (a sum) is measured per quarter: the last whole quarter against the last quarter of the fiscal year', () => {
    const t = chipCommitmentTerms({
      actuals: new ValueIndex([...months(2026, [1.3e6, 1.4e6, 1.3e6, 1.4e6, 1.4e6, 1.3e6, 1.5e6, 1.5e6, 1.3e6])], APR),
      targets: new ValueIndex(
        [
          { period: '2027-Q3', granularity: 'quarter', value: 4.4e6 },
          { period: '2027-Q4', granularity: 'quarter', value: 4.6e6 },
        ],
        APR,
      ),
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: APR,
      day: parseDate('2026-12-03')!,
    })
    // FY27 Q2 (Jul–Sep 2026) is the last whole quarter: 1.3 + 1.5 + 1.5 = 4.3M, towards FY27 Q4's 4.6M by 31 March 2027.
    expect(t).toEqual({ baseline: 4.3e6, target: 4.6e6, granularity: 'quarter', dueDay: parseDate('2027-03-31'), targetPeriod: 'FY27' })
  })

  it('a quarter to date is no baseline: a flow with only part of a quarter only cites', () => {
    const t = chipCommitmentTerms({
      actuals: new ValueIndex([{ period: '2026-12', granularity: 'month', value: 1.25e6 }], JAN),
      targets: new ValueIndex([{ period: '2026-12', granularity: 'month', value: 1.2e6 }], JAN),
      aggregation: 'sum',
      direction: 'higher',
      thresholds: T,
      calendar: JAN,
      day: parseDate('2026-12-03')!,
    })
    expect(t).toBeNull()
  })

  it('nothing to commit to: no actual, no target ahead, or the target already met (direction-aware)', () => {
    const year = [{ period: '2026', granularity: 'year' as const, value: 100 }]
    expect(terms([], year, '2026-06-01')).toBeNull()
    expect(terms(months(2026, [90]), [], '2026-06-01')).toBeNull()
    expect(terms(months(2026, [120]), year, '2026-06-01')).toBeNull()
    expect(terms(months(2026, [120]), year, '2026-06-01', JAN, { direction: 'lower' })).toMatchObject({ baseline: 120, target: 100 })
  })
})
