/**
 * @module db/queries/webhook-deliveries
 * webhook_deliveries (one row per event owed to one user webhook) and webhook_delivery_attempts (the
 * delivery log). An attempt first claims its row for a bounded time (`claimed_until`), so the inline
 * first attempt and a queued retry, or two gateways, never send the same delivery at the same time;
 * recording the attempt releases the claim and moves the state in the same transaction.
 */
import type { Db, Queryable } from '../client.js'

export type DeliveryState = 'pending' | 'failed' | 'delivered' | 'dead'

/** What an attempt needs: the delivery and its webhook as they are now. */
export type DeliveryWork = {
  id: number
  uid: string
  webhook_id: number
  event: string
  payload: Record<string, unknown>
  attempts: number
  max_attempts: number
  webhook_url: string
  signing_secret: string | null
  is_active: boolean
}

export type AttemptRow = { attempt: number; status_code: number | null; error: string | null; latency_ms: number | null; replay: boolean; created_at: Date }
export type DeliveryRow = {
  id: number
  uid: string
  event: string
  state: DeliveryState
  attempts: number
  max_attempts: number
  last_status_code: number | null
  last_error: string | null
  created_at: Date
  updated_at: Date
  delivered_at: Date | null
  attempt_log: AttemptRow[]
}

export type OwnedWebhook = { id: number; user_id: number; instance_name: string; is_active: boolean; disabled_at: Date | null }

export async function insertDelivery(
  q: Queryable,
  d: { webhookId: number; event: string; payload: Record<string, unknown>; maxAttempts: number; queue: string; claimSeconds: number | null },
): Promise<{ id: number; uid: string }> {
  const [row] = await q<{ id: number; uid: string }[]>`
    insert into taguato.webhook_deliveries (webhook_id, event, payload, max_attempts, queue, claimed_until)
    values (${d.webhookId}, ${d.event.slice(0, 64)}, ${q.json(d.payload as never)}, ${d.maxAttempts}, ${d.queue},
      ${d.claimSeconds === null ? null : q`now() + make_interval(secs => ${d.claimSeconds})`})
    returning id::int as id, uid::text as uid`
  return row!
}

export async function setDeliveryJob(q: Queryable, id: number, jobId: string | null): Promise<void> {
  await q`update taguato.webhook_deliveries set job_id = ${jobId} where id = ${id}`
}

/**
 * Claims an open delivery for `seconds`; undefined when it is not open (delivered, dead, gone) or another
 * attempt holds it (`held` tells which).
 */
export async function claimDelivery(q: Queryable, id: number, seconds: number, opts: { alreadyClaimed?: boolean } = {}): Promise<{ work?: DeliveryWork; held: boolean }> {
  const [work] = await q<DeliveryWork[]>`
    update taguato.webhook_deliveries d set claimed_until = now() + make_interval(secs => ${seconds})
    from taguato.user_webhooks w
    where d.id = ${id} and w.id = d.webhook_id and d.state in ('pending', 'failed')
      and (${opts.alreadyClaimed === true} or d.claimed_until is null or d.claimed_until < now())
    returning d.id::int as id, d.uid::text as uid, d.webhook_id, d.event, d.payload, d.attempts, d.max_attempts,
      w.webhook_url, w.signing_secret, w.is_active`
  if (work) return { work, held: false }
  const [open] = await q<{ one: number }[]>`
    select 1 as one from taguato.webhook_deliveries where id = ${id} and state in ('pending', 'failed')`
  return { held: open !== undefined }
}

export type AttemptOutcome = { statusCode: number | null; error: string | null; latencyMs: number | null; ok: boolean; final: boolean }

/**
 * Appends the attempt to the log and moves the delivery: delivered, dead (last attempt, or `final`: an
 * answer retrying cannot change), else failed (a retry follows). Returns the new state, or null when the
 * delivery was no longer open (deleted with its webhook meanwhile): nothing is recorded then.
 */
