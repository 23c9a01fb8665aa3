/**
 * Writing CSV for spreadsheets: every export goes through `toCsv`, so the formula guard below
 * is the only one.
 */

/** A cell that is only a number (`-2`, `-2.5`, `1e-7`): a spreadsheet reads it as that number. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i
/**
 * Spreadsheets run a cell as a formula when it starts with = + - @ (or a TAB/CR before one),
 * also after leading spaces, and some also take the full-width forms (OWASP "CSV Injection").
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/

/** One cell as CSV text: formula-like text is prefixed with `'` (OWASP), then quoted as RFC 4180 needs. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  let s = Array.isArray(v) ? v.join(';') : String(v)
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** CSV text with a header line, CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

// ---------- Reading (every import) ----------

/**
 * The most one import accepts. Bytes bound the upload: 5 MiB, about 5× a full value import.
 * Rows bound the work of one all-or-nothing transaction, per kind, because a row costs differently:
 * a value row is checked in memory and written in one statement per kind (50,000 rows, i.e. 1,000
 * metrics × four years of months, took 7 s here), an inventory row is checked against the stack and
 * written with its own statement (5,000 systems took 3.9 s, 5× the cost per row). 5,000 is far
 * above a real stack: its systems, a systems × capabilities matrix, the integrations between them.
 */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024
export const IMPORT_MAX_ROWS = { values: 50_000, systems: 5_000, support: 5_000, integrations: 5_000 } as const
export type CsvImportKind = keyof typeof IMPORT_MAX_ROWS

export interface CsvRecord {
  /** 1-based line of the file where the record starts (1 = the header). */
  line: number
  cells: string[]
}

/** Where a CSV stops making sense: the line, the 1-based column (cell) and the header's name for it. */
export class CsvSyntaxError extends Error {
  readonly line: number
  readonly column: number
  /** The header cell above the column, when the header is known and names it. */
  readonly columnName: string | null
  constructor(
    /** Why, without the place (reports that show line and column apart use this). */
    readonly reason: string,
    at: { line: number; column: number; columnName?: string | null },
  ) {
    super(`Line ${at.line}, column ${at.column}${at.columnName ? ` (${at.columnName})` : ''}: ${reason}`)
    this.name = 'CsvSyntaxError'
    this.line = at.line
    this.column = at.column
    this.columnName = at.columnName ?? null
  }
}

/** More data rows than an import takes; `line` is the first line over the limit. */
export class CsvRowLimitError extends Error {
  constructor(
    readonly limit: number,
    readonly line: number,
  ) {
    super(`At most ${limit.toLocaleString('en-US')} rows per import; split the file (line ${line} is over the limit)`)
    this.name = 'CsvRowLimitError'
  }
}

type Delimiter = ',' | ';' | '\t'

/**
 * The delimiter the header line uses: the most frequent of comma, semicolon (European spreadsheets)
 * and tab outside quotes; comma on a tie or when there is none.
 */
export function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 }
  let quoted = false
  let seen = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '"') quoted = !quoted
    else if (quoted) continue
    else if (ch === '\n' || ch === '\r') {
      if (seen) break
    } else if (ch in counts) counts[ch as Delimiter]++
    if (ch !== '\n' && ch !== '\r' && ch.trim() !== '') seen = true
  }
  return counts[';'] > counts[','] && counts[';'] >= counts['\t'] ? ';' : counts['\t'] > counts[','] ? '\t' : ','
}

/**
 * RFC 4180 CSV: quoted cells with "" escapes and line breaks inside quotes, CRLF, LF or CR line
 * ends, a leading BOM, the delimiter detected from the header line. Blank lines are skipped; each
 * record keeps the line it starts on. Strict about quotes, because a stray quote usually means
 * a cell was cut in two: a quote inside an unquoted cell, text after a closing quote and a quote
 * never closed are a CsvSyntaxError naming line and column. With `maxRows`, more data rows than
 * that (after the header) is a CsvRowLimitError, raised before the rest of the file is read.
 */
export function parseCsv(input: string, opts: { maxRows?: number } = {}): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  const delimiter = detectDelimiter(text)
  const out: CsvRecord[] = []
  let cells: string[] = []
  let cell = ''
  /** 'start': nothing read yet but spaces; 'plain' | 'quoted' | 'closed' (after the closing quote). */
  let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start'
  let line = 1
  let start = 1
  let quoteLine = 1
  const fail = (reason: string, at = line): never => {
    const column = cells.length + 1
    throw new CsvSyntaxError(reason, { line: at, column, columnName: out.length ? (out[0]!.cells[column - 1]?.trim() ?? null) : null })
  }
  const endCell = () => {
    cells.push(cell)
    cell = ''
    state = 'start'
  }
  const endRecord = () => {
    endCell()
    if (!(cells.length === 1 && cells[0]!.trim() === '')) {
      if (opts.maxRows !== undefined && out.length > opts.maxRows) throw new CsvRowLimitError(opts.maxRows, start)
      out.push({ line: start, cells })
    }
    cells = []
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (state === 'quoted') {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else state = 'closed'
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++
        cell += ch
      }
      continue
    }
    if (ch === delimiter) endCell()
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endRecord()
      line++
      start = line
    } else if (state === 'closed') {
      if (ch !== ' ' && ch !== '\t')
        fail('Text follows the closing quote of a quoted field; quote the whole field and double any quote inside it ("")')
    } else if (ch === '"') {
      if (state === 'plain') fail('A quote appears inside an unquoted field; quote the whole field and double the quote ("")')
      cell = ''
      state = 'quoted'
      quoteLine = line
    } else {
      cell += ch
      if (state === 'start' && ch !== ' ' && ch !== '\t') state = 'plain'
    }
  }
  if (state === 'quoted') fail('A quoted field is never closed', quoteLine)
  if (cell !== '' || cells.length || state === 'closed') endRecord()
  return out
}
