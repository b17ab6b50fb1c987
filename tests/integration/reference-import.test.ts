/**
 * @module tests/integration/reference-import
 * Issue 32 end to end on real PostgreSQL and Redis: a TAGUATO-SEND database built from its own schema
 * and 14 migrations (tests/fixtures/reference) is imported in place by `npm run import:reference`'s code.
 * A dry run writes nothing; the report's counts are the fixture's; the gateway then starts on it
 * (its schema check passes) and every user finds their data: bcrypt passwords log in and become
 * argon2id, 2FA users are asked for their code, a locked account stays locked, a live session keeps
 * working, templates, contacts, logs, scheduled messages, webhooks and grants belong to the right
 * users, the audit log lost the password the reference stored, and an imported scheduled message is
 * sent once by our worker (one that was interrupted resumes without resending). A second run changes
 * nothing.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../gateway/src/app.js'
import { loadConfig } from '../../gateway/src/config.js'
import { buildDeps, waitForRedis, type Deps } from '../../gateway/src/deps.js'
import { createHttpServer } from '../../gateway/src/http-server.js'
import { prepareDatabase } from '../../gateway/src/server.js'
import { totpAt } from '../../gateway/src/services/totp/totp.js'
import { registerJobs } from '../../gateway/src/workers/index.js'
import { SCHEDULED_JOB } from '../../gateway/src/workers/scheduled-messages.js'
import { readOptions, type ImportOptions } from '../../scripts/import-reference/options.js'
import type { Report } from '../../scripts/import-reference/report.js'
import { runImport } from '../../scripts/import-reference/run.js'
import type { TestDatabase } from '../support/db.js'
import { createReferenceDatabase, fingerprint } from '../support/reference-db.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const SCHEMAS = ['taguato', 'taguato_reference', 'upstream']

let db: TestDatabase
let backupDir = ''
let dry: Report
let first: Report
let beforeDry: Record<string, string>
let afterDry: Record<string, string>
let deps: Deps
let gateway: http.Server
let upstream: http.Server
let base = ''
/** bob's token: each of his 2FA logins spends a TOTP step, so one login serves the whole file. */
let bobToken = ''
/** Every send the gateway's worker made, as the fake upstream saw it. */
const sends: { instance: string; number: string; text: string }[] = []

const options = (argv: string[] = []): ImportOptions => {
  const o = readOptions([...argv, '--backup-dir', backupDir], { DATABASE_URL: db.url })
  if (o === 'help') throw new Error('unexpected help')
  return o
}
const quiet = () => undefined

async function api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { apikey: token } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

const login = async (username: string, password: string, totp_code?: string) => api('POST', '/api/auth/login', { username, password, ...(totp_code ? { totp_code } : {}) })

async function token(username: string, password: string): Promise<string> {
  const r = await login(username, password)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.token as string
}

