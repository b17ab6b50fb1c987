/**
 * @module upstream/routes/form-body
 * sendSticker, sendPtv and sendStatus also take `multipart/form-data` (v2: the file in a part named
 * `file`, the other fields acting as the body). The file's base64 replaces the route's media field, which
 * fixes Evolution's uploads that crash or pass base64 where a URL is expected (an Evolution quirk we fix, listed in docs/chats-and-history.md). Form fields are
 * text, so the typed ones (booleans, numbers, lists) are read back before validation; JSON and the
 * urlencoded `curl -d` bodies go through lib/validation.ts' readBody as on every route.
 */
import type { Context } from 'hono'
import { badRequest } from '../lib/errors.js'
import { readBody } from '../lib/validation.js'

const BOOLEANS = new Set(['notConvertSticker', 'allContacts', 'mentionsEveryOne', 'everyOne'])
const NUMBERS = new Set(['delay', 'font'])
const LISTS = new Set(['statusJidList', 'mentioned'])

function typed(key: string, value: string | string[]): unknown {
  if (LISTS.has(key)) {
    if (Array.isArray(value)) return value
    if (/^\s*\[/.test(value)) {
      try {
        return JSON.parse(value) as unknown
      } catch {
        return value // the schema says what is wrong with it
      }
    }
    return value.split(',').map((s) => s.trim()).filter(Boolean)
  }
  const one = Array.isArray(value) ? value[0]! : value
  if (BOOLEANS.has(key) && (one === 'true' || one === 'false')) return one === 'true'
  if (NUMBERS.has(key) && /^\s*-?\d+(\.\d+)?\s*$/.test(one)) return Number(one)
  return one
}

/** The body of a send that may be a form; `mediaField` receives an uploaded `file` as base64. */
export async function readSendBody(c: Context, mediaField: string): Promise<unknown> {
  const type = c.req.header('content-type') ?? ''
  if (!type.includes('multipart/form-data')) {
    const body = await readBody(c)
    if (!type.includes('application/x-www-form-urlencoded') || !body || typeof body !== 'object' || Array.isArray(body)) return body
    return Object.fromEntries(Object.entries(body).map(([k, val]) => [k, typeof val === 'string' ? typed(k, val) : val]))
  }
  let form: Awaited<ReturnType<typeof c.req.parseBody>>
  try {
    form = await c.req.parseBody({ all: true })
  } catch (err) {
    // A malformed multipart body (no or wrong boundary, cut short) is the caller's error, not ours.
    throw badRequest(`multipart/form-data body could not be read: ${(err as Error).message}`)
  }
  const out: Record<string, unknown> = {}
  let file: File | undefined
  for (const [k, val] of Object.entries(form)) {
    const values = (Array.isArray(val) ? val : [val]) as (string | File)[]
    if (k === 'file') {
      file = values.find((x): x is File => typeof x !== 'string')
      continue
    }
    const texts = values.filter((x): x is string => typeof x === 'string')
    if (texts.length) out[k] = typed(k, texts.length === 1 ? texts[0]! : texts)
  }
  if (file) out[mediaField] = Buffer.from(await file.arrayBuffer()).toString('base64')
  return out
}
