/**
 * @module services/instances/instance-access
 * The one "may use instance" predicate (D2), used by the proxy, fetchInstances, webhooks, scheduled
 * messages, message logs and stats: the owner, an admin, or a grantee from instance_permissions.
 * Deleting an instance upstream is narrower: owner or admin (`mayDelete`).
 */
import type { Db } from '../../db/client.js'
import type { AuthUser } from '../../env.js'

export type InstanceOwner = { instance_name: string; user_id: number | null; channel_type: string }

export class InstanceAccess {
  constructor(private readonly db: Db) {}

  async find(name: string): Promise<InstanceOwner | undefined> {
    const [row] = await this.db<InstanceOwner[]>`
      select instance_name, user_id, channel_type from taguato.user_instances where instance_name = ${name}`
    return row
  }

  /** Owner, grantee or admin. Admins may use instances the gateway does not know (reference). */
  async mayUse(user: Pick<AuthUser, 'id' | 'role'>, name: string): Promise<boolean> {
    if (user.role === 'admin') return true
    const [row] = await this.db`
      select 1 from taguato.user_instances ui
      where ui.instance_name = ${name}
        and (ui.user_id = ${user.id}
             or exists (select 1 from taguato.instance_permissions p
                        where p.instance_name = ui.instance_name and p.grantee_user_id = ${user.id}))`
    return row !== undefined
  }

  /** Owner or admin: the right to delete the instance. */
  async mayDelete(user: Pick<AuthUser, 'id' | 'role'>, name: string): Promise<boolean> {
    if (user.role === 'admin') return true
    const [row] = await this.db`
      select 1 from taguato.user_instances where instance_name = ${name} and user_id = ${user.id}`
    return row !== undefined
  }

  /** Names a user may use (owned and granted); admins get null meaning "all". */
  async usableNames(user: Pick<AuthUser, 'id' | 'role'>): Promise<Set<string> | null> {
    if (user.role === 'admin') return null
    const rows = await this.db<{ instance_name: string }[]>`
      select instance_name from taguato.user_instances where user_id = ${user.id}
      union
      select instance_name from taguato.instance_permissions where grantee_user_id = ${user.id}`
    return new Set(rows.map((r) => r.instance_name))
  }

  /** Hook for caches layered on top: call after instances or grants change. */
  invalidate(_name?: string): void {}
}
