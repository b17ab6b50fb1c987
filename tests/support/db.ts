/**
 * @module tests/support/db
 * A throwaway database per test file: created from the server in TEST_DATABASE_URL (or DATABASE_URL,
 * or the local default) under a random name, dropped afterwards. Real Postgres, never a mock.
 */
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

const BASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> }

/** Creates an empty database and returns its URL plus a `drop()` for afterAll. */
export async function createTestDatabase(prefix = 'taguato_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  const admin = postgres(withDatabase(BASE_URL, 'postgres'), { max: 1, onnotice: () => undefined })
  await admin`create database ${admin(name)}`
  await admin.end()
  return {
    url: withDatabase(BASE_URL, name),
    name,
    drop: async () => {
      const a = postgres(withDatabase(BASE_URL, 'postgres'), { max: 1, onnotice: () => undefined })
      await a`drop database if exists ${a(name)} with (force)`
      await a.end()
    },
  }
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}
