/**
 * @module scripts/import-reference/report
 * What an import did, per table: rows read, imported, already there (a rerun), skipped with the reason
 * for each, and notes an operator must act on (webhooks the guard refused, phones to link again). The
 * same object is printed at the end, returned to tests, and stored in taguato.reference_imports.report.
 */

export type TableReport = {
  read: number
  imported: number
  /** Already in the target (same key): what a second run reports for every row. */
  present: number
  /** Reason -> rows. */
  skipped: Record<string, number>
  /** Imported with a change (what changed -> rows): a redacted audit detail, a webhook disabled... */
  adjusted: Record<string, number>
  /** One line per row the operator should look at. */
  notes: string[]
}

export type Report = {
  mode: 'in place' | 'copy'
  dryRun: boolean
  source: string
  timezone: string
  backup: string | null
  tables: Record<string, TableReport>
  /** Sessions an earlier run kept and this one revoked (--revoke-sessions). */
  revoked: number
  /** Operator-facing lines that belong to no table. */
  notes: string[]
}

export function newReport(r: Pick<Report, 'mode' | 'dryRun' | 'source' | 'timezone'>): Report {
  return { ...r, backup: null, tables: {}, revoked: 0, notes: [] }
}

export function table(report: Report, name: string): TableReport {
  return (report.tables[name] ??= { read: 0, imported: 0, present: 0, skipped: {}, adjusted: {}, notes: [] })
}

export function skip(t: TableReport, reason: string, n = 1): void {
  t.skipped[reason] = (t.skipped[reason] ?? 0) + n
}

export function adjust(t: TableReport, what: string): void {
  t.adjusted[what] = (t.adjusted[what] ?? 0) + 1
}

/** Rows this run wrote: 0 means a rerun that found everything in place. */
export function rowsWritten(r: Report): number {
  return Object.values(r.tables).reduce((n, t) => n + t.imported, 0) + r.revoked
}

const MAX_NOTES = 20

/** The report as the operator reads it at the end of a run. */
export function formatReport(r: Report): string {
  const lines: string[] = []
  lines.push(`${r.dryRun ? 'DRY RUN (nothing was written): ' : ''}import from TAGUATO-SEND, ${r.mode}, source ${r.source}`)
  lines.push(`reference timestamps read as ${r.timezone}`)
  if (r.backup) lines.push(`backup taken first: ${r.backup}`)
  const names = Object.keys(r.tables)
  const width = Math.max(5, ...names.map((n) => n.length))
  lines.push('', `${'table'.padEnd(width)}  ${'read'.padStart(7)}  ${'imported'.padStart(8)}  ${'present'.padStart(7)}  ${'skipped'.padStart(7)}`)
  for (const n of names) {
    const t = r.tables[n]!
    const skipped = Object.values(t.skipped).reduce((a, b) => a + b, 0)
    lines.push(`${n.padEnd(width)}  ${String(t.read).padStart(7)}  ${String(t.imported).padStart(8)}  ${String(t.present).padStart(7)}  ${String(skipped).padStart(7)}`)
  }
  lines.push('(present: already handled by an earlier run, or already in the target; skipped: left out, reasons below)')
  const details = names.filter((n) => {
    const t = r.tables[n]!
    return Object.keys(t.skipped).length + Object.keys(t.adjusted).length + t.notes.length > 0
  })
  if (details.length > 0) lines.push('', 'skipped, changed, and what to look at:')
  for (const n of details) {
    const t = r.tables[n]!
    for (const [why, count] of Object.entries(t.skipped)) lines.push(`  ${n}: ${count} skipped: ${why}`)
    for (const [what, count] of Object.entries(t.adjusted)) lines.push(`  ${n}: ${count} imported, ${what}`)
    for (const note of t.notes.slice(0, MAX_NOTES)) lines.push(`  ${n}: ${note}`)
    if (t.notes.length > MAX_NOTES) lines.push(`  ${n}: ... and ${t.notes.length - MAX_NOTES} more (all of them in taguato.reference_imports.report)`)
  }
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `note: ${n}`))
  return lines.join('\n')
}
