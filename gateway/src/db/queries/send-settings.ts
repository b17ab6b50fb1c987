/**
 * @module db/queries/send-settings
 * The operator's send budgets and default send mode, per instance (taguato.instance_send_settings,
 * migration 0012) and per user (taguato.user_send_settings, migration 0015, for all of that user's
 * instances). An instance's row carries both levels; services/send-budget/controls merges them field by
 * field (instance, else owner, else the config default).
 */
import type { Db, Queryable } from '../client.js'

/** The settable fields of either level; null = not set at this level. */
export type SendSettingFields = {
  per_minute: number | null
  new_recipients_per_day: number | null
  warmup_days: number | null
  send_mode: 'sync' | 'queue' | null
}

/** One instance, its own settings, and its owner's under `user`. */
export type SettingsRow = SendSettingFields & {
  instance_name: string
  integration: string
  linked_at: Date | null
  user: SendSettingFields | null
}

export type SettingsPatch = Partial<SendSettingFields>

type FlatRow = SendSettingFields & {
  instance_name: string
  integration: string
  linked_at: Date | null
  u_per_minute: number | null
  u_new_recipients_per_day: number | null
  u_warmup_days: number | null
  u_send_mode: 'sync' | 'queue' | null
}

function toRow(r: FlatRow): SettingsRow {
  return {
    instance_name: r.instance_name,
    integration: r.integration,
    per_minute: r.per_minute,
    new_recipients_per_day: r.new_recipients_per_day,
    warmup_days: r.warmup_days,
    send_mode: r.send_mode,
    linked_at: r.linked_at,
    user:
      r.u_per_minute === null && r.u_new_recipients_per_day === null && r.u_warmup_days === null && r.u_send_mode === null
        ? null
        : { per_minute: r.u_per_minute, new_recipients_per_day: r.u_new_recipients_per_day, warmup_days: r.u_warmup_days, send_mode: r.u_send_mode },
  }
}

type Filter = { instance: string } | { userId: number } | null

function selectRows(db: Queryable, f: Filter) {
  const where = f === null ? db`` : 'instance' in f ? db`where ui.instance_name = ${f.instance}` : db`where ui.user_id = ${f.userId}`
  return db<FlatRow[]>`
    select ui.instance_name, ui.integration, s.per_minute, s.new_recipients_per_day, s.warmup_days, s.send_mode, s.linked_at,
      u.per_minute as u_per_minute, u.new_recipients_per_day as u_new_recipients_per_day, u.warmup_days as u_warmup_days, u.send_mode as u_send_mode
    from taguato.user_instances ui
    left join taguato.instance_send_settings s using (instance_name)
    left join taguato.user_send_settings u on u.user_id = ui.user_id
    ${where}`
}

/**
 * Every instance with its settings. First records `linked_at` for instances seen open (instance_states,
 * kept by the reconnect job) that have none yet: the start of their warm-up.
 */
export async function loadSendSettings(db: Db): Promise<SettingsRow[]> {
  await db`
    insert into taguato.instance_send_settings (instance_name, linked_at)
    select instance_name, now() from taguato.instance_states where was_open
    on conflict (instance_name) do update set linked_at = now(), updated_at = now() where taguato.instance_send_settings.linked_at is null`
  return (await selectRows(db, null)).map(toRow)
}

export async function readSendSettings(db: Queryable, instance: string): Promise<SettingsRow | null> {
  const [row] = await selectRows(db, { instance })
  return row ? toRow(row) : null
}

/** Applies the operator's overrides to one instance (absent keys stay, null = not set); answers the row. */
export async function saveSendSettings(db: Db, instance: string, p: SettingsPatch): Promise<SettingsRow | null> {
  const has = (k: keyof SettingsPatch) => Object.hasOwn(p, k)
  await db`
    insert into taguato.instance_send_settings (instance_name, per_minute, new_recipients_per_day, warmup_days, send_mode)
    values (${instance}, ${p.per_minute ?? null}, ${p.new_recipients_per_day ?? null}, ${p.warmup_days ?? null}, ${p.send_mode ?? null})
    on conflict (instance_name) do update set
      per_minute = case when ${has('per_minute')} then excluded.per_minute else taguato.instance_send_settings.per_minute end,
      new_recipients_per_day = case when ${has('new_recipients_per_day')} then excluded.new_recipients_per_day else taguato.instance_send_settings.new_recipients_per_day end,
      warmup_days = case when ${has('warmup_days')} then excluded.warmup_days else taguato.instance_send_settings.warmup_days end,
      send_mode = case when ${has('send_mode')} then excluded.send_mode else taguato.instance_send_settings.send_mode end,
      updated_at = now()`
  return readSendSettings(db, instance)
}

/** A user's settings (all null when none were ever set); null when there is no such user. */
export async function readUserSendSettings(db: Queryable, userId: number): Promise<SendSettingFields | null> {
  const [row] = await db<SendSettingFields[]>`
    select u.per_minute, u.new_recipients_per_day, u.warmup_days, u.send_mode
    from taguato.users x left join taguato.user_send_settings u on u.user_id = x.id
    where x.id = ${userId}`
  return row ?? null
}

/** Applies the operator's settings for all of a user's instances (absent keys stay, null = not set). */
export async function saveUserSendSettings(db: Db, userId: number, p: SettingsPatch): Promise<SendSettingFields | null> {
  const has = (k: keyof SettingsPatch) => Object.hasOwn(p, k)
  await db`
    insert into taguato.user_send_settings (user_id, per_minute, new_recipients_per_day, warmup_days, send_mode)
    values (${userId}, ${p.per_minute ?? null}, ${p.new_recipients_per_day ?? null}, ${p.warmup_days ?? null}, ${p.send_mode ?? null})
    on conflict (user_id) do update set
      per_minute = case when ${has('per_minute')} then excluded.per_minute else taguato.user_send_settings.per_minute end,
      new_recipients_per_day = case when ${has('new_recipients_per_day')} then excluded.new_recipients_per_day else taguato.user_send_settings.new_recipients_per_day end,
      warmup_days = case when ${has('warmup_days')} then excluded.warmup_days else taguato.user_send_settings.warmup_days end,
      send_mode = case when ${has('send_mode')} then excluded.send_mode else taguato.user_send_settings.send_mode end,
      updated_at = now()`
  return readUserSendSettings(db, userId)
}

/** The instances a user owns (their in-memory settings change with the user's). */
export async function ownedInstanceSettings(db: Queryable, userId: number): Promise<SettingsRow[]> {
  return (await selectRows(db, { userId })).map(toRow)
}
