/**
 * @module db/queries/instances
 * Queries on user_instances and instance_permissions: the atomic create-under-limit (recording the
 * instance's integration, which paces its scheduled sends), the delete with its dependents (D18, docs/decisions.md#d18), and
 * the admin grant list/insert/revoke.
 */
import type { Db, Queryable } from '../client.js'

/** The driver of an instance created without `integration` (Evolution's default). */
export const DEFAULT_INTEGRATION = 'WHATSAPP-BAILEYS'

/** Advisory-lock namespace for per-user instance creation (second key = user id). */
const CREATE_LOCK = 727_001

export type CreateOutcome =
  | { ok: true; id: number }
  | { ok: false; reason: 'taken' }
  | { ok: false; reason: 'limit'; current: number; max: number }

/**
 * Inserts the ownership row only while the user owns fewer than their max_instances (admins: no limit).
 * A per-user advisory transaction lock serialises one user's creates, so the count the INSERT sees is
 * exact under READ COMMITTED (each statement takes a fresh snapshot after the lock was granted).
 */
export async function insertInstanceUnderLimit(
  db: Db,
  userId: number,
  name: string,
  unlimited: boolean,
  integration: string = DEFAULT_INTEGRATION,
): Promise<CreateOutcome> {
  return db.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${CREATE_LOCK}, ${userId})`
    const [row] = await tx<{ id: number }[]>`
      insert into taguato.user_instances (user_id, instance_name, channel_type, integration)
      select ${userId}::int, ${name}::varchar, 'whatsapp', ${integration}::varchar
      where ${unlimited}::boolean or (select count(*) from taguato.user_instances where user_id = ${userId})
                           < (select max_instances from taguato.users where id = ${userId})
      on conflict do nothing
      returning id`
    if (row) return { ok: true as const, id: row.id }
    const [state] = await tx<{ taken: boolean; current: number; max: number }[]>`
      select exists (select 1 from taguato.user_instances where instance_name = ${name}) as taken,
             (select count(*) from taguato.user_instances where user_id = ${userId}) as current,
             (select max_instances from taguato.users where id = ${userId}) as max`
    if (state!.taken) return { ok: false as const, reason: 'taken' as const }
    return { ok: false as const, reason: 'limit' as const, current: state!.current, max: state!.max }
  }) as Promise<CreateOutcome>
}

/** Rollback of a create whose upstream call failed. */
export async function deleteInstanceRow(db: Queryable, id: number): Promise<void> {
  await db`delete from taguato.user_instances where id = ${id}`
}

/**
 * Removes an instance and what hangs off it (D18): its webhooks, its pending/processing scheduled
 * messages, its grants (cascade) and the ownership row itself, in one transaction.
 */
export async function deleteInstanceCascade(db: Db, name: string): Promise<void> {
  await db.begin(async (tx) => {
    await tx`delete from taguato.user_webhooks where instance_name = ${name}`
    await tx`delete from taguato.scheduled_messages where instance_name = ${name} and status in ('pending', 'processing')`
    await tx`delete from taguato.user_instances where instance_name = ${name}`
  })
}

export type AdminInstanceRow = {
  instance_name: string
  channel_type: string
  created_at: Date
  owner_id: number | null
  owner_username: string | null
  grants: { user_id: number; username: string; granted_at: string }[]
}

/** GET /admin/instances: every registered instance with its owner and grants, newest first. */
export async function listInstancesWithGrants(db: Queryable): Promise<AdminInstanceRow[]> {
  const rows = await db<AdminInstanceRow[]>`
    select ui.instance_name, ui.channel_type, ui.created_at, ui.user_id as owner_id, u.username as owner_username,
           coalesce((select json_agg(json_build_object('user_id', p.grantee_user_id, 'username', gu.username,
                                                       'granted_at', p.granted_at) order by p.granted_at, p.id)
                     from taguato.instance_permissions p join taguato.users gu on gu.id = p.grantee_user_id
                     where p.instance_name = ui.instance_name), '[]'::json) as grants
    from taguato.user_instances ui left join taguato.users u on u.id = ui.user_id
    order by ui.created_at desc, ui.id desc`
  // json_agg renders timestamptz with the session offset (UTC here): normalise to ISO 8601 `Z` (D11, docs/decisions.md#d11).
  for (const r of rows) for (const g of r.grants) g.granted_at = new Date(g.granted_at).toISOString()
  return rows
}

/** The driver an instance was created with; the default for one the gateway does not know. */
export async function instanceIntegration(db: Queryable, name: string): Promise<string> {
  const [row] = await db<{ integration: string }[]>`select integration from taguato.user_instances where instance_name = ${name}`
  return row?.integration ?? DEFAULT_INTEGRATION
}

export async function findInstanceOwner(db: Queryable, name: string): Promise<{ user_id: number | null } | undefined> {
  const [row] = await db<{ user_id: number | null }[]>`select user_id from taguato.user_instances where instance_name = ${name}`
  return row
}

/** Inserts a grant; false when it already exists. */
export async function insertGrant(db: Queryable, name: string, granteeId: number, grantedBy: number): Promise<boolean> {
  const rows = await db`
    insert into taguato.instance_permissions (instance_name, grantee_user_id, granted_by)
    values (${name}, ${granteeId}, ${grantedBy}) on conflict (instance_name, grantee_user_id) do nothing returning id`
  return rows.length === 1
}

/** Deletes a grant; false when there was none. */
export async function deleteGrant(db: Queryable, name: string, granteeId: number): Promise<boolean> {
  const rows = await db`
    delete from taguato.instance_permissions where instance_name = ${name} and grantee_user_id = ${granteeId} returning id`
  return rows.length === 1
}

export type InstanceOwner = { instance_name: string; user_id: number | null; channel_type: string }

export async function findInstance(db: Queryable, name: string): Promise<InstanceOwner | undefined> {
  const [row] = await db<InstanceOwner[]>`
    select instance_name, user_id, channel_type from taguato.user_instances where instance_name = ${name}`
  return row
}

/** Owner, channel and grantees of an instance in one row (the ownership cache's load). */
export async function instanceAccessRow(db: Queryable, name: string): Promise<{ user_id: number | null; channel_type: string; grantees: number[] } | undefined> {
  const [row] = await db<{ user_id: number | null; channel_type: string; grantees: number[] }[]>`
    select ui.user_id, ui.channel_type,
           coalesce(array_agg(p.grantee_user_id) filter (where p.grantee_user_id is not null), '{}') as grantees
    from taguato.user_instances ui
    left join taguato.instance_permissions p on p.instance_name = ui.instance_name
    where ui.instance_name = ${name}
    group by ui.user_id, ui.channel_type`
  return row
}

/** Names a user owns or was granted. */
export async function usableInstanceNames(db: Queryable, userId: number): Promise<string[]> {
  const rows = await db<{ instance_name: string }[]>`
    select instance_name from taguato.user_instances where user_id = ${userId}
    union
    select instance_name from taguato.instance_permissions where grantee_user_id = ${userId}`
  return rows.map((r) => r.instance_name)
}
