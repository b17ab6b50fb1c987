/** @module services/scheduled/confirm tests: what the upstream's stored messages say about an orphaned send. */
import { describe, expect, it } from 'vitest'
import { askUpstream, SETTLED_AFTER_MS } from './confirm.js'

type Answer = { status: number; body: unknown }
const upstreamAnswering = (a: Answer | Error) => {
  const calls: { path: string; body: unknown }[] = []
  return {
    calls,
    client: {
      request: async (_m: string, path: string, body?: unknown) => {
        calls.push({ path, body })
        if (a instanceof Error) throw a
        return { status: a.status, headers: {}, body: a.body } as never
      },
    },
  }
}
const records = (...r: unknown[]) => ({ status: 200, body: { messages: { total: r.length, pages: 1, currentPage: 1, records: r } } })
const claimed = new Date('2030-01-01T00:00:00Z')
const later = claimed.getTime() + SETTLED_AFTER_MS + 1

describe('askUpstream', () => {
  it('finds a text by its body, asking for messages from us to that number since the claim', async () => {
    const u = upstreamAnswering(records({ key: { id: 'OTHER' }, message: { conversation: 'different' } }, { key: { id: 'MINE' }, message: { conversation: 'hola' } }))
    expect(await askUpstream(u.client, 'shop 1', 'text', 'hola', '595981000001', claimed, later)).toEqual({ kind: 'sent', waMessageId: 'MINE' })
    expect(u.calls[0]).toEqual({
      path: '/chat/findMessages/shop%201',
      body: { where: { key: { remoteJid: '595981000001', fromMe: true }, messageTimestamp: { gte: claimed.getTime() / 1000 - 30 } }, offset: 100 },
    })
  })
  it('finds media by kind and caption', async () => {
    const content = JSON.stringify({ mediatype: 'image', media: 'https://example.com/a.png', caption: 'hi' })
    const u = upstreamAnswering(records({ key: { id: 'V' }, messageType: 'videoMessage', message: { videoMessage: { caption: 'hi' } } }, { key: { id: 'I' }, messageType: 'imageMessage', message: { imageMessage: { caption: 'hi' } } }))
    expect(await askUpstream(u.client, 'i', 'image', content, '1', claimed, later)).toEqual({ kind: 'sent', waMessageId: 'I' })
  })
  it('none of ours: absent once the send had time to finish, unknown before', async () => {
    const u = upstreamAnswering(records({ key: { id: 'X' }, message: { conversation: 'other' } }))
    expect(await askUpstream(u.client, 'i', 'text', 'hola', '1', claimed, later)).toEqual({ kind: 'absent' })
    expect((await askUpstream(u.client, 'i', 'text', 'hola', '1', claimed, claimed.getTime() + 1000)).kind).toBe('unknown')
  })
  it('an upstream that cannot tell is unknown, never absent', async () => {
    for (const a of [{ status: 404, body: { error: 'Not Found' } }, { status: 200, body: { something: 'else' } }, new Error('socket hang up')]) {
      expect((await askUpstream(upstreamAnswering(a).client, 'i', 'text', 'hola', '1', claimed, later)).kind).toBe('unknown')
    }
    expect((await askUpstream(upstreamAnswering(records()).client, 'i', 'image', 'not json', '1', claimed, later)).kind).toBe('unknown')
  })
})
