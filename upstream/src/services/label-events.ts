/**
 * @module upstream/services/label-events
 * Labels in the chat store (upstream/AGENTS.md "Labels"): a driver's label edits -> upstream.labels and
 * `labels.edit` (one event per label, Evolution's `{id, name, color, deleted, predefinedId, instance}`);
 * an association -> the chat's `labels` and `labels.association` `{instance, type, chatId, labelId}`, plus
 * chats.update with the chat's state. Only real changes emit: Baileys reports our own handleLabel back
 * after the route already stored it, and a deleted label is announced once (Evolution sends it twice).
 */
import { deleteLabels, setChatLabel, upsertLabels, type LabelRow } from '../db/labels.js'
import type { LabelsEvent } from '../driver/types.js'
import { emitChatChanges, type StoreContext } from './store-notify.js'

function labelJson(ctx: StoreContext, l: LabelRow, deleted: boolean) {
  return { id: l.labelId, name: l.name, color: l.color, deleted, predefinedId: l.predefinedId ?? undefined, instance: ctx.src.name }
}

/** Applies one association; true when the chat's labels changed. */
export async function applyLabelAssociation(ctx: StoreContext, chatId: string, labelId: string, action: 'add' | 'remove'): Promise<boolean> {
  const chat = await setChatLabel(ctx.sql, ctx.src.id, chatId, labelId, action === 'add')
  if (!chat) return false
  ctx.webhooks.emit(ctx.src, 'labels.association', { instance: ctx.src.name, type: action, chatId, labelId })
  emitChatChanges(ctx, [chat])
  return true
}

export async function onLabels(ctx: StoreContext, ev: LabelsEvent): Promise<void> {
  if (ev.type === 'association') {
    await applyLabelAssociation(ctx, ev.chatId, ev.labelId, ev.action)
    return
  }
  const rows = (deleted: boolean) =>
    ev.labels.filter((l) => (l.deleted === true) === deleted).map((l) => ({ labelId: l.id, name: l.name, color: l.color, predefinedId: l.predefinedId ?? null }))
  for (const l of await upsertLabels(ctx.sql, ctx.src.id, rows(false))) ctx.webhooks.emit(ctx.src, 'labels.edit', labelJson(ctx, l, false))
  const gone = await deleteLabels(ctx.sql, ctx.src.id, rows(true).map((l) => l.labelId))
  for (const l of gone) ctx.webhooks.emit(ctx.src, 'labels.edit', labelJson(ctx, l, true))
}
