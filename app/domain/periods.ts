/**
 * Reporting periods: ISO weeks, calendar months, fiscal quarters and fiscal years (pure, no I/O).
 *
 * Conventions (the ones finance uses; see docs in the metrics issue):
 * - Weeks are ISO 8601 weeks: Monday to Sunday, week 1 holds the year's first Thursday, so a week
 *   belongs to the year of its Thursday ("2026-W53" exists, "2027-W01" starts on 2027-01-04).
 * - Months are calendar months ("2026-11").
 * - Quarters and years are **fiscal**, in the workspace's fiscal calendar, and are named after the
 *   calendar year in which the fiscal year *ends*: with a fiscal year starting in February, the
 *   year from 2026-02-01 to 2027-01-31 is FY27, keyed "2027", and its first quarter
 *   (Feb–Apr 2026) is FY27 Q1, keyed "2027-Q1". With a January start the fiscal and calendar years
 *   coincide, so "2026-Q4" is October to December 2026.
 * - Input also accepts the finance spelling: "FY27", "FY2027", "FY27 Q1", "FY27-Q1".
 *
 * Dates are plain calendar dates ("2026-11-22"), computed in UTC day numbers so no time zone can
 * move a value into the neighbouring period.
 */

export const GRANULARITIES = ['week', 'month', 'quarter', 'year'] as const
export type Granularity = (typeof GRANULARITIES)[number]

export const GRANULARITY_LABELS: Record<Granularity, string> = { week: 'Week', month: 'Month', quarter: 'Quarter', year: 'Year' }

/** A period: `year` is the ISO week-year for weeks, the calendar year for months, the fiscal year for quarters and years. */
export interface Period {
  granularity: Granularity
  year: number
  /** Week 1–53, month 1–12, quarter 1–4; 1 for a year. */
  index: number
}

/** The workspace's fiscal calendar: the month (1–12) its fiscal year starts in. */
export interface FiscalCalendar {
  startMonth: number
}

export const CALENDAR_YEAR: FiscalCalendar = { startMonth: 1 }

export const MIN_YEAR = 1970
export const MAX_YEAR = 2199

const MS_PER_DAY = 86_400_000
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

// ---------- Days ----------

/** Days since 1970-01-01 of a calendar date. */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY)
}

/** Parses "YYYY-MM-DD" into a day number, or null when it is not a real date. */
export function parseDate(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim())
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || y < MIN_YEAR || y > MAX_YEAR) return null
  return dayNumber(y, mo, d)
}

/** "YYYY-MM-DD" of a day number. */
export function formatDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10)
}

/** Year, month (1–12), day of month and ISO weekday (1 = Monday … 7 = Sunday) of a day number. */
export function dateParts(day: number) {
  const d = new Date(day * MS_PER_DAY)
  const weekday = ((d.getUTCDay() + 6) % 7) + 1
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday }
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!
}

/** Today as a day number (UTC). */
export function today(): number {
  return Math.floor(Date.now() / MS_PER_DAY)
}

// ---------- ISO weeks ----------

/** 52 or 53: a year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday. */
export function isoWeeksInYear(year: number): number {
  const jan1 = dateParts(dayNumber(year, 1, 1)).weekday
  return jan1 === 4 || (jan1 === 3 && isLeapYear(year)) ? 53 : 52
}

/** The Monday of ISO week 1 of `year`. */
function isoWeekOneMonday(year: number): number {
  const jan4 = dayNumber(year, 1, 4)
  return jan4 - (dateParts(jan4).weekday - 1)
}

/** The ISO week (week-year and number) containing a day. */
export function isoWeekOf(day: number): { year: number; week: number } {
  const thursday = day + (4 - dateParts(day).weekday)
  const year = dateParts(thursday).year
  return { year, week: Math.floor((thursday - isoWeekOneMonday(year)) / 7) + 1 }
}

// ---------- Fiscal calendar ----------

/** The fiscal year (named by the calendar year it ends in) that a calendar month belongs to. */
export function fiscalYearOf(year: number, month: number, cal: FiscalCalendar): number {
  return month >= cal.startMonth && cal.startMonth !== 1 ? year + 1 : year
}

/** The first month (calendar year and month) of a fiscal year. */
function fiscalYearStart(fiscalYear: number, cal: FiscalCalendar) {
  return { year: cal.startMonth === 1 ? fiscalYear : fiscalYear - 1, month: cal.startMonth }
}

function addMonths(year: number, month: number, n: number) {
  const zero = year * 12 + (month - 1) + n
  return { year: Math.floor(zero / 12), month: (zero % 12) + 1 }
}

// ---------- Periods ----------

export type ParseResult = { ok: true; period: Period } | { ok: false; reason: string }

function yearInRange(y: number) {
  return y >= MIN_YEAR && y <= MAX_YEAR
}

