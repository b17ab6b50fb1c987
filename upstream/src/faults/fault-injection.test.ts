// Fault injection: forced status, path filter, latency, error rate, hang (client timeout); sandbox auth.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { createInstance, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  await createInstance(up, 'f1')
})
afterEach(async () => {
  await up.req('DELETE', '/sandbox/faults')
})
afterAll(async () => {
  await up?.close()
  await db?.drop()
})

describe('sandbox faults', () => {
  it('GET shows none; PUT replaces and answers the active set; DELETE clears', async () => {
    expect((await up.req('GET', '/sandbox/faults')).body).toEqual({ latencyMs: 0, errorRate: 0, forceStatus: null, hang: false, pathPrefix: null, holdAcks: false })
    const put = await up.req('PUT', '/sandbox/faults', { body: { forceStatus: 503 } })
    expect(put.status).toBe(200)
    expect(put.body).toEqual({ latencyMs: 0, errorRate: 0, forceStatus: 503, hang: false, pathPrefix: null, holdAcks: false })
    expect((await up.req('GET', '/sandbox/faults')).body.forceStatus).toBe(503)
    const del = await up.req('DELETE', '/sandbox/faults')
    expect(del.body.forceStatus).toBeNull()
  })

  it('400 for bad fault bodies', async () => {
    expect((await up.req('PUT', '/sandbox/faults', { body: { errorRate: 2 } })).status).toBe(400)
    expect((await up.req('PUT', '/sandbox/faults', { body: { bogus: true } })).status).toBe(400)
  })

  it('forceStatus hits every non-sandbox route, GET / included', async () => {
    await up.req('PUT', '/sandbox/faults', { body: { forceStatus: 500 } })
    const root = await up.req('GET', '/')
    expect(root.status).toBe(500)
    expect(root.body).toMatchObject({ status: 500, error: 'Internal Server Error' })
    expect((await up.req('GET', '/instance/connectionState/f1')).status).toBe(500)
    expect((await up.req('GET', '/sandbox/faults')).status).toBe(200)
  })

  it('pathPrefix limits the faults', async () => {
    await up.req('PUT', '/sandbox/faults', { body: { forceStatus: 502, pathPrefix: '/message/' } })
    expect((await up.req('GET', '/')).status).toBe(200)
    expect((await up.req('POST', '/message/sendText/f1', { body: { number: '595981123456', text: 'x' } })).status).toBe(502)
  })

  it('errorRate 1 always fails with 500', async () => {
    await up.req('PUT', '/sandbox/faults', { body: { errorRate: 1 } })
    expect((await up.req('GET', '/')).status).toBe(500)
  })

  it('latency delays the answer', async () => {
    await up.req('PUT', '/sandbox/faults', { body: { latencyMs: 150 } })
    const start = performance.now()
    expect((await up.req('GET', '/')).status).toBe(200)
    expect(performance.now() - start).toBeGreaterThanOrEqual(140)
  })

  it('hang never answers: the client times out', async () => {
    await up.req('PUT', '/sandbox/faults', { body: { hang: true } })
    const ctrl = new AbortController()
    const pending = up.req('GET', '/', { signal: ctrl.signal }).then(() => 'answered', () => 'aborted')
    const winner = await Promise.race([pending, new Promise((r) => setTimeout(() => r('timeout'), 300))])
    expect(winner).toBe('timeout')
    ctrl.abort()
    await pending
    // A hung request still waiting when faults are cleared is released (503), not leaked.
    const second = up.req('GET', '/')
    await new Promise((r) => setTimeout(r, 20))
    await up.req('DELETE', '/sandbox/faults')
    expect((await second).status).toBe(503)
  })

  it('sandbox routes need the global key', async () => {
    const token = (await up.req('GET', '/instance/fetchInstances?instanceName=f1')).body[0].token
    expect((await up.req('GET', '/sandbox/faults', { key: null })).status).toBe(401)
    expect((await up.req('GET', '/sandbox/faults', { key: token })).status).toBe(401)
    expect((await up.req('POST', '/sandbox/instances/f1/scan', { key: 'wrong' })).status).toBe(401)
  })
})
