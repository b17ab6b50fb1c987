/**
 * @module services/instances/instance-access
 * The one "may use instance" predicate (D2, docs/decisions.md#d2), used by the proxy, fetchInstances, webhooks, scheduled
 * messages, message logs and stats: the owner, an admin, or a grantee from instance_permissions.
 * Deleting an instance upstream is narrower: owner or admin (`mayDelete`). Answers come from the
 * in-process InstanceCache (no query on a warm path); whoever changes instances or grants calls
 * `invalidate(name)`, which reaches every replica.
 */
import type { Db } from '../../db/client.js'
import { findInstance, usableInstanceNames, type InstanceOwner } from '../../db/queries/instances.js'
import type { AuthUser } from '../../db/queries/users.js'
import { InstanceCache, type InstanceCacheOptions, type InstanceEntry } from './instance-cache.js'

export type { InstanceOwner }

export class InstanceAccess {
  private readonly cache: InstanceCache

  constructor(
    private readonly db: Db,
    cacheOptions: InstanceCacheOptions = {},
  ) {
    this.cache = new InstanceCache(db, cacheOptions)
  }

  async find(name: string): Promise<InstanceOwner | undefined> {
    return findInstance(this.db, name)
  }

  /** Cached {owner, grantees, channel} of an instance, or null when the gateway does not know it. */
  entry(name: string): Promise<InstanceEntry> {
    return this.cache.get(name)
  }

  /** Owner, grantee or admin. Admins may use instances the gateway does not know (reference). */
  async mayUse(user: Pick<AuthUser, 'id' | 'role'>, name: string): Promise<boolean> {
    return this.mayUseCached(user, name) ?? usable(user, await this.cache.get(name))
  }

  /** `mayUse` answered from a fresh cache entry without waiting; undefined when it must be loaded (hot path). */
  mayUseCached(user: Pick<AuthUser, 'id' | 'role'>, name: string): boolean | undefined {
    if (user.role === 'admin') return true
    const e = this.cache.peek(name)
    return e === undefined ? undefined : usable(user, e)
  }

  /** Owner or admin: the right to delete the instance. */
  async mayDelete(user: Pick<AuthUser, 'id' | 'role'>, name: string): Promise<boolean> {
    if (user.role === 'admin') return true
    const e = await this.cache.get(name)
    return e !== null && e.owner === user.id
  }

  /** Names a user may use (owned and granted); admins get null meaning "all". */
  async usableNames(user: Pick<AuthUser, 'id' | 'role'>): Promise<Set<string> | null> {
    if (user.role === 'admin') return null
    return new Set(await usableInstanceNames(this.db, user.id))
  }

  /** Call after instances or grants change (all replicas drop their copy); no name = everything. */
  invalidate(name?: string): void {
    this.cache.invalidate(name)
  }

  async close(): Promise<void> {
    await this.cache.close()
  }
}

function usable(user: Pick<AuthUser, 'id'>, e: InstanceEntry): boolean {
  return e !== null && (e.owner === user.id || e.grantees.has(user.id))
}