function fiscalYearNumber(text: string): number {
  return text.length === 2 ? 2000 + Number(text) : Number(text)
}

/**
 * Parses a period key: "2026-W47", "2026-11", "2026-Q4", "2026", or the finance spelling
 * "FY27", "FY27 Q1". The reason says what is wrong ("2026-Q5: a quarter is Q1 to Q4").
 */
export function parsePeriod(input: string): ParseResult {
  const text = input.trim()
  let m: RegExpExecArray | null
  if ((m = /^(\d{4})-?W(\d{1,2})$/i.exec(text))) {
    const [year, week] = [Number(m[1]), Number(m[2])]
    if (!yearInRange(year)) return { ok: false, reason: `${text}: the year must be between ${MIN_YEAR} and ${MAX_YEAR}` }
    const max = isoWeeksInYear(year)
    if (week < 1 || week > max) return { ok: false, reason: `${text}: ${year} has ISO weeks W01 to W${max}` }
    return { ok: true, period: { granularity: 'week', year, index: week } }
  }
  if ((m = /^(\d{4})-(\d{1,2})$/.exec(text))) {
    const [year, month] = [Number(m[1]), Number(m[2])]
    if (!yearInRange(year)) return { ok: false, reason: `${text}: the year must be between ${MIN_YEAR} and ${MAX_YEAR}` }
    if (month < 1 || month > 12) return { ok: false, reason: `${text}: a month is 01 to 12` }
    return { ok: true, period: { granularity: 'month', year, index: month } }
  }
  if ((m = /^(?:(\d{4})-Q(\d+)|FY(\d{2}|\d{4})[ -]?Q(\d+))$/i.exec(text))) {
    const year = m[1] ? Number(m[1]) : fiscalYearNumber(m[3]!)
    const quarter = Number(m[2] ?? m[4])
    if (!yearInRange(year)) return { ok: false, reason: `${text}: the year must be between ${MIN_YEAR} and ${MAX_YEAR}` }
    if (quarter < 1 || quarter > 4) return { ok: false, reason: `${text}: a quarter is Q1 to Q4` }
    return { ok: true, period: { granularity: 'quarter', year, index: quarter } }
  }
  if ((m = /^(?:(\d{4})|FY(\d{2}|\d{4}))$/i.exec(text))) {
    const year = m[1] ? Number(m[1]) : fiscalYearNumber(m[2]!)
    if (!yearInRange(year)) return { ok: false, reason: `${text}: the year must be between ${MIN_YEAR} and ${MAX_YEAR}` }
    return { ok: true, period: { granularity: 'year', year, index: 1 } }
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text))
    return { ok: false, reason: `${text}: a date, not a period (use the date column, or 2026-11 for a month)` }
  return { ok: false, reason: `${text || '(empty)'}: not a period; use 2026-W47, 2026-11, 2026-Q4 or 2026` }
}

/** The canonical key: "2026-W07", "2026-03", "2027-Q1", "2027". */
export function periodKey(p: Period): string {
  switch (p.granularity) {
    case 'week':
      return `${p.year}-W${String(p.index).padStart(2, '0')}`
    case 'month':
      return `${p.year}-${String(p.index).padStart(2, '0')}`
    case 'quarter':
      return `${p.year}-Q${p.index}`
    case 'year':
      return String(p.year)
  }
}

/** A period from a key known to be valid (throws otherwise: use parsePeriod for input). */
export function periodFromKey(key: string): Period {
  const r = parsePeriod(key)
  if (!r.ok) throw new Error(r.reason)
  return r.period
}

function fy(year: number) {
  return `FY${String(year % 100).padStart(2, '0')}`
}

/** How finance names a period: "W47 2026", "Nov 2026", "FY27 Q2", "FY27". */
export function periodLabel(p: Period): string {
  switch (p.granularity) {
    case 'week':
      return `W${String(p.index).padStart(2, '0')} ${p.year}`
    case 'month':
      return `${MONTHS[p.index - 1]} ${p.year}`
    case 'quarter':
      return `${fy(p.year)} Q${p.index}`
    case 'year':
      return fy(p.year)
  }
}

/** A short label for chart axes: "W47", "Nov", "Q2", "FY27" (with the year where it changes). */
export function periodShortLabel(p: Period): string {
  switch (p.granularity) {
    case 'week':
      return `W${String(p.index).padStart(2, '0')}`
    case 'month':
      return p.index === 1 ? `Jan ’${String(p.year % 100).padStart(2, '0')}` : MONTHS[p.index - 1]!
    case 'quarter':
      return `Q${p.index} ${fy(p.year)}`
    case 'year':
      return fy(p.year)
  }
}

