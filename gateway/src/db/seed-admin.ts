/**
 * @module db/seed-admin
 * Seeds the admin from ADMIN_USERNAME/ADMIN_PASSWORD. Idempotent: an existing user of that name keeps
 * its password (the operator may have changed it). Like the reference, the seeded admin must change
 * the password at first panel login.
 */
import { randomBytes } from 'node:crypto'
import type { Db } from './client.js'

/** The hasher (services/passwords in practice), by its shape: db/ imports nothing above it. */
export type PasswordHasher = { hash(password: string): Promise<string> }

export async function seedAdmin(sql: Db, passwords: PasswordHasher, username: string, password: string): Promise<'created' | 'exists'> {
  const [existing] = await sql`select id from taguato.users where username = ${username}`
  if (existing) return 'exists'
  const hash = await passwords.hash(password)
  const rows = await sql`
    insert into taguato.users (username, password_hash, role, api_token, max_instances, must_change_password)
    values (${username}, ${hash}, 'admin', ${randomBytes(32).toString('hex')}, -1, true)
    on conflict (username) do nothing returning id`
  return rows.length ? 'created' : 'exists'
}
