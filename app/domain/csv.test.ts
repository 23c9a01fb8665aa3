import { describe, expect, it } from 'vitest'
import { CsvRowLimitError, CsvSyntaxError, csvCell, detectDelimiter, parseCsv, toCsv } from './csv.ts'

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

/** The error `run` throws (fails the test when it throws nothing). */
function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (e) {
    return e
  }
  throw new Error('expected an error')
}

describe('parseCsv: the one reader of every import', () => {
  it('reads quotes, doubled quotes, line breaks inside quotes, CRLF, a BOM and blank lines with their line numbers', () => {
    const rows = parseCsv(
      '\ufeffmetric,period,value\r\npipeline,2026-11,"4,000,000"\r\n\r\n"say ""hi""",2026-Q4,"multi\r\nline"\n""," x ",\n',
    )
    expect(rows).toEqual([
      { line: 1, cells: ['metric', 'period', 'value'] },
      { line: 2, cells: ['pipeline', '2026-11', '4,000,000'] },
      { line: 4, cells: ['say "hi"', '2026-Q4', 'multi\r\nline'] },
      { line: 6, cells: ['', ' x ', ''] },
    ])
  })

  it('reads LF, CRLF and CR line ends alike, with or without a last line end', () => {
    const want = [
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
    ]
    for (const text of ['a,b\n1,2\n', 'a,b\r\n1,2\r\n', 'a,b\r1,2', 'a,b\n1,2']) expect(parseCsv(text)).toEqual(want)
  })

  it('takes the delimiter from the header line: comma, semicolon or tab, counted outside quotes', () => {
    expect(parseCsv('metric;period;value\nmqls;2026-11;10,5')[1]!.cells).toEqual(['mqls', '2026-11', '10,5'])
    expect(parseCsv('metric\tperiod\tvalue\nmqls\t2026-11\t1,000')[1]!.cells).toEqual(['mqls', '2026-11', '1,000'])
    expect(parseCsv('name,category\n"A;B;C",crm')[1]!.cells).toEqual(['A;B;C', 'crm'])
    expect(detectDelimiter('"a;b;c",d\n')).toBe(',')
    expect(detectDelimiter('\n\nname;category;vendor\nx,y,z,w,v\n')).toBe(';')
    expect(detectDelimiter('name\nx,y\n')).toBe(',')
    expect(detectDelimiter('a,b;c\n')).toBe(',')
  })

  it('allows spaces around a quoted field, as spreadsheets write them', () => {
    expect(parseCsv('a, "b" ,c')[0]!.cells).toEqual(['a', 'b', 'c'])
  })

  it('refuses a quote inside an unquoted field, naming line and column', () => {
    const e = thrown(() => parseCsv('name,category\nAcme,crm\nBig "Blue",crm\n'))
    expect(e).toBeInstanceOf(CsvSyntaxError)
    expect(e).toMatchObject({ line: 3, column: 1, columnName: 'name' })
    expect((e as Error).message).toMatch(/^Line 3, column 1 \(name\): A quote appears inside an unquoted field/)
  })

  it('refuses text after a closing quote, naming line and column', () => {
    const e = thrown(() => parseCsv('name,category\nAcme,"crm"x\n'))
    expect(e).toBeInstanceOf(CsvSyntaxError)
    expect(e).toMatchObject({
      line: 2,
      column: 2,
      columnName: 'category',
      reason: expect.stringMatching(/^Text follows the closing quote/),
    })
  })

  it('refuses a quote never closed at the line where it opened', () => {
    const e = thrown(() => parseCsv('a,b\n1,2\n3,"open\n\nmore'))
    expect(e).toBeInstanceOf(CsvSyntaxError)
    expect(e).toMatchObject({ line: 3, column: 2, reason: 'A quoted field is never closed' })
    expect(thrown(() => parseCsv('"a,b'))).toMatchObject({ line: 1, column: 1, columnName: null })
  })

  it('counts lines inside quoted fields, so later errors name the right line', () => {
    expect(thrown(() => parseCsv('a,b\n"x\ny\r\nz",1\nq"r,2'))).toMatchObject({ line: 5, column: 1 })
  })

  it('stops at the row limit, naming the first line over it; the header does not count', () => {
    const text = 'a,b\n' + Array.from({ length: 5 }, (_, i) => `${i},x\n\n`).join('')
    expect(parseCsv(text, { maxRows: 5 })).toHaveLength(6)
    const e = thrown(() => parseCsv(text, { maxRows: 4 }))
    expect(e).toBeInstanceOf(CsvRowLimitError)
    expect(e).toMatchObject({ limit: 4, line: 10 })
  })
})