beforeAll(async () => {
  db = await createReferenceDatabase()
  backupDir = await mkdtemp(join(tmpdir(), 'taguato-import-'))
  beforeDry = await fingerprint(db.url, SCHEMAS)
  dry = await runImport(options(['--dry-run']), quiet)
  afterDry = await fingerprint(db.url, SCHEMAS)
  first = await runImport(options(), quiet)

  upstream = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (d: Buffer) => (raw += d.toString()))
    req.on('end', () => {
      const m = /^\/message\/sendText\/([^/]+)$/.exec(req.url ?? '')
      if (req.method === 'POST' && m) {
        const b = JSON.parse(raw) as { number: string; text: string }
        sends.push({ instance: decodeURIComponent(m[1]!), number: b.number, text: b.text })
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ key: { id: `3EB0IMPORT${sends.length}`, remoteJid: `${b.number}@s.whatsapp.net`, fromMe: true }, status: 'PENDING' }))
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('[]')
    })
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  const config = loadConfig({
    DATABASE_URL: db.url,
    REDIS_URL,
    AUTHENTICATION_API_KEY: 'reference-import-test-key-0123456789',
    UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_DEFAULT: '0',
    WORKERS_ENABLED: 'false',
    SCHEDULED_PACING_MS: '0',
    BACKUP_DIR: backupDir,
  })
  deps = buildDeps(config, pino({ level: 'silent' }))
  await waitForRedis(deps.redis, 3000)
  // What the gateway's start does: the schema check must accept the imported database.
  await prepareDatabase(deps)
  registerJobs(deps)
  gateway = createHttpServer(createApp(deps))
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`
})

afterAll(async () => {
  gateway?.close()
  upstream?.close()
  await deps?.scheduler.stop()
  await deps?.messageLog.flush()
  await deps?.close()
  await db?.drop()
})

/** The fixture, table by table: [read, imported, skipped]. */
const EXPECTED: Record<string, [number, number, number]> = {
  users: [5, 5, 0], services: [5, 5, 0], user_instances: [5, 5, 0], telegram_instances: [1, 1, 0], instance_permissions: [1, 1, 0],
  incidents: [1, 1, 0], incident_updates: [2, 2, 0], incident_services: [3, 3, 0], scheduled_maintenances: [1, 1, 0],
  maintenance_services: [1, 1, 0], uptime_checks: [4, 4, 0], message_templates: [3, 3, 0], contact_lists: [2, 2, 0],
  contact_list_items: [3, 3, 0], sessions: [3, 1, 2], scheduled_messages: [4, 4, 0], message_logs: [7, 6, 1], audit_log: [3, 3, 0],
  reconnect_log: [2, 2, 0], user_webhooks: [4, 4, 0], password_resets: [1, 0, 1], schema_migrations: [14, 0, 14],
}
const skippedOf = (r: Report, table: string) => Object.values(r.tables[table]!.skipped).reduce((a, b) => a + b, 0)

describe('the import report', () => {
  it('counts what the fixture holds, table by table, with the reason for every skip', () => {
    for (const [name, [read, imported, skipped]] of Object.entries(EXPECTED)) {
      expect([first.tables[name]?.read, first.tables[name]?.imported, skippedOf(first, name)], name).toEqual([read, imported, skipped])
    }
    expect(first.tables.sessions!.skipped).toEqual({ 'revoked or expired in the reference (nothing to keep)': 2 })
    expect(Object.keys(first.tables.message_logs!.skipped)[0]).toMatch(/same scheduled message and number/)
    expect(first.tables.user_webhooks!.notes.join('\n')).toContain('http://127.0.0.1:9000/hook disabled')
    expect(first.mode).toBe('in place')
    expect(first.timezone).toBe('Etc/UTC')
  })

  it('took a backup with the gateway backup code before changing anything', async () => {
    expect(first.backup).toMatch(/taguato_backup_\d{8}_\d{6}\.sql\.gz$/)
    expect(await readdir(backupDir)).toContain(first.backup!.split('/').at(-1))
  })

  it('--dry-run reports the same counts and writes nothing', () => {
    expect(dry.dryRun).toBe(true)
    for (const name of Object.keys(EXPECTED)) expect(dry.tables[name]?.imported, name).toBe(first.tables[name]?.imported)
    expect(afterDry).toEqual(beforeDry)
    expect(beforeDry['(schemas)']).not.toContain('taguato_reference')
  })
})

describe('users after the import', () => {
  it('old bcrypt passwords log in, and are argon2id afterwards', async () => {
    const [before] = await deps.sql<{ password_hash: string }[]>`select password_hash from taguato.users where username = 'alice'`
    expect(before!.password_hash).toMatch(/^\$2a\$06\$/)
    await token('alice', 'Alice_pass1')
    await token('admin', 'Admin_Ref_123')
    const rows = await deps.sql<{ username: string; password_hash: string }[]>`select username, password_hash from taguato.users where username in ('alice', 'admin')`
    for (const r of rows) expect(r.password_hash, r.username).toMatch(/^\$argon2id\$/)
    expect((await login('alice', 'wrong_Pass1')).status).toBe(401)
    expect((await login('alice', 'Alice_pass1')).status).toBe(200)
  })

  it('2FA users are asked for their code, and their secret still works', async () => {
    const step1 = await login('bob', 'Bob_pass12')
    expect(step1).toEqual({ status: 200, body: { requires_2fa: true } })
    const step2 = await login('bob', 'Bob_pass12', totpAt('JBSWY3DPEHPK3PXP'))
    expect(step2.status).toBe(200)
    expect(step2.body.user.username).toBe('bob')
    bobToken = step2.body.token as string
  })

  it('keeps lockout state and deactivation', async () => {
    expect((await login('carol', 'Carol_pass1')).status).toBe(429)
    expect((await login('dave', 'Dave_pass12')).status).toBe(401)
  })

  it('a live session of the reference keeps working; an expired one does not', async () => {
    const me = await api('GET', '/api/auth/me', undefined, 'a1'.repeat(32))
    expect(me.status).toBe(200)
    expect(me.body.user?.username ?? me.body.username).toBe('alice')
    expect((await api('GET', '/api/auth/me', undefined, 'b2'.repeat(32))).status).toBe(401)
  })

  it('the audit log no longer holds the password the reference stored', async () => {
    const [row] = await deps.sql<{ details: Record<string, unknown> }[]>`select details from taguato.audit_log where id = 1`
    expect(row!.details).toEqual({ password_changed: true, max_instances: 2 })
  })
})

describe("each user's data", () => {
  it('templates and contacts', async () => {
    const alice = await token('alice', 'Alice_pass1')
    const bob = bobToken
    expect((await api('GET', '/api/templates', undefined, alice)).body.templates.map((t: { name: string }) => t.name).sort()).toEqual(['Bienvenida', 'Promo'])
    expect((await api('GET', '/api/templates', undefined, bob)).body.templates.map((t: { name: string }) => t.name)).toEqual(['Recordatorio'])
    const lists = (await api('GET', '/api/contacts', undefined, alice)).body.lists
    expect(lists.map((l: { name: string; item_count: number }) => [l.name, l.item_count])).toEqual([['Clientes', 2]])
    const items = (await api('GET', `/api/contacts/${lists[0].id}`, undefined, alice)).body
    expect(JSON.stringify(items)).toContain('595981000102')
  })

  it('message logs, scheduled messages (in the reference time), webhooks and grants', async () => {
    const alice = await token('alice', 'Alice_pass1')
    const carolFree = await deps.sql`update taguato.users set failed_login_attempts = 0, locked_until = null where username = 'carol' returning id`
    expect(carolFree).toHaveLength(1)
    const carol = await token('carol', 'Carol_pass1')
    const logs = (await api('GET', '/api/messages/log?limit=100', undefined, alice)).body
    expect(logs.logs.map((l: { id: number }) => l.id).sort()).toEqual([1, 2, 3, 5, 6])
    const failed = logs.logs.find((l: { id: number }) => l.id === 2)
    expect([failed.status, failed.error_message, failed.created_at]).toEqual(['failed', 'number does not exist', '2024-12-09T10:01:00.000Z'])

    const [future] = await deps.sql<{ user_id: number; status: string; scheduled_at: Date }[]>`select user_id, status, scheduled_at from taguato.scheduled_messages where id = 2`
    expect([future!.user_id, future!.status, future!.scheduled_at.toISOString()]).toEqual([3, 'pending', '2099-01-01T09:00:00.000Z'])

    const hooks = (await api('GET', '/api/webhooks', undefined, alice)).body.webhooks
    expect(hooks.map((h: { id: number; is_active: boolean; needs_sync: boolean }) => [h.id, h.is_active, h.needs_sync]).sort()).toEqual([[1, true, true], [3, true, true]])
    const [refused] = await deps.sql<{ user_id: number; is_active: boolean; last_error: string }[]>`select user_id, is_active, last_error from taguato.user_webhooks where id = 2`
    expect([refused!.user_id, refused!.is_active]).toEqual([3, false])
    expect(refused!.last_error).toMatch(/^disabled at import: /)
    const [userOff] = await deps.sql<{ is_active: boolean }[]>`select is_active from taguato.user_webhooks where id = 4`
    expect(userOff!.is_active).toBe(false)

    // bob holds a grant on alice's shop (D2): he may read its stats, carol may not.
    const bob = bobToken
    expect((await api('GET', '/api/instance/stats/alice-shop', undefined, bob)).status).toBe(200)
    expect((await api('GET', '/api/instance/stats/alice-shop', undefined, carol)).status).toBe(403)
    const [owner] = await deps.sql<{ user_id: number; integration: string }[]>`select user_id, integration from taguato.user_instances where instance_name = 'alice-shop'`
    expect(owner).toEqual({ user_id: 2, integration: 'WHATSAPP-BAILEYS' })
  })

  it('our worker sends an imported scheduled message once; an interrupted one resumes without resending', async () => {
    await deps.scheduler.runNow(SCHEDULED_JOB)
    await deps.scheduler.runNow(SCHEDULED_JOB)
    const got = sends.map((s) => `${s.instance}:${s.number}:${s.text}`).sort()
    expect(got).toEqual([
      'alice-shop:595981000101:Hola desde la migracion',
      'alice-shop:595981000102:Hola desde la migracion',
      'alice-shop:595981000202:Reanudado',
    ])
    // (4, completed in 2024, went with the worker's 30-day retention, as the reference's worker did.)
    const rows = await deps.sql<{ id: number; status: string }[]>`select id, status from taguato.scheduled_messages order by id`
    expect(rows.map((r) => [r.id, r.status])).toEqual([[1, 'completed'], [2, 'pending'], [3, 'completed']])
    const [logged] = await deps.sql<{ n: number }[]>`select count(*)::int as n from taguato.message_logs where scheduled_message_id = 3`
    expect(logged!.n).toBe(2)
  })
})

describe('a second run', () => {
  it('changes nothing: every row was handled by the first (even the one retention purged since)', async () => {
    await deps.messageLog.flush()
    const before = await fingerprint(db.url, SCHEMAS)
    const again = await runImport(options(), quiet)
    expect(await fingerprint(db.url, SCHEMAS)).toEqual(before)
    for (const [name, [read, , skipped]] of Object.entries(EXPECTED)) {
      const notImported = name === 'password_resets' || name === 'schema_migrations'
      expect([again.tables[name]?.read, again.tables[name]?.imported, again.tables[name]?.present], name).toEqual([read, 0, notImported ? 0 : read])
      if (notImported) expect(skippedOf(again, name), name).toBe(skipped)
    }
    expect(again.backup).toBeNull()
  })
})