/** The days a period covers: `start` inclusive, `end` exclusive (day numbers). */
export function periodRange(p: Period, cal: FiscalCalendar): { start: number; end: number } {
  switch (p.granularity) {
    case 'week': {
      const start = isoWeekOneMonday(p.year) + (p.index - 1) * 7
      return { start, end: start + 7 }
    }
    case 'month': {
      const next = addMonths(p.year, p.index, 1)
      return { start: dayNumber(p.year, p.index, 1), end: dayNumber(next.year, next.month, 1) }
    }
    case 'quarter': {
      const fyStart = fiscalYearStart(p.year, cal)
      const first = addMonths(fyStart.year, fyStart.month, (p.index - 1) * 3)
      const after = addMonths(first.year, first.month, 3)
      return { start: dayNumber(first.year, first.month, 1), end: dayNumber(after.year, after.month, 1) }
    }
    case 'year': {
      const s = fiscalYearStart(p.year, cal)
      return { start: dayNumber(s.year, s.month, 1), end: dayNumber(s.year + 1, s.month, 1) }
    }
  }
}

/** The period of `granularity` that contains a day. */
export function periodOf(day: number, granularity: Granularity, cal: FiscalCalendar): Period {
  if (granularity === 'week') {
    const w = isoWeekOf(day)
    return { granularity, year: w.year, index: w.week }
  }
  const { year, month } = dateParts(day)
  if (granularity === 'month') return { granularity, year, index: month }
  const fiscalYear = fiscalYearOf(year, month, cal)
  if (granularity === 'year') return { granularity, year: fiscalYear, index: 1 }
  return { granularity, year: fiscalYear, index: Math.floor(((month - cal.startMonth + 12) % 12) / 3) + 1 }
}

/**
 * The day that decides which longer period a period belongs to: a week counts in the month,
 * quarter and year of its Thursday (ISO's own rule, so 52 or 53 weeks make a year); other
 * periods by their first day.
 */
export function anchorDay(p: Period, cal: FiscalCalendar): number {
  const { start } = periodRange(p, cal)
  return p.granularity === 'week' ? start + 3 : start
}

/** The period after (n = 1) or before (n = -1) `p`. */
export function shiftPeriod(p: Period, n: number, cal: FiscalCalendar): Period {
  if (p.granularity === 'week') {
    const { start } = periodRange(p, cal)
    return periodOf(start + 7 * n, 'week', cal)
  }
  if (p.granularity === 'month') {
    const m = addMonths(p.year, p.index, n)
    return { granularity: 'month', year: m.year, index: m.month }
  }
  if (p.granularity === 'quarter') {
    const zero = p.year * 4 + (p.index - 1) + n
    return { granularity: 'quarter', year: Math.floor(zero / 4), index: (zero % 4) + 1 }
  }
  return { granularity: 'year', year: p.year + n, index: 1 }
}

/** Compares two periods of the same granularity (negative when `a` comes first). */
export function comparePeriods(a: Period, b: Period): number {
  return a.year - b.year || a.index - b.index
}

/** Every period of `from`'s granularity from `from` to `to`, both included (at most `limit`). */
export function periodsBetween(from: Period, to: Period, cal: FiscalCalendar, limit = 1000): Period[] {
  const out: Period[] = []
  for (let p = from; comparePeriods(p, to) <= 0 && out.length < limit; p = shiftPeriod(p, 1, cal)) out.push(p)
  return out
}

/** How many periods of a shorter granularity fall in `p` (weeks by their Thursday). */
export function countSubPeriods(p: Period, sub: Granularity, cal: FiscalCalendar): number {
  const { start, end } = periodRange(p, cal)
  if (sub === 'week') {
    // Mondays whose Thursday lies in [start, end).
    const firstThursday = start + ((4 - dateParts(start).weekday + 7) % 7)
    return firstThursday >= end ? 0 : Math.floor((end - 1 - firstThursday) / 7) + 1
  }
  if (sub === 'month') return p.granularity === 'quarter' ? 3 : p.granularity === 'year' ? 12 : 1
  if (sub === 'quarter') return p.granularity === 'year' ? 4 : 1
  return 1
}

export const GRANULARITY_RANK: Record<Granularity, number> = { week: 0, month: 1, quarter: 2, year: 3 }

/** The period of `cal` that a human would call "the current one" for a cadence. */
export function currentPeriod(granularity: Granularity, cal: FiscalCalendar, day = today()): Period {
  return periodOf(day, granularity, cal)
}

/** "FY27 runs from 1 Apr 2026 to 31 Mar 2027": a sentence for settings pages. */
export function describeFiscalYear(fiscalYear: number, cal: FiscalCalendar): string {
  const { start, end } = periodRange({ granularity: 'year', year: fiscalYear, index: 1 }, cal)
  const s = dateParts(start)
  const e = dateParts(end - 1)
  return `${fy(fiscalYear)} runs from ${s.day} ${MONTHS[s.month - 1]} ${s.year} to ${e.day} ${MONTHS[e.month - 1]} ${e.year}`
}

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
