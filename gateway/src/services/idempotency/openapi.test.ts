/** @module services/idempotency/openapi tests: the header parameter shows on sends and POST /api/scheduled only. */
import { describe, expect, it } from 'vitest'
import { buildOpenApi } from '../openapi/document.js'

type Op = { parameters: { name: string; in: string }[]; responses: Record<string, unknown> }

describe('Idempotency-Key in the OpenAPI document', () => {
  it('is a header parameter with 409/422 answers on sends and POST /api/scheduled, nowhere else', () => {
    const doc = buildOpenApi(
      [
        { method: 'POST', path: '/api/scheduled', access: 'session', summary: 's' },
        { method: 'GET', path: '/api/scheduled', access: 'session', summary: 'l' },
      ],
      [
        { method: 'POST', path: '/message/sendText/:instance' },
        { method: 'GET', path: '/instance/connectionState/:instance' },
      ],
    ) as { paths: Record<string, Record<string, Op>> }
    const has = (op: Op | undefined) => op?.parameters.some((p) => p.name === 'Idempotency-Key' && p.in === 'header') ?? false
    const send = doc.paths['/message/sendText/{instance}']!.post
    expect([has(send), has(doc.paths['/api/scheduled']!.post), has(doc.paths['/api/scheduled']!.get), has(doc.paths['/instance/connectionState/{instance}']!.get)]).toEqual([true, true, false, false])
    expect(Object.keys(send!.responses)).toEqual(expect.arrayContaining(['409', '422']))
  })
})
