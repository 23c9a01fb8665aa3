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
