/**
 * @module upstream/db/db-unavailable tests: the upstream's own PostgreSQL stopped (a private one: the
 * shared server is never stopped) answers Evolution's envelope as a fast 503 "Database unavailable"
 * with Retry-After and no internal address, instead of a 500 carrying `connect ECONNREFUSED
 * 127.0.0.1:<port>`; started again, the same route answers 200 by itself within seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPrivatePg, type PrivatePg } from '../../../tests/support/private-servers.js'
import { startUpstream, type Upstream } from '../testing/upstream-harness.js'

let pg: PrivatePg
let up: Upstream

beforeAll(async () => {
  pg = await startPrivatePg()
  up = await startUpstream({ url: pg.url, name: 'postgres', drop: async () => undefined })
}, 90_000)

afterAll(async () => {
  await up?.close().catch(() => undefined)
  await pg?.destroy()
}, 30_000)

describe('upstream with its PostgreSQL stopped', () => {
  it('answers a fast Evolution-shaped 503 and recovers by itself', async () => {
    expect((await up.req('GET', '/instance/fetchInstances')).status).toBe(200)
    await pg.stop()
    for (let i = 0; i < 3; i++) {
      const t = performance.now()
      const r = await up.req('GET', '/instance/fetchInstances')
      expect(performance.now() - t).toBeLessThan(2000)
      expect(r.status).toBe(503)
      expect(r.body).toEqual({ status: 503, error: 'Service Unavailable', response: { message: ['Database unavailable'] } })
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(JSON.stringify(r.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/)
    }
    await pg.start()
    const t = performance.now()
    let status = 0
    while (performance.now() - t < 10_000 && status !== 200) {
      status = (await up.req('GET', '/instance/fetchInstances')).status
      if (status !== 200) await new Promise((r) => setTimeout(r, 200))
    }
    expect(status).toBe(200)
  }, 60_000)
})
