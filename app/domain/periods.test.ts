import { describe, expect, it } from 'vitest'
import {
  countSubPeriods,
  dayNumber,
  describeFiscalYear,
  formatDate,
  isoWeekOf,
  isoWeeksInYear,
  parseDate,
  parsePeriod,
  periodFromKey,
  periodKey,
  periodLabel,
  periodOf,
  periodRange,
  periodsBetween,
  shiftPeriod,
  type FiscalCalendar,
} from './periods.ts'

const JAN: FiscalCalendar = { startMonth: 1 }
const FEB: FiscalCalendar = { startMonth: 2 }
const APR: FiscalCalendar = { startMonth: 4 }
const d = (s: string) => parseDate(s)!
const range = (key: string, cal: FiscalCalendar) => {
  const r = periodRange(periodFromKey(key), cal)
  return [formatDate(r.start), formatDate(r.end - 1)]
}

describe('parsing and formatting periods', () => {
  it('reads the four shapes and writes them back canonically', () => {
    for (const key of ['2026-W47', '2026-W01', '2026-11', '2026-01', '2026-Q4', '2026']) {
      const r = parsePeriod(key)
      expect(r.ok, key).toBe(true)
      if (r.ok) expect(periodKey(r.period)).toBe(key)
    }
    expect(periodKey(periodFromKey('2026-W7'))).toBe('2026-W07')
    expect(periodKey(periodFromKey('2026-3'))).toBe('2026-03')
  })

  it('reads the finance spelling of fiscal quarters and years', () => {
    expect(periodKey(periodFromKey('FY27 Q2'))).toBe('2027-Q2')
    expect(periodKey(periodFromKey('fy27-q1'))).toBe('2027-Q1')
    expect(periodKey(periodFromKey('FY2027'))).toBe('2027')
    expect(periodKey(periodFromKey('FY27'))).toBe('2027')
  })

  it('refuses malformed periods with a reason', () => {
    const cases: [string, RegExp][] = [
      ['2026-Q5', /quarter is Q1 to Q4/],
      ['2026-Q0', /quarter is Q1 to Q4/],
      ['2026-13', /month is 01 to 12/],
      ['2026-00', /month is 01 to 12/],
      ['2026-W54', /W01 to W53/],
      ['2025-W53', /W01 to W52/],
      ['2026-W00', /W01 to W53/],
      ['26-11', /not a period/],
      ['', /not a period/],
      ['Q4 2026', /not a period/],
      ['2026-11-05', /a date, not a period/],
      ['1800', /between/],
    ]
    for (const [text, reason] of cases) {
      const r = parsePeriod(text)
      expect(r.ok, text).toBe(false)
      if (!r.ok) expect(r.reason, text).toMatch(reason)
    }
  })

  it('labels periods the way finance names them', () => {
    expect(periodLabel(periodFromKey('2027-Q2'))).toBe('FY27 Q2')
    expect(periodLabel(periodFromKey('2027'))).toBe('FY27')
    expect(periodLabel(periodFromKey('2026-11'))).toBe('Nov 2026')
    expect(periodLabel(periodFromKey('2026-W47'))).toBe('W47 2026')
  })
})

describe('dates', () => {
  it('knows leap years, including the century rules', () => {
    expect(parseDate('2024-02-29')).not.toBeNull()
    expect(parseDate('2026-02-29')).toBeNull()
    expect(parseDate('2000-02-29')).not.toBeNull()
    expect(parseDate('2100-02-29')).toBeNull()
    expect(parseDate('2026-04-31')).toBeNull()
    expect(parseDate('2026-13-01')).toBeNull()
  })
})