export async function recordAttempt(db: Db, work: DeliveryWork, o: AttemptOutcome): Promise<Exclude<DeliveryState, 'pending'> | null> {
  return db.begin(async (tx) => {
    const [row] = await tx<{ state: Exclude<DeliveryState, 'pending'>; attempts: number; replays: number }[]>`
      update taguato.webhook_deliveries set
        attempts = attempts + 1,
        state = case when ${o.ok} then 'delivered' when ${o.final} or attempts + 1 >= max_attempts then 'dead' else 'failed' end,
        last_status_code = ${o.statusCode},
        last_error = ${o.error === null ? null : o.error.slice(0, 1000)},
        claimed_until = null,
        delivered_at = case when ${o.ok} then now() else delivered_at end,
        updated_at = now()
      where id = ${work.id} and state in ('pending', 'failed')
      returning state, attempts, replays`
    if (!row) return null
    await tx`
      insert into taguato.webhook_delivery_attempts (delivery_id, attempt, status_code, error, latency_ms, replay)
      values (${work.id}, ${row.attempts}, ${o.statusCode}, ${o.error === null ? null : o.error.slice(0, 1000)}, ${o.latencyMs}, ${row.replays > 0})`
    return row.state
  })
}

/** The dead-letter queue's safety net: a job pg-boss gave up on (expired, crashed) makes its delivery dead. */
export async function markDeadIfOpen(q: Queryable, id: number, error: string): Promise<boolean> {
  const rows = await q`
    update taguato.webhook_deliveries set state = 'dead', last_error = coalesce(last_error, ${error}), claimed_until = null, updated_at = now()
    where id = ${id} and state in ('pending', 'failed') returning id`
  return rows.length > 0
}

/** A delivered event resets the webhook's run of dead letters. */
export async function resetConsecutiveDead(q: Queryable, webhookId: number): Promise<void> {
  await q`update taguato.user_webhooks set consecutive_dead = 0 where id = ${webhookId} and consecutive_dead <> 0`
}

/**
 * One more dead letter in a row; at `threshold` (> 0) the webhook is disabled with `reason`. Returns the
 * owner when this call disabled it (the caller tells them), else null.
 */
export async function countDead(
  q: Queryable,
  webhookId: number,
  threshold: number,
  reason: string,
): Promise<{ user_id: number; username: string; email: string | null; instance_name: string; webhook_url: string } | null> {
  const [row] = await q<{ disabled: boolean; user_id: number; username: string; email: string | null; instance_name: string; webhook_url: string }[]>`
    with cur as (select id, disabled_at from taguato.user_webhooks where id = ${webhookId} for update),
    bumped as (
      update taguato.user_webhooks w set
        consecutive_dead = w.consecutive_dead + 1,
        is_active = case when ${threshold} > 0 and w.consecutive_dead + 1 >= ${threshold} then false else w.is_active end,
        disabled_at = case when ${threshold} > 0 and w.consecutive_dead + 1 >= ${threshold} then coalesce(w.disabled_at, now()) else w.disabled_at end,
        disabled_reason = case when ${threshold} > 0 and w.consecutive_dead + 1 >= ${threshold} and w.disabled_at is null then ${reason} else w.disabled_reason end,
        updated_at = now()
      from cur where w.id = cur.id
      returning w.user_id, w.instance_name, w.webhook_url, (cur.disabled_at is null and w.disabled_at is not null) as disabled
    )
    select b.disabled, b.user_id, u.username, u.email, b.instance_name, b.webhook_url from bumped b join taguato.users u on u.id = b.user_id`
  return row?.disabled ? row : null
}

/** Any webhook by id (the route checks owner or admin). */
export async function findOwnedWebhook(q: Queryable, id: number): Promise<OwnedWebhook | undefined> {
  const [row] = await q<OwnedWebhook[]>`
    select id, user_id, instance_name, is_active, disabled_at from taguato.user_webhooks where id = ${id}`
  return row
}

