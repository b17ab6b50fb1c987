/**
 * @module routes/admin-users/last-admin
 * Nobody may demote, deactivate or delete the last active admin: with no admin left, the accounts could
 * only be repaired in the database. Checked inside the caller's transaction with the admin rows locked.
 */
import type { Queryable } from '../../db/client.js'
import { lockActiveAdminIds } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'

export const LAST_ADMIN = 'Cannot remove the last active admin'

/** Throws 400 when `id` is the only active admin. Call it before locking any other user row. */
export async function refuseLastActiveAdmin(tx: Queryable, id: number): Promise<void> {
  const admins = await lockActiveAdminIds(tx)
  if (admins.length <= 1 && admins.includes(id)) throw new ApiError(400, LAST_ADMIN)
}
