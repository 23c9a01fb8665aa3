import { describe, expect, it } from 'vitest'
import { csvCell, toCsv } from './csv.ts'

describe('csvCell: the formula guard of every CSV export', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1+cmd', "'+1+cmd"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['-1-1', "'-1-1"],
    ['-2e3+cmd', "'-2e3+cmd"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
    ['  =HYPERLINK("http://evil.example")', `"'  =HYPERLINK(""http://evil.example"")"`],
    ['＝1+1', "'＝1+1"],
  ])('neutralises %j', (cell, expected) => {
    expect(csvCell(cell)).toBe(expected)
  })

  it.each([
    ['-2', '-2'],
    ['-2.5', '-2.5'],
    ['1e-7', '1e-7'],
    [-2, '-2'],
    [-0.25, '-0.25'],
    ['Salesforce', 'Salesforce'],
    ['a-b', 'a-b'],
    ['', ''],
    [null, ''],
  ])('keeps %j as it is', (cell, expected) => {
    expect(csvCell(cell)).toBe(expected)
  })

  it('quotes separators and doubles quotes (RFC 4180) after guarding', () => {
    expect(toCsv(['name', 'n'], [['-2+3,x', -2]])).toBe(`name,n\r\n"'-2+3,x",-2\r\n`)
  })
})
