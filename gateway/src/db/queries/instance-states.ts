/**
 * @module db/queries/instance-states
 * The reconnect job's memory (taguato.instance_states) and its log (taguato.reconnect_log).
 */
import type { Queryable } from '../client.js'

export type InstanceState = { instance_name: string; state: string; was_open: boolean; reconnect_attempts: number; last_attempt_at: Date | null }

export async function loadStates(db: Queryable): Promise<Map<string, InstanceState>> {
  const rows = await db<InstanceState[]>`select instance_name, state, was_open, reconnect_attempts, last_attempt_at from taguato.instance_states`
  return new Map(rows.map((r) => [r.instance_name, r]))
}

/** Records the current state; reaching `open` marks the instance as worth reconnecting and resets the backoff. */
export async function saveState(db: Queryable, name: string, state: string): Promise<void> {
  const open = state === 'open'
  await db`
    insert into taguato.instance_states (instance_name, state, was_open)
    values (${name}, ${state}, ${open})
    on conflict (instance_name) do update set state = excluded.state, updated_at = now(),
      was_open = taguato.instance_states.was_open or excluded.was_open,
      reconnect_attempts = case when ${open} then 0 else taguato.instance_states.reconnect_attempts end`
}

/** Instances no longer listed upstream were deleted: nothing to reconnect. */
export async function forgetMissing(db: Queryable, present: string[]): Promise<void> {
  await db`delete from taguato.instance_states where not (instance_name = any(${present}::text[]))`
}

export async function telegramInstances(db: Queryable): Promise<Set<string>> {
  const rows = await db<{ instance_name: string }[]>`select instance_name from taguato.user_instances where channel_type = 'telegram'`
  return new Set(rows.map((r) => r.instance_name))
}

/** Failed reconnects per instance in the last hour. */
export async function recentFailures(db: Queryable): Promise<Map<string, number>> {
  const rows = await db<{ instance_name: string; n: number }[]>`
    select instance_name, count(*) as n from taguato.reconnect_log
    where result = 'failed' and created_at > now() - interval '1 hour' group by instance_name`
  return new Map(rows.map((r) => [r.instance_name, r.n]))
}

export async function recordAttempt(db: Queryable, name: string, previousState: string, error: string | null): Promise<void> {
  await db`
    insert into taguato.reconnect_log (instance_name, previous_state, action, result, error_message)
    values (${name}, ${previousState}, 'auto_reconnect', ${error === null ? 'reconnected' : 'failed'}, ${error})`
  await db`
    update taguato.instance_states set reconnect_attempts = reconnect_attempts + 1, last_attempt_at = now()
    where instance_name = ${name}`
}
