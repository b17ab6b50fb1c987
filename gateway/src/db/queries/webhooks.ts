/**
 * @module db/queries/webhooks
 * user_webhooks. User-facing reads and writes filter by owner in the statement; the sync job and the
 * internal receiver read across users by instance. signing_secret is only ever returned by `insert`.
 */
import type { Queryable } from '../client.js'

export type WebhookRow = {
  id: number
  instance_name: string
  webhook_url: string
  events: string[]
  is_active: boolean
  retry_count: number
  needs_sync: boolean
  last_error: string | null
  /** Dead letters in a row; WEBHOOK_DISABLE_AFTER_DEAD of them disable the webhook (disabled_at, disabled_reason). */
  consecutive_dead: number
  disabled_at: Date | null
  disabled_reason: string | null
  created_at: Date
  updated_at: Date
}
export type DeliveryTarget = { id: number; user_id: number; webhook_url: string; events: string[]; signing_secret: string | null }

const COLS = 'id, instance_name, webhook_url, events, is_active, retry_count, needs_sync, last_error, consecutive_dead, disabled_at, disabled_reason, created_at, updated_at'

export async function listWebhooks(q: Queryable, userId: number): Promise<WebhookRow[]> {
  return q<WebhookRow[]>`select ${q.unsafe(COLS)} from taguato.user_webhooks where user_id = ${userId} order by created_at desc, id desc`
}

export async function findWebhook(q: Queryable, userId: number, id: number): Promise<WebhookRow | undefined> {
  const [row] = await q<WebhookRow[]>`select ${q.unsafe(COLS)} from taguato.user_webhooks where id = ${id} and user_id = ${userId}`
  return row
}

/** Whether (user, instance) already has a webhook (create answers 409 before judging the URL's target). */
export async function hasWebhook(q: Queryable, userId: number, instance: string): Promise<boolean> {
  const [row] = await q<{ one: number }[]>`
    select 1 as one from taguato.user_webhooks where user_id = ${userId} and instance_name = ${instance}`
  return row !== undefined
}

/** Inserts; null when (user, instance) already has one. */
export async function insertWebhook(
  q: Queryable,
  w: { userId: number; instance: string; url: string; events: string[]; secret: string },
): Promise<(WebhookRow & { signing_secret: string }) | null> {
  const [row] = await q<(WebhookRow & { signing_secret: string })[]>`
    insert into taguato.user_webhooks (user_id, instance_name, webhook_url, events, signing_secret)
    values (${w.userId}, ${w.instance}, ${w.url}, ${q.array(w.events)}, ${w.secret})
    on conflict (user_id, instance_name) do nothing
    returning ${q.unsafe(COLS)}, signing_secret`
  return row ?? null
}

export async function updateWebhook(
  q: Queryable,
  userId: number,
  id: number,
  p: { url?: string | undefined; events?: string[] | undefined; isActive?: boolean | undefined },
): Promise<WebhookRow | undefined> {
  const [row] = await q<WebhookRow[]>`
    update taguato.user_webhooks set
      webhook_url = coalesce(${p.url ?? null}, webhook_url),
      events = coalesce(${p.events ? q.array(p.events) : null}::text[], events),
      is_active = coalesce(${p.isActive ?? null}::boolean, is_active),
      retry_count = case when ${p.isActive === true} then 0 else retry_count end,
      needs_sync = case when ${p.isActive === true} then true else needs_sync end,
      last_error = case when ${p.isActive === true} then null else last_error end,
      -- Re-activating is also how a webhook disabled for failing is enabled again.
      consecutive_dead = case when ${p.isActive === true} then 0 else consecutive_dead end,
      disabled_at = case when ${p.isActive === true} then null else disabled_at end,
      disabled_reason = case when ${p.isActive === true} then null else disabled_reason end,
      updated_at = now()
    where id = ${id} and user_id = ${userId}
    returning ${q.unsafe(COLS)}`
  return row
}

export async function deleteWebhook(q: Queryable, userId: number, id: number): Promise<{ id: number; instance_name: string } | undefined> {
  const [row] = await q<{ id: number; instance_name: string }[]>`
    delete from taguato.user_webhooks where id = ${id} and user_id = ${userId} returning id, instance_name`
  return row
}

/** Event lists of every active webhook of an instance (all users): what the upstream must send us. */
export async function activeEventLists(q: Queryable, instance: string): Promise<string[][]> {
  const rows = await q<{ events: string[] }[]>`
    select events from taguato.user_webhooks where instance_name = ${instance} and is_active`
  return rows.map((r) => r.events)
}

export async function deliveryTargets(q: Queryable, instance: string): Promise<DeliveryTarget[]> {
  return q<DeliveryTarget[]>`
    select id, user_id, webhook_url, events, signing_secret from taguato.user_webhooks
    where instance_name = ${instance} and is_active`
}

/** After a successful push every active row of the instance is represented upstream. */
export async function markSynced(q: Queryable, instance: string): Promise<void> {
  await q`
    update taguato.user_webhooks set needs_sync = false, retry_count = 0, last_error = null, updated_at = now()
    where instance_name = ${instance} and is_active and needs_sync`
}

export async function markNeedsSync(q: Queryable, id: number, error: string): Promise<void> {
  await q`update taguato.user_webhooks set needs_sync = true, last_error = ${error}, updated_at = now() where id = ${id}`
}

export async function setLastError(q: Queryable, id: number, error: string): Promise<void> {
  await q`update taguato.user_webhooks set last_error = ${error.slice(0, 1000)} where id = ${id}`
}

/** Rows the retry job owes a push (R8, docs/decisions.md#r8: needs_sync, < 3 tries, active). */
export async function pendingSyncs(q: Queryable, limit: number): Promise<{ id: number; instance_name: string; retry_count: number }[]> {
  return q`
    select id, instance_name, retry_count from taguato.user_webhooks
    where needs_sync and retry_count < 3 and is_active order by retry_count, id limit ${limit}`
}

/** One more failed try; the third deactivates the row with the reference's suffix. */
export async function recordSyncFailure(q: Queryable, id: number, error: string): Promise<{ deactivated: boolean }> {
  const [row] = await q<{ is_active: boolean }[]>`
    update taguato.user_webhooks set
      retry_count = retry_count + 1,
      is_active = retry_count + 1 < 3,
      needs_sync = retry_count + 1 < 3,
      last_error = case when retry_count + 1 >= 3 then ${error} || ' (deactivated after max retries)' else ${error} end,
      updated_at = now()
    where id = ${id} returning is_active`
  return { deactivated: row ? !row.is_active : false }
}
