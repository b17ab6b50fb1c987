/**
 * @module upstream/routes/deep-body tests: JSON bodies nested deeper than any call stack (JSON.parse
 * accepts them) on every route that takes a body, through the whole app on a real database: a 400
 * (too deep) or the route's normal answer, never a 500 such as the stack overflow a deep `quoted` caused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { MAX_BODY_DEPTH, nestedDeeperThan, TOO_DEEP } from '../lib/validation.js'
import { openInstance, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let up: Upstream
let db: TestDatabase

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  await openInstance(up, 'a1')
}, 60_000)

afterAll(async () => {
  await up?.close()
  await db?.drop()
})

/** `levels` nested objects/arrays around `leaf`. */
const nest = (levels: number, leaf: string) => `${'{"a":['.repeat(levels / 2)}${leaf}${']}'.repeat(levels / 2)}`
const send = (text: string) => `{"number":"595981123456","text":"hi",${text}}`

describe('deeply nested request bodies', () => {
  it('nestedDeeperThan counts object and array levels without recursion', () => {
    expect(nestedDeeperThan(JSON.parse(nest(100_000, '1')), MAX_BODY_DEPTH)).toBe(true)
    expect(nestedDeeperThan(JSON.parse(nest(MAX_BODY_DEPTH, '1')), MAX_BODY_DEPTH)).toBe(false)
    expect(nestedDeeperThan(JSON.parse(nest(MAX_BODY_DEPTH, '{}')), MAX_BODY_DEPTH)).toBe(true)
    expect(nestedDeeperThan('text', 0)).toBe(false)
  })

  it('a deep `quoted` on a send is the 400, a shallow one still sends', async () => {
    const deep = await up.req('POST', '/message/sendText/a1', { body: send(`"quoted":${nest(100_000, '1')}`) })
    expect([deep.status, deep.body.response.message]).toEqual([400, [[TOO_DEEP]]])
    const ok = await up.req('POST', '/message/sendText/a1', { body: send('"quoted":{"key":{"id":"ABC"},"message":{"conversation":"x"}}') })
    expect(ok.status).toBe(201)
  })

  it('every route that takes a body answers a 100,000-level body without a 5xx', async () => {
    const routes = [...new Set(up.app.routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method)).map((r) => `${r.method} ${r.path}`))]
    expect(routes.length).toBeGreaterThan(20)
    const deep = nest(100_000, '"x"')
    const failures: string[] = []
    for (const r of routes) {
      const [method, p] = r.split(' ') as [string, string]
      if (p.includes('*') || p.startsWith('/sandbox') || p.startsWith('/webhook/meta')) continue
      const path = p.replace(/:instanceName|:name/g, 'a1').replace(/:[A-Za-z]+/g, 'x')
      const fields = ['zz', 'quoted', 'message', 'options', 'webhook', 'where', 'data', 'values', 'contact', 'sections']
      for (const body of [deep, ...fields.map((f) => send(`"${f}":${deep}`))]) {
        const res = await up.req(method, path, { body })
        if (res.status >= 500) failures.push(`${r} ${body.slice(0, 60)}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`)
      }
    }
    expect(failures).toEqual([])
  }, 300_000)
})