describe('ISO weeks', () => {
  it('has 53 weeks when the year starts on Thursday, or is leap and starts on Wednesday', () => {
    expect(isoWeeksInYear(2026)).toBe(53) // 2026-01-01 is a Thursday
    expect(isoWeeksInYear(2020)).toBe(53) // leap, 2020-01-01 is a Wednesday
    expect(isoWeeksInYear(2015)).toBe(53)
    expect(isoWeeksInYear(2024)).toBe(52) // leap, but starts on Monday
    expect(isoWeeksInYear(2025)).toBe(52)
    expect(isoWeeksInYear(2027)).toBe(52)
    // In 400 years of the Gregorian cycle, exactly 71 have 53 weeks.
    let n = 0
    for (let y = 2000; y < 2400; y++) if (isoWeeksInYear(y) === 53) n++
    expect(n).toBe(71)
  })

  it('puts days near the year end into the week-year of their Thursday', () => {
    expect(isoWeekOf(d('2026-12-31'))).toEqual({ year: 2026, week: 53 })
    expect(isoWeekOf(d('2027-01-03'))).toEqual({ year: 2026, week: 53 }) // Sunday of W53
    expect(isoWeekOf(d('2027-01-04'))).toEqual({ year: 2027, week: 1 })
    expect(isoWeekOf(d('2024-12-30'))).toEqual({ year: 2025, week: 1 }) // Monday, belongs to 2025
    expect(isoWeekOf(d('2021-01-03'))).toEqual({ year: 2020, week: 53 })
    expect(isoWeekOf(d('2026-11-22'))).toEqual({ year: 2026, week: 47 })
  })

  it('gives each week Monday to Sunday and steps across the year end', () => {
    expect(range('2026-W53', JAN)).toEqual(['2026-12-28', '2027-01-03'])
    expect(range('2025-W01', JAN)).toEqual(['2024-12-30', '2025-01-05'])
    expect(periodKey(shiftPeriod(periodFromKey('2026-W53'), 1, JAN))).toBe('2027-W01')
    expect(periodKey(shiftPeriod(periodFromKey('2027-W01'), -1, JAN))).toBe('2026-W53')
    expect(periodKey(shiftPeriod(periodFromKey('2025-W52'), 1, JAN))).toBe('2026-W01')
    expect(periodsBetween(periodFromKey('2026-W52'), periodFromKey('2027-W02'), JAN).map(periodKey)).toEqual([
      '2026-W52',
      '2026-W53',
      '2027-W01',
      '2027-W02',
    ])
  })

  it('counts weeks in months and years by their Thursday', () => {
    expect(countSubPeriods(periodFromKey('2026'), 'week', JAN)).toBe(53)
    expect(countSubPeriods(periodFromKey('2025'), 'week', JAN)).toBe(52)
    expect(countSubPeriods(periodFromKey('2026-12'), 'week', JAN)).toBe(5) // Thursdays 3,10,17,24,31
    expect(countSubPeriods(periodFromKey('2026-02'), 'week', JAN)).toBe(4)
    let total = 0
    for (let m = 1; m <= 12; m++) total += countSubPeriods(periodFromKey(`2026-${m}`), 'week', JAN)
    expect(total).toBe(53)
  })
})

describe('fiscal years', () => {
  it('names a fiscal year after the calendar year it ends in', () => {
    // February start: 2026-02-01 … 2027-01-31 is FY27.
    expect(periodKey(periodOf(d('2026-02-01'), 'year', FEB))).toBe('2027')
    expect(periodKey(periodOf(d('2026-01-31'), 'year', FEB))).toBe('2026')
    expect(periodKey(periodOf(d('2027-01-31'), 'year', FEB))).toBe('2027')
    expect(range('2027', FEB)).toEqual(['2026-02-01', '2027-01-31'])
    expect(describeFiscalYear(2027, FEB)).toBe('FY27 runs from 1 Feb 2026 to 31 Jan 2027')
    // January start: the calendar year.
    expect(range('2026', JAN)).toEqual(['2026-01-01', '2026-12-31'])
  })

  it('splits a February fiscal year into quarters that cross the calendar year', () => {
    expect(range('2027-Q1', FEB)).toEqual(['2026-02-01', '2026-04-30'])
    expect(range('2027-Q4', FEB)).toEqual(['2026-11-01', '2027-01-31'])
    expect(periodKey(periodOf(d('2027-01-15'), 'quarter', FEB))).toBe('2027-Q4')
    expect(periodKey(periodOf(d('2026-01-15'), 'quarter', FEB))).toBe('2026-Q4')
    expect(periodKey(periodOf(d('2026-11-22'), 'quarter', APR))).toBe('2027-Q3')
    expect(range('2027-Q4', APR)).toEqual(['2027-01-01', '2027-03-31'])
  })

  it('includes 29 February in the fiscal quarter and year of a leap year', () => {
    // FY28 (Feb start) is 2027-02-01 … 2028-01-31; FY29 holds 2028-02-29.
    const [start, end] = range('2029', FEB)
    expect([start, end]).toEqual(['2028-02-01', '2029-01-31'])
    const r = periodRange(periodFromKey('2029'), FEB)
    expect(r.end - r.start).toBe(366)
    expect(periodKey(periodOf(d('2028-02-29'), 'quarter', FEB))).toBe('2029-Q1')
    const q1 = periodRange(periodFromKey('2029-Q1'), FEB)
    expect(q1.end - q1.start).toBe(29 + 31 + 30)
    expect(periodRange(periodFromKey('2024-02'), JAN).end - periodRange(periodFromKey('2024-02'), JAN).start).toBe(29)
  })

  it('steps quarters across fiscal years', () => {
    expect(periodKey(shiftPeriod(periodFromKey('2027-Q4'), 1, FEB))).toBe('2028-Q1')
    expect(periodKey(shiftPeriod(periodFromKey('2027-Q1'), -1, FEB))).toBe('2026-Q4')
    expect(periodKey(shiftPeriod(periodFromKey('2026-01'), -1, FEB))).toBe('2025-12')
  })

  it('every day belongs to exactly one period of each granularity whose range contains it', () => {
    for (const cal of [JAN, FEB, APR, { startMonth: 12 }]) {
      for (let day = dayNumber(2023, 12, 1); day < dayNumber(2029, 2, 1); day += 5) {
        for (const g of ['week', 'month', 'quarter', 'year'] as const) {
          const r = periodRange(periodOf(day, g, cal), cal)
          expect(day >= r.start && day < r.end, `${formatDate(day)} ${g} start ${cal.startMonth}`).toBe(true)
        }
      }
    }
  })
})
