/** @module lib/csv tests: quoting, formula neutralisation, and the parser's edge cases. */
import { describe, expect, it } from 'vitest'
import { csvCell, csvLine, CsvSyntaxError, parseCsv } from './csv.js'

describe('csvCell', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    [42, '42'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+5959', "'+5959"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['a=b', 'a=b'],
    [new Date('2025-01-02T03:04:05.000Z'), '2025-01-02T03:04:05.000Z'],
  ])('%j -> %j', (input, out) => {
    expect(csvCell(input)).toBe(out)
  })
  it('joins a line with LF', () => {
    expect(csvLine([1, 'x', null, 'a,b'])).toBe('1,x,,"a,b"\n')
  })
})

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, CRLF, BOM and keeps line numbers', () => {
    const text = '\ufeffphone_number,label\r\n595981000001,"Doe, John"\r\n\r\n"595981000002","say ""hi"""\n595981000003,"multi\nline"\n595981000004'
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['phone_number', 'label'] },
      { line: 2, fields: ['595981000001', 'Doe, John'] },
      { line: 4, fields: ['595981000002', 'say "hi"'] },
      { line: 5, fields: ['595981000003', 'multi\nline'] },
      { line: 7, fields: ['595981000004'] },
    ])
  })
  it('keeps empty fields and trailing commas', () => {
    expect(parseCsv('a,,\n')).toEqual([{ line: 1, fields: ['a', '', ''] }])
    expect(parseCsv('"",x')).toEqual([{ line: 1, fields: ['', 'x'] }])
  })
  it('returns nothing for empty input and throws on an unclosed quote', () => {
    expect(parseCsv('')).toEqual([])
    expect(parseCsv('\n\n')).toEqual([])
    expect(() => parseCsv('a\n"b,c\n')).toThrow(CsvSyntaxError)
  })
  it('round-trips what csvLine writes', () => {
    const cells = ['1', 'a,b', 'say "x"', 'two\nlines']
    expect(parseCsv(csvLine(cells))[0]!.fields).toEqual(cells)
  })
})
