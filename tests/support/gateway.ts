/**
 * @module tests/support/gateway
 * The whole gateway in-process, as production serves it (createApp + createHttpServer: sends take the
 * Node-level path), on a throwaway migrated database and the test Redis, in front of the given upstream,
 * with one user who owns `instance` and holds a session token. `close()` stops it and drops the database.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { migrate } from '../../db/migrate.js'
import { createApp } from '../../gateway/src/app.js'
import { loadConfig } from '../../gateway/src/config.js'
import { buildDeps, waitForRedis, type Deps } from '../../gateway/src/deps.js'
import { createHttpServer } from '../../gateway/src/http-server.js'
import { createTestDatabase, type TestDatabase } from './db.js'

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export type TestGateway = { db: TestDatabase; deps: Deps; server: http.Server; base: string; token: string; userId: number; close: () => Promise<void> }

export async function startTestGateway(o: {
  upstreamUrl: string
  apiKey: string
  /** The owned instance, and the user's name. */
  instance: string
  username: string
  /** The migration lock key: distinct per file, as files run in parallel. */
  lockKey: number
  /** More configuration (LOG_LEVEL is silent and the workers are off unless given). */
  env?: Record<string, string>
  dbPrefix?: string
}): Promise<TestGateway> {
  const db = await createTestDatabase(o.dbPrefix)
  const config = loadConfig({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    AUTHENTICATION_API_KEY: o.apiKey,
    UPSTREAM_URL: o.upstreamUrl,
    LOG_LEVEL: 'silent',
    WORKERS_ENABLED: 'false',
    // Send budgets off (a test instance is a newly linked Baileys number: 4 sends a minute); a test of them sets its own.
    SEND_BUDGET_PER_MINUTE: '0',
    SEND_BUDGET_NEW_RECIPIENTS_PER_DAY: '0',
    ...o.env,
  })
  const deps = buildDeps(config, pino({ level: 'silent' }))
  await waitForRedis(deps.redis, 3000)
  await migrate(deps.sql, { dir: MIGRATIONS, schema: 'taguato', lockKey: o.lockKey })
  const [u] = await deps.sql<{ id: number }[]>`
    insert into taguato.users (username, password_hash, api_token) values (${o.username}, 'x', md5(random()::text)) returning id`
  await deps.sql`insert into taguato.user_instances (user_id, instance_name) values (${u!.id}, ${o.instance})`
  const token = (await deps.sessions.create(u!.id, '127.0.0.1', 'vitest')).token
  const server = createHttpServer(createApp(deps))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    db,
    deps,
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    userId: u!.id,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await deps.messageLog.flush()
      await deps.close()
      await db.drop()
    },
  }
}
