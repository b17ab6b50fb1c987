/**
 * @module upstream/services/labels
 * GET /label/findLabels and POST /label/handleLabel (Evolution v2). findLabels reads the store
 * (filled by the driver's label events, services/label-events.ts), so it works on a closed instance.
 * handleLabel: open session, the number exists (404 `["Number is not on WhatsApp"]`), the label is known
 * (an Evolution quirk we fix, listed in docs/chats-and-history.md: Evolution answers success for any id while nothing changes on the phone), the
 * driver call, then the chat's labels in the store (on the session queue, so it is written before the
 * answer and ordered with the driver's own reports). A backend without labels (the Cloud API) answers
 * Evolution's "Method not available" 400 on both routes.
 */
import type { InstanceRow } from '../db/instances.js'
import { labelExists, listLabels } from '../db/labels.js'
import { EvoError, badRequest, notFound } from '../lib/errors.js'
import { createJid, isGroupJid } from '../lib/jid.js'
import { notAvailable } from '../driver/errors.js'
import type { InstanceManager } from './instances.js'
import { applyLabelAssociation } from './label-events.js'
import type { Tx } from '../db/instances.js'

type LabelDeps = { sql: Tx; instances: InstanceManager }

export async function findLabelsAnswer(deps: LabelDeps, row: InstanceRow) {
  const { session } = deps.instances.entry(row)
  if (!session.handleLabel) throw notAvailable()
  await deps.instances.flush(row)
  const rows = await listLabels(deps.sql, row.id)
  return rows.map((l) => ({ color: String(l.color), name: l.name, id: l.labelId, predefinedId: l.predefinedId }))
}

export async function handleLabel(deps: LabelDeps, row: InstanceRow, b: { number: string; labelId: string; action: 'add' | 'remove' }) {
  const { session, ctx } = deps.instances.entry(row)
  if (!session.handleLabel) throw notAvailable()
  const unable = `Unable to ${b.action} label to chat`
  const jid = createJid(b.number)
  if (session.state !== 'open') throw badRequest(unable, 'Error: Connection Closed')
  if (!isGroupJid(jid)) {
    const [check] = await session.checkNumbers([jid])
    if (!check?.exists) throw notFound('Number is not on WhatsApp')
  }
  await ctx.queue.flush() // labels reported before this request are stored
  if (!(await labelExists(deps.sql, row.id, b.labelId))) throw badRequest(unable, `Error: label "${b.labelId}" does not exist`)
  try {
    await session.handleLabel(jid, b.labelId, b.action)
  } catch (err) {
    if (err instanceof EvoError) throw err
    throw badRequest(unable, String(err))
  }
  ctx.queue.push(async () => void (await applyLabelAssociation(ctx, jid, b.labelId, b.action)))
  await ctx.queue.flush()
  return { numberJid: jid, labelId: b.labelId, [b.action]: true }
}
