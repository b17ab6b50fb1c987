/**
 * @module scripts/import-reference/copy
 * Runs the steps of ./steps against a source (the reference's schema) and our target: per table, read
 * in pages, transform, insert in batches, count. Each table is one transaction that also records how
 * far it got (taguato.reference_imports.progress): a run that stops halfway loses at most the table it
 * was in, and any later run takes only rows no earlier run handled, so it neither duplicates a row nor
 * brings back one that was deleted since (by a user, or by our retention). A dry run passes the one
 * transaction it rolls back at the end.
 */
import { countRows, countUpTo, readAll, readPage, tableExists, type Db, type Json } from './db/source.js'
import { existingIds, insertRows, resetSequence, revokeSessions, saveProgress, serviceId, setLocalTimeZone, upsertService, type Progress } from './db/target.js'
import { adjust, skip, table as tableReport, type Report, type TableReport } from './report.js'
import { STEPS, type CopyStep } from './steps.js'
import type { Ctx } from './transforms.js'

export type Io = {
  source: Db
  /** Schema of the reference's tables in `source`. */
  schema: string
  /** Runs `fn` in a transaction on the target. */
  inTx: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>
  /** This run's row in taguato.reference_imports. */
  runId: number
  /** What earlier runs handled. */
  prior: Progress
}

const PAGE = 1000

/** One page: transform, insert, count. */
async function copyPage(tx: Db, step: CopyStep, rows: Json[], ctx: Ctx, t: TableReport): Promise<void> {
  t.read += rows.length
  const out: Json[] = []
  // What to say about a row only once it is in.
  const said: { adjusted?: string | undefined; note?: string | undefined }[] = []
  for (const r of rows) {
    const o = await step.transform(r, ctx)
    if ('skip' in o) {
      skip(t, o.skip)
      if (o.note) t.notes.push(o.note)
      continue
    }
    out.push(o.row)
    said.push({ adjusted: o.adjusted, note: o.note })
  }
  const inserted = await insertRows(tx, step.table, out, step.keyed)
  const got = new Set(inserted)
  out.forEach((row, i) => {
    if (step.keyed ? !got.has(Number(row.id)) : inserted.length < out.length) return
    if (said[i]!.adjusted) adjust(t, said[i]!.adjusted!)
    if (said[i]!.note) t.notes.push(said[i]!.note!)
  })
  t.imported += inserted.length
  if (!step.keyed) {
    // No id: the only unique rule is the row's own key, so a conflict means it is there already.
    t.present += out.length - inserted.length
    return
  }
  const missed = out.map((r) => Number(r.id)).filter((id) => !got.has(id))
  const present = await existingIds(tx, step.table, missed)
  t.present += present.length
  if (missed.length > present.length) skip(t, step.conflict ?? 'conflicts with a unique rule of our schema', missed.length - present.length)
}

async function copyTable(io: Io, step: CopyStep, ctx: Ctx, report: Report, t: TableReport): Promise<void> {
  const done = io.prior[step.table]
  if (!step.keyed && done === true) {
    const n = await countRows(io.source, io.schema, step.table)
    t.read += n
    t.present += n
    return
  }
  let after = typeof done === 'number' ? done : 0
  if (after > 0) {
    const n = await countUpTo(io.source, io.schema, step.table, after)
    t.read += n
    t.present += n
  }
  await io.inTx(async (tx) => {
    await setLocalTimeZone(tx, ctx.zone)
    for (;;) {
      const rows = step.keyed ? await readPage(io.source, io.schema, step.table, after, PAGE) : await readAll(io.source, io.schema, step.table)
      if (rows.length === 0) break
      await copyPage(tx, step, rows, ctx, t)
      if (!step.keyed) break
      after = Number(rows.at(-1)!.id)
    }
    if (step.table === 'sessions' && ctx.revokeSessions) report.revoked += await revokeKept(tx, io, t)
    if (step.keyed) await resetSequence(tx, step.table)
    await saveProgress(tx, io.runId, step.table, step.keyed ? after : true)
  })
}

/** --revoke-sessions on a rerun: sessions an earlier run kept are revoked now. */
async function revokeKept(tx: Db, io: Io, t: TableReport): Promise<number> {
  const ids: number[] = []
  for (let after = 0; ;) {
    const rows = await readPage(io.source, io.schema, 'sessions', after, PAGE)
    if (rows.length === 0) break
    ids.push(...rows.map((r) => Number(r.id)))
    after = ids.at(-1)!
  }
  const n = await revokeSessions(tx, ids)
  if (n > 0) t.notes.push(`${n} session(s) kept by an earlier run revoked (--revoke-sessions)`)
  return n
}

/**
 * Services are matched by name. A rerun only maps names to our ids (the junction tables need them) and
 * writes nothing: an operator's later edit or deletion stands.
 */
async function copyServices(io: Io, ctx: Ctx, t: TableReport): Promise<void> {
  const rows = (await readAll(io.source, io.schema, 'services')).sort((a, b) => Number(a.id) - Number(b.id))
  if (io.prior.services === true) {
    await io.inTx(async (tx) => {
      for (const r of rows) {
        const id = await serviceId(tx, String(r.name))
        if (id !== null) ctx.services.set(Number(r.id), id)
      }
    })
    t.read += rows.length
    t.present += rows.length
    return
  }
  await io.inTx(async (tx) => {
    await setLocalTimeZone(tx, ctx.zone)
    for (const r of rows) {
      t.read++
      const s = await upsertService(tx, {
        name: String(r.name), description: (r.description as string | null) ?? null, display_order: Number(r.display_order ?? 0),
        is_active: r.is_active !== false, created_at: String(r.created_at ?? ctx.now.toISOString()),
      })
      ctx.services.set(Number(r.id), s.id)
      if (s.outcome === 'unchanged') t.present++
      else t.imported++
      if (s.outcome === 'updated') adjust(t, 'matched our seeded service of the same name: the reference\'s description and order kept')
    }
    await resetSequence(tx, 'services')
    await saveProgress(tx, io.runId, 'services', true)
  })
}

/** Every step, in order; fills `report` (one entry per reference table). */
export async function copyAll(io: Io, ctx: Ctx, report: Report): Promise<void> {
  for (const step of STEPS) {
    const name = step.kind === 'services' ? 'services' : step.table
    const t = tableReport(report, name)
    if (!(await tableExists(io.source, io.schema, name))) {
      t.notes.push('not in the reference database (the migration that creates it never ran there)')
      continue
    }
    if (step.kind === 'not-imported') {
      const n = await countRows(io.source, io.schema, name)
      t.read = n
      if (n > 0) skip(t, step.why, n)
    } else if (step.kind === 'services') await copyServices(io, ctx, t)
    else await copyTable(io, step, ctx, report, t)
  }
}
