/**
 * @module lib/csv
 * CSV writing and reading. Writing quotes per RFC 4180 (a cell holding `,`, `"`, CR or LF is wrapped in
 * quotes with inner quotes doubled) and neutralises spreadsheet formulas: a text cell starting with
 * = + - @ TAB or CR gets a leading `'`. Lines end with LF, as the reference's export did. Reading is a
 * small RFC 4180 parser (quoted fields, doubled quotes, CRLF or LF, a UTF-8 BOM) that keeps line numbers.
 */

const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

/** One cell: null/undefined -> empty, Date -> ISO 8601, numbers as is, text neutralised and quoted. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  let s = value instanceof Date ? value.toISOString() : String(value)
  if (FORMULA_START.test(s)) s = `'${s}`
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\n`
}

export type CsvRecord = {
  /** 1-based line number where the record starts (the header is line 1). */
  line: number
  fields: string[]
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`)
  }
}

/** Parses CSV text into records; blank lines are skipped. Throws CsvSyntaxError on an unclosed quote. */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const out: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let start = 1
  let i = 0
  let quoted = false
  let sawAny = false
  const endRecord = () => {
    fields.push(field)
    if (fields.length > 1 || fields[0] !== '' || sawAny) out.push({ line: start, fields })
    fields = []
    field = ''
    sawAny = false
  }
  while (i < src.length) {
    const ch = src[i]!
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
      } else {
        if (ch === '\n') line++
        field += ch
      }
      i++
      continue
    }
    if (ch === '"' && field === '') {
      quoted = true
      sawAny = true
    } else if (ch === ',') {
      fields.push(field)
      field = ''
      sawAny = true
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && src[i + 1] === '\n') i++
      endRecord()
      line++
      start = line
    } else {
      field += ch
    }
    i++
  }
  if (quoted) throw new CsvSyntaxError(start, 'unclosed quoted field')
  if (field !== '' || fields.length > 0 || sawAny) endRecord()
  return out
}
