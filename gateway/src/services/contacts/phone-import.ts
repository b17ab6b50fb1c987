/**
 * @module services/contacts/phone-import
 * What a CSV import does with numbers as people write them: "+595 981 000-032", "(0981) 000.032" are
 * reduced to their digits before the phone rule runs, and a number that is already in the file or in
 * the list is reported as a duplicate instead of being stored twice.
 */

/** Drops the punctuation of written phone numbers (+, spaces, dashes, parentheses, dots); other characters stay so the rule can name them. */
export function normalizePhone(raw: string): string {
  return raw.trim().replace(/[+\s\-().]/g, '')
}

export type DuplicateRow = { row: number; phone_number: string; reason: string }

/**
 * Splits rows into the ones to insert and the duplicates: a number seen earlier in the file (the first
 * one is kept) or already in the list (`existing`, compared after the same normalisation).
 */
export function splitDuplicates<T extends { row: number; phone_number: string }>(rows: T[], existing: Iterable<string>): { fresh: T[]; duplicates: DuplicateRow[] } {
  const inList = new Set([...existing].map(normalizePhone))
  const firstRow = new Map<string, number>()
  const fresh: T[] = []
  const duplicates: DuplicateRow[] = []
  for (const r of rows) {
    const seen = firstRow.get(r.phone_number)
    if (inList.has(r.phone_number)) duplicates.push({ row: r.row, phone_number: r.phone_number, reason: 'already in the list' })
    else if (seen !== undefined) duplicates.push({ row: r.row, phone_number: r.phone_number, reason: `duplicate of row ${seen}` })
    else {
      firstRow.set(r.phone_number, r.row)
      fresh.push(r)
    }
  }
  return { fresh, duplicates }
}
