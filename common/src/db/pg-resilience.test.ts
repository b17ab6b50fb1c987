/**
 * @module common/db/pg-resilience.test
 * The postgres.js null-socket crash reproduced (an unguarded pool through PostgreSQL fast stops dies
 * with "Cannot read properties of null (reading 'write')"), then the same run through withResilience
 * survives repeated stops and recovers. Private PostgreSQL (tests/support/private-servers): the shared
 * one is never stopped. The unit part checks the error classification the 503s rely on.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPrivatePg, type PrivatePg } from '../../../tests/support/private-servers.js'
import { DatabaseUnavailableError, isDatabaseUnavailable, PoolCircuit } from './pg-resilience.js'

const CHILD = fileURLToPath(new URL('../../../tests/support/pg-crash-child.ts', import.meta.url))

type ChildResult = { code: number | null; stderr: string; report: { recovered: boolean; errors: Record<string, number> } | null }

function runChild(pg: PrivatePg, mode: 'raw' | 'guarded', cycles: number): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = fork(CHILD, [pg.url, mode, String(cycles)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
    let stderr = ''
    let report: ChildResult['report'] = null
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('message', (m: unknown) => {
      const ack = () => child.connected && child.send('ok')
      if (m === 'stop') void pg.stop().then(ack, ack)
      else if (m === 'start') void pg.start().then(ack, ack)
      else report = m as ChildResult['report']
    })
    child.on('exit', (code) => {
      // Whatever happened, leave PostgreSQL running for the next case.
      void pg.start().catch(() => undefined).then(() => resolve({ code, stderr, report }))
    })
  })
}

describe('postgres.js through PostgreSQL fast stops', () => {
  let pg: PrivatePg
  beforeAll(async () => {
    pg = await startPrivatePg()
  })
  afterAll(async () => {
    await pg?.destroy()
  })

  it('an unguarded pool dies of the null-socket write (the bug this module guards against)', async () => {
    const r = await runChild(pg, 'raw', 1)
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain("Cannot read properties of null (reading 'write')")
    expect(r.stderr).toContain('nextWrite')
  }, 60_000)

  it('the guarded pool survives repeated stops and answers again after each', async () => {
    const r = await runChild(pg, 'guarded', 3)
    expect(r.stderr).not.toContain("reading 'write'")
    expect(r.code).toBe(0)
    expect(r.report?.recovered).toBe(true)
    // The transaction's late query and the dead reservation were refused, not sent.
    expect(r.report?.errors.CONNECTION_CLOSED ?? 0).toBeGreaterThan(0)
  }, 90_000)
})

describe('isDatabaseUnavailable', () => {
  it('names connection failures, not query errors', () => {
    for (const code of ['ECONNREFUSED', 'CONNECT_TIMEOUT', '57P01', '57P03', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code })), code).toBe(true)
    }
    expect(isDatabaseUnavailable(new DatabaseUnavailableError(2))).toBe(true)
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]))).toBe(true)
    for (const code of ['23505', '42P01', '22P02', undefined]) expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(false)
    expect(isDatabaseUnavailable(null)).toBe(false)
  })
})

describe('PoolCircuit', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })

  it('opens on a connection failure, lets one query through per period, closes on the first success', () => {
    const changes: Array<[boolean, string | null]> = []
    const c = new PoolCircuit(() => new Promise(() => undefined), { openMs: 60_000, probeMs: 60_000, onChange: (o, cause) => changes.push([o, cause]) })
    expect(c.refusing()).toBe(false)
    c.trip(refused)
    expect(c.state()).toMatchObject({ open: true, lastError: 'ECONNREFUSED' })
    expect(c.refusing()).toBe(true)
    expect(c.retryAfterSeconds()).toBe(60)
    c.succeeded()
    expect(c.refusing()).toBe(false)
    expect(changes).toEqual([[true, 'ECONNREFUSED'], [false, null]])
    c.stop()
  })

  it('ignores its own refusals and a pool ended on purpose', () => {
    const c = new PoolCircuit(() => Promise.resolve(), { openMs: 60_000 })
    c.trip(new DatabaseUnavailableError(1))
    c.trip(Object.assign(new Error('ended'), { code: 'CONNECTION_ENDED' }))
    expect(c.state().open).toBe(false)
    c.stop()
  })

  it('the background probe closes it when the server answers', async () => {
    let up = false
    const c = new PoolCircuit(() => (up ? Promise.resolve() : Promise.reject(refused)), { openMs: 60_000, probeMs: 20 })
    c.trip(refused)
    await new Promise((r) => setTimeout(r, 100))
    expect(c.state().open).toBe(true)
    up = true
    await new Promise((r) => setTimeout(r, 100))
    expect(c.state().open).toBe(false)
    c.stop()
  })
})
