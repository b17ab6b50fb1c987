/**
 * @module tests/fuzz/row-checksum
 * A checksum of the rows of every taguato table, so "a refused request changes no row" can be checked
 * after each 4xx. Tables are found in the catalogue (a new table is covered without touching this file);
 * what is left out, and why, is below: only what changes on its own or by design on a refusal.
 */
import postgres from 'postgres'

/**
 * Whole tables left out:
 * - audit_log: refusals are audited on purpose (failed logins, denied access, lockouts).
 * - uptime_checks, job_runs, reconnect_log, instance_states: written by the workers on their own clock.
 * - message_logs, inbound_messages: delivery acks and inbound events arrive from the upstream after a
 *   successful send, possibly while a later (refused) request is being answered.
 * - webhook_deliveries, webhook_delivery_attempts: the delivery worker records each event it posts,
 *   on its own clock, after whatever (accepted) request or upstream event raised it.
 * - send_pauses: opened by upstream events (nacks, a logout nobody asked for), like inbound_messages.
 * - stuck_scan_since: the stuck-message worker's own bookmark.
 * - schema_migrations: never changes during a run.
 */
export const SKIPPED_TABLES = [
  'audit_log', 'uptime_checks', 'job_runs', 'reconnect_log', 'instance_states', 'message_logs', 'inbound_messages',
  'webhook_deliveries', 'webhook_delivery_attempts', 'send_pauses', 'stuck_scan_since', 'schema_migrations',
]

/**
 * Columns left out:
 * - users.failed_login_attempts / locked_until / updated_at: a wrong password (401) must count toward
 *   the lockout (D6, docs/decisions.md#d6) and stamps the row.
 * - sessions.last_active / expires_at: sessions slide on every authenticated request, refused or not (D5, docs/decisions.md#d5).
 * - password_resets.attempts / used_at: a wrong reset code (400) counts, and burns the code at the limit.
 * - queued_sends: the queue worker moves an accepted (202) send along on its own clock; which rows exist
 *   is still checked, so a refused request that queued something is caught.
 * - instance_send_settings.linked_at / updated_at: the budget refresher stamps when it first sees an
 *   instance open (see ROW_FILTERS for the rows it creates).
 */
export const SKIPPED_COLUMNS: Record<string, string[]> = {
  users: ['failed_login_attempts', 'locked_until', 'updated_at'],
  sessions: ['last_active', 'expires_at'],
  password_resets: ['attempts', 'used_at'],
  queued_sends: ['status', 'attempts', 'last_error', 'wa_message_id', 'next_attempt_at', 'finished_at'],
  instance_send_settings: ['linked_at', 'updated_at'],
}

/**
 * Rows left out: the budget refresher inserts an instance_send_settings row holding only linked_at for
 * an instance it first sees open; only rows carrying an operator's setting are the API's doing.
 */
export const ROW_FILTERS: Record<string, string> = {
  instance_send_settings: 'per_minute is not null or new_recipients_per_day is not null or warmup_days is not null or send_mode is not null',
}

export type Checksum = Map<string, string>

export class RowChecksum {
  private query: string | null = null
  constructor(private readonly sql: postgres.Sql) {}

  private async build(): Promise<string> {
    const tables = await this.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables
      where table_schema = 'taguato' and table_type = 'BASE TABLE' order by table_name`
    const parts = tables
      .map((t) => t.table_name)
      .filter((t) => !SKIPPED_TABLES.includes(t))
      .map((t) => {
        const drop = (SKIPPED_COLUMNS[t] ?? []).map((c) => `'${c}'`).join(',')
        const row = drop ? `(to_jsonb(t) - array[${drop}]::text[])::text` : 't::text'
        // Order-free (count plus a sum of row hashes): no sort, so cheap enough to run after every request.
        const where = ROW_FILTERS[t] ? ` where ${ROW_FILTERS[t]}` : ''
        return `select '${t}' as name, count(*) || ':' || coalesce(sum(hashtext(${row})::bigint), 0) as sum from taguato."${t}" t${where}`
      })
    return parts.join(' union all ')
  }

  /**
   * Fast path: every row write needs a transaction id, and PostgreSQL hands them out from one counter.
   * When the next id to be assigned has not moved since the last full checksum, nothing was written
   * (anywhere on the server), so that checksum still holds. It is trusted only when no write transaction
   * was in progress (one could commit later without moving the counter). Any write, even in another
   * database, only costs a full checksum.
   */
  private lastXid: string | null = null
  private lastSum: Checksum | null = null

  async take(): Promise<Checksum> {
    const [x] = await this.sql<{ snap: string }[]>`select pg_current_snapshot()::text as snap`
    // "xmin:xmax:" with xmin = xmax: no write transaction in progress that could still commit unseen.
    const m = /^(\d+):(\d+):$/.exec(x?.snap ?? '')
    const xid = m && m[1] === m[2] ? m[2]! : null
    if (this.lastSum && xid !== null && xid === this.lastXid) return this.lastSum
    this.lastSum = await this.full()
    this.lastXid = xid
    return this.lastSum
  }

  private async full(): Promise<Checksum> {
    this.query ??= await this.build()
    const rows = await this.sql.unsafe<{ name: string; sum: string }[]>(this.query, [], { prepare: true })
    return new Map(rows.map((r) => [r.name, r.sum]))
  }
}

/** Names of the tables whose checksum differs. */
export function changedTables(before: Checksum, after: Checksum): string[] {
  return [...after.keys()].filter((k) => before.get(k) !== after.get(k))
}
