/**
 * @module upstream/db/instance-profile
 * The account's name and picture on upstream.instances (fetchInstances' profileName / profilePicUrl), written
 * after the profile routes changed them, so the next read shows the change without waiting for a reconnect.
 */
import type { Tx } from './instances.js'

/** Sets the given columns (undefined = left alone, null = cleared). */
export async function updateInstanceProfile(sql: Tx, id: string, p: { profileName?: string; profilePicUrl?: string | null }): Promise<void> {
  await sql`
    update upstream.instances set
      profile_name = case when ${p.profileName !== undefined} then ${p.profileName ?? null} else profile_name end,
      profile_pic_url = case when ${p.profilePicUrl !== undefined} then ${p.profilePicUrl ?? null} else profile_pic_url end,
      updated_at = now()
    where id = ${id}`
}