/** Newest first, with every attempt; `before` = a delivery id from the previous page. */
export async function listDeliveries(
  q: Queryable,
  webhookId: number,
  p: { state?: DeliveryState | undefined; before?: number | undefined; limit: number },
): Promise<DeliveryRow[]> {
  return q<DeliveryRow[]>`
    select d.id::int as id, d.uid::text as uid, d.event, d.state, d.attempts, d.max_attempts, d.last_status_code, d.last_error,
      d.created_at, d.updated_at, d.delivered_at,
      coalesce((select json_agg(json_build_object('attempt', a.attempt, 'status_code', a.status_code, 'error', a.error,
          'latency_ms', a.latency_ms, 'replay', a.replay, 'created_at', a.created_at) order by a.attempt)
        from taguato.webhook_delivery_attempts a where a.delivery_id = d.id), '[]'::json) as attempt_log
    from taguato.webhook_deliveries d
    where d.webhook_id = ${webhookId}
      and (${p.state ?? null}::text is null or d.state = ${p.state ?? null})
      and (${p.before ?? null}::bigint is null or d.id < ${p.before ?? null})
    order by d.id desc limit ${p.limit}`
}

export async function deliveryState(q: Queryable, webhookId: number, id: number): Promise<DeliveryState | undefined> {
  const [row] = await q<{ state: DeliveryState }[]>`select state from taguato.webhook_deliveries where id = ${id} and webhook_id = ${webhookId}`
  return row?.state
}

/**
 * Reopens dead letters for one more attempt each (`ids` null = every dead letter of the webhook). Only
 * rows still dead are taken, so two replay requests for one letter send it once: the second finds it
 * pending or delivered.
 */
export async function reopenDead(q: Queryable, webhookId: number, ids: number[] | null): Promise<{ id: number; queue: string }[]> {
  return q<{ id: number; queue: string }[]>`
    update taguato.webhook_deliveries set state = 'pending', max_attempts = attempts + 1, replays = replays + 1, claimed_until = null, last_error = null, updated_at = now()
    where webhook_id = ${webhookId} and state = 'dead' and (${ids === null} or id = any(${ids ?? []}::bigint[]))
    returning id::int as id, queue`
}

/** Re-enabling clears the disable and the run of dead letters; the instance's upstream webhook is pushed again. */
export async function enableWebhook(q: Queryable, id: number): Promise<void> {
  await q`
    update taguato.user_webhooks set is_active = true, disabled_at = null, disabled_reason = null, consecutive_dead = 0,
      retry_count = 0, needs_sync = true, last_error = null, updated_at = now()
    where id = ${id}`
}

/** The webhook's last delivery error, as the list shows it. */
export async function setWebhookLastError(q: Queryable, webhookId: number, error: string): Promise<void> {
  await q`update taguato.user_webhooks set last_error = ${error.slice(0, 1000)} where id = ${webhookId}`
}

export async function deliveryJobId(q: Queryable, deliveryId: number): Promise<string | null> {
  const [row] = await q<{ job_id: string | null }[]>`select job_id::text as job_id from taguato.webhook_deliveries where id = ${deliveryId}`
  return row?.job_id ?? null
}

export async function deliveryWebhookId(q: Queryable, deliveryId: number): Promise<number | null> {
  const [row] = await q<{ webhook_id: number }[]>`select webhook_id from taguato.webhook_deliveries where id = ${deliveryId}`
  return row?.webhook_id ?? null
}

/**
 * pg-boss's own SQL run on our transaction, so a job exists exactly when its delivery row does (pg-boss's
 * `db` option). The statement text is pg-boss's, not built here. postgres.js serializes each value by the
 * parameter type the server infers (the job's data as jsonb), so values pass as they are; undefined is NULL.
 */
export function pgBossOnTransaction(tx: { unsafe: (text: string, values: never[]) => Promise<unknown[]> }) {
  return { executeSql: async (text: string, values: unknown[]) => ({ rows: await tx.unsafe(text, values.map((v) => v ?? null) as never[]) }) }
}
