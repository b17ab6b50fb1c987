/**
 * @module services/scheduled/confirm
 * Asks the upstream whether a scheduled/bulk recipient's send happened, when the worker that sent it
 * died between its claim and the upstream's answer (issue 31). The upstream stores every message it
 * sends (Evolution v2 too, in its message table), so `POST /chat/findMessages/{instance}` for messages
 * from us to that number since the claim tells: one whose content is ours = `sent` (with its WhatsApp
 * id); none = `absent` (the send never left: the worker sends it now); anything else (the route
 * refused, timed out, answered a shape we do not know, the instance is gone) = `unknown`, and the
 * recipient is `unconfirmed`, never reported as sent.
 *
 * Why content + number + time instead of a message id we choose: Evolution v2's send routes take no
 * caller-given id, so the only stable facts are the number, the time window (from the claim, minus
 * a little clock skew, to now) and the text (or, for media, the media kind and caption). A message with the same
 * content sent to the same number by some other path inside that window would read as ours: the
 * window is one takeover's lease, and the outcome then is "not sent twice", which is the safe side.
 */
import type { UpstreamClient } from '../upstream-client/upstream-client.js'
import { sendRequest } from './sender.js'

export type Verdict = { kind: 'sent'; waMessageId: string | null } | { kind: 'absent' } | { kind: 'unknown'; why: string }

/** Seconds subtracted from the claim time: the upstream's clock may lag the database's. */
const SKEW_SECONDS = 30

/**
 * "Not there" proves nothing while the dead worker's request may still be running on the upstream: the
 * send's own timeout (services/scheduled/sender.ts, 30 s) plus a margin must have passed since the claim.
 */
export const SETTLED_AFTER_MS = 35_000

const MEDIA_KIND: Record<string, string> = { image: 'imageMessage', video: 'videoMessage', audio: 'audioMessage', document: 'documentMessage' }

type Rec = { key?: { id?: unknown }; messageType?: unknown; message?: Record<string, unknown> | null }

const str = (x: unknown): string | null => (typeof x === 'string' ? x : null)

/** The text a stored message carries (a text's body, a media item's caption). */
function textOf(r: Rec): string | null {
  const m = r.message ?? {}
  const direct = str(m.conversation)
  if (direct !== null) return direct
  for (const val of Object.values(m)) {
    if (val && typeof val === 'object') {
      const o = val as Record<string, unknown>
      const t = str(o.text) ?? str(o.caption)
      if (t !== null) return t
    }
  }
  return null
}

/** Does this stored message carry what the scheduled message sends? */
function isOurs(r: Rec, type: string, body: Record<string, unknown>): boolean {
  if (type === 'text') return textOf(r) === body.text
  if (r.messageType !== MEDIA_KIND[type]) return false
  const caption = str(body.caption)
  return caption === null || caption === '' || textOf(r) === caption
}

export async function askUpstream(
  upstream: Pick<UpstreamClient, 'request'>,
  instance: string,
  type: string,
  content: string,
  number: string,
  claimedAt: Date,
  now = Date.now(),
  settledAfterMs = SETTLED_AFTER_MS,
): Promise<Verdict> {
  const req = sendRequest(type, content, number)
  if ('error' in req) return { kind: 'unknown', why: req.error }
  const body = {
    where: { key: { remoteJid: number, fromMe: true }, messageTimestamp: { gte: Math.floor(claimedAt.getTime() / 1000) - SKEW_SECONDS } },
    offset: 100,
  }
  try {
    const res = await upstream.request('POST', `/chat/findMessages/${encodeURIComponent(instance)}`, body, { timeoutMs: 10_000 })
    const records = (res.body as { messages?: { records?: unknown } } | null)?.messages?.records
    if (res.status !== 200 || !Array.isArray(records)) return { kind: 'unknown', why: `findMessages answered ${res.status}` }
    const mine = (records as Rec[]).find((r) => r && typeof r === 'object' && isOurs(r, type, req.body))
    if (mine) return { kind: 'sent', waMessageId: str(mine.key?.id) }
    if (now - claimedAt.getTime() < settledAfterMs) return { kind: 'unknown', why: 'the send may still be in flight' }
    return { kind: 'absent' }
  } catch (err) {
    return { kind: 'unknown', why: (err as Error).message }
  }
}
