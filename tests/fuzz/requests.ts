/**
 * @module tests/fuzz/requests
 * One generated bad request per property run: which operation, as whom, with which method, path
 * values, query, headers and body; and how it is rendered to bytes (percent-encoded URL, raw JSON text
 * with duplicate keys or non-UTF-8 bytes when asked).
 */
import fc from 'fast-check'
import http from 'node:http'
import type { Field, Operation, Schema } from './openapi-walk.js'
import { BAD_UTF8, BAD_UTF8_BYTES, MISSING, fieldValue, nastyStrings, textValue, type Value } from './values.js'
import type { RawRequest } from './raw-http.js'

export type Actor = 'anon' | 'bogus' | 'user' | 'other' | 'admin'

/** Ids and names created by the setup; A is `user`, B is `other`. */
export type World = {
  instances: { user: string; other: string }
  users: { user: number; other: number; admin: number; victim: number }
  /** Per resource family: ids owned by A and by B (admin-owned for incidents/maintenance). */
  ids: Record<string, { user: number[]; other: number[] }>
}

export type BodyCase =
  | { kind: 'none' }
  | { kind: 'object'; fields: Record<string, Value> }
  | { kind: 'duplicate'; fields: Record<string, Value>; key: string; second: Value }
  | { kind: 'json'; value: Value }
  | { kind: 'text'; text: string }
  | { kind: 'bytes-outside-strings'; fields: Record<string, Value> }
  | { kind: 'deep'; depth: number; array: boolean }
  | { kind: 'oversized'; megabytes: number }

export type Case = {
  op: Operation
  actor: Actor
  method: string
  path: Record<string, string>
  query: [string, string][]
  headers: Record<string, string>
  contentType: string | null
  body: BodyCase
}

/** Routes whose success would break the rest of the run: never aimed at the fuzzer's own rows. */
const DESTRUCTIVE = new Set([
  'DELETE /instance/delete/{instance}', 'DELETE /instance/logout/{instance}',
  'DELETE /admin/users/{id}', 'POST /admin/users/{id}/reset-password',
  'DELETE /api/sessions/{id}', 'DELETE /admin/sessions/{id}',
  'DELETE /api/templates/{id}', 'DELETE /api/contacts/{id}', 'DELETE /api/webhooks/{id}', 'DELETE /api/scheduled/{id}',
  'POST /api/scheduled/{id}/cancel', 'DELETE /admin/incidents/{id}', 'DELETE /admin/maintenance/{id}',
  'DELETE /api/contacts/{id}/items/{itemId}',
])

/** Body fields of routes whose OpenAPI entry documents none (the handlers read them by hand). */
const UNDOCUMENTED_BODIES: Record<string, Record<string, Schema>> = {
  '/api/contacts': { name: { type: 'string', minLength: 1, maxLength: 100 } },
  '/api/contacts/{id}': { name: { type: 'string', minLength: 1, maxLength: 100 } },
  '/api/contacts/{id}/items': {
    items: { type: 'array', items: { type: 'object', properties: { phone_number: { type: 'string' }, label: { type: 'string' } } } },
    phone_number: { type: 'string', minLength: 8, maxLength: 15 },
    label: { type: 'string', maxLength: 100 },
  },
  '/api/contacts/{id}/import': { csv: { type: 'string' } },
  '/api/webhooks': { instance_name: { type: 'string' }, webhook_url: { type: 'string' }, events: { type: 'array', items: { type: 'string' } } },
  '/api/webhooks/{id}': { webhook_url: { type: 'string' }, events: { type: 'array', items: { type: 'string' } }, is_active: { type: 'boolean' } },
  '/api/scheduled': {
    instance_name: { type: 'string' },
    recipients: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 500 },
    message_content: { type: 'string', maxLength: 5000 },
    scheduled_at: { type: 'string', format: 'date-time' },
    message_type: { enum: ['text', 'image', 'document', 'audio', 'video'] },
  },
  '/api/scheduled/{id}': {
    instance_name: { type: 'string' },
    recipients: { type: 'array', items: { type: 'string' } },
    message_content: { type: 'string' },
    scheduled_at: { type: 'string', format: 'date-time' },
    message_type: { enum: ['text', 'image', 'document', 'audio', 'video'] },
  },
  '/api/messages/log': {
    instance_name: { type: 'string' },
    phone_number: { type: 'string' },
    message_type: { enum: ['text', 'image', 'document', 'audio', 'video'] },
    status: { enum: ['sent', 'failed', 'cancelled'] },
    error_message: { type: 'string' },
  },
}
const GENERIC_BODY: Record<string, Schema> = { name: { type: 'string' }, value: { type: 'integer' } }
const EXTRA_QUERY = ['page', 'limit', 'status', 'instance', 'instance_name', 'search', 'date_from', 'date_to', 'user_id', 'token', 'message_type']
const UNKNOWN_METHODS = ['FOO', 'PROPFIND', 'PURGE', 'TRACE', 'LINK', 'M-SEARCH', 'BREW']
const OTHER_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']

export function bodyFieldsOf(op: Operation): Field[] {
  if (op.body && op.body.length > 0) return op.body
  const fallback = UNDOCUMENTED_BODIES[op.path] ?? GENERIC_BODY
  return Object.entries(fallback).map(([name, schema]) => ({ name, schema, required: true }))
}

const bogusIds = fc.oneof(
  fc.constantFrom('0', '-1', '2147483648', '99999999999999999999', '1.0', '01', ' 1', '1e3', 'abc', '%', '..', 'null'),
  fc.integer({ min: 900_000, max: 999_999 }).map(String),
  textValue({ type: 'string' }),
)

function family(path: string): string | null {
  const m = /^\/(?:api|admin)\/(templates|contacts|webhooks|scheduled|incidents|maintenance|sessions)\/\{id\}/.exec(path)
  return m?.[1] ?? null
}

/** Candidate values for one path parameter, given who calls and whether success would hurt the run. */
function pathValue(op: Operation, param: string, actor: Actor, w: World): fc.Arbitrary<string> {
  const key = `${op.method} ${op.path}`
  const destructive = DESTRUCTIVE.has(key)
  // Whose rows may be named: on destructive routes never the caller's own (admin: nobody's).
  const owners: ('user' | 'other')[] = !destructive ? ['user', 'other'] : actor === 'user' ? ['other'] : actor === 'other' ? ['user'] : actor === 'admin' ? [] : ['user', 'other']
  const real: string[] = []
  if (param === 'instance' || (param === 'name' && (op.path.startsWith('/admin/instances/') || op.path.startsWith('/api/instance/stats/')))) {
    for (const o of owners) real.push(w.instances[o])
  } else if (param === 'id' && op.path.startsWith('/admin/users/')) {
    if (actor !== 'admin') real.push(String(w.users.user), String(w.users.other), String(w.users.admin), String(w.users.victim))
    else if (!destructive) real.push(String(w.users.victim))
  } else if (param === 'user_id') {
    real.push(String(w.users.user), String(w.users.other), String(w.users.victim))
  } else if (param === 'itemId') {
    for (const o of owners) real.push(...(w.ids.items?.[o] ?? []).map(String))
  } else if (param === 'id') {
    const f = family(op.path)
    if (f) for (const o of owners) real.push(...(w.ids[f]?.[o] ?? []).map(String))
  }
  return real.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, { weight: 2, arbitrary: bogusIds }) : bogusIds
}

function instanceAware(name: string, s: Schema, w: World): fc.Arbitrary<Value> {
  if (/instance/i.test(name)) return fc.oneof(fc.constantFrom(w.instances.user, w.instances.other), fieldValue(s))
  return fieldValue(s)
}

function objectFields(fields: Field[], w: World): fc.Arbitrary<Record<string, Value>> {
  return fc.record(Object.fromEntries(fields.map((f) => [f.name, instanceAware(f.name, f.schema, w)])))
}

function bodyArb(op: Operation, w: World): fc.Arbitrary<BodyCase> {
  const fields = bodyFieldsOf(op)
  const obj = objectFields(fields, w)
  const hasBody = op.body !== null || ['POST', 'PUT', 'PATCH'].includes(op.method)
  return fc.oneof(
    { weight: hasBody ? 12 : 1, arbitrary: obj.map((f) => ({ kind: 'object' as const, fields: f })) },
    { weight: hasBody ? 2 : 4, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 2,
      arbitrary: fc.tuple(obj, fc.constantFrom(...fields.map((f) => f.name)), nastyStrings).map(([f, key, second]) => ({ kind: 'duplicate' as const, fields: f, key, second })),
    },
    { weight: 1, arbitrary: fc.constantFrom<Value>([], [1, 2], 'string', 42, -1e308, null, true).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', 'not json', '{"a":1,}', "{'a':1}", '\u0000', '{"a":NaN}', '[', '"').map((text) => ({ kind: 'text' as const, text })) },
    { weight: 1, arbitrary: obj.map((f) => ({ kind: 'bytes-outside-strings' as const, fields: f })) },
    { weight: 1, arbitrary: fc.record({ depth: fc.constantFrom(1000, 100_000), array: fc.boolean() }).map((d) => ({ kind: 'deep' as const, ...d })) },
    { weight: 1, arbitrary: fc.constantFrom(1, 2).map((megabytes) => ({ kind: 'oversized' as const, megabytes })) },
  )
}

function queryArb(op: Operation): fc.Arbitrary<[string, string][]> {
  const params = op.query.length ? op.query : op.method === 'GET' ? EXTRA_QUERY.map((name) => ({ name, schema: {} as Schema, required: false })) : []
  if (params.length === 0) return fc.constant([])
  const one = fc.constantFrom(...params).chain((p) =>
    fc.oneof(
      { weight: 4, arbitrary: textValue(p.schema).map((v): [string, string][] => [[p.name, v]]) },
      { weight: 1, arbitrary: fc.tuple(textValue(p.schema), textValue(p.schema)).map(([a, b]): [string, string][] => [[p.name, a], [p.name, b]]) },
    ),
  )
  return fc.array(one, { maxLength: 3 }).map((xs) => xs.flat())
}

const headersArb: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(300), 'id with spaces', '\u00ff\u00fe', '', '../x').map((v) => ({ 'x-request-id': v })) },
  { weight: 1, arbitrary: fc.constantFrom('not-an-ip', '1.2.3.4, ::1', '\u00ff', '999.999.999.999').map((v) => ({ 'x-forwarded-for': v })) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'br', 'identity, *;q=0').map((v) => ({ 'accept-encoding': v })) },
)

const contentTypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml') },
)

export function caseArb(ops: Operation[], w: World): fc.Arbitrary<Case> {
  return fc.constantFrom(...ops).chain((op) =>
    fc.constantFrom<Actor>('anon', 'bogus', 'user', 'user', 'other', 'admin', 'admin').chain((actor) => {
      // The one admin route not attacked as admin: POST /admin/backup really dumps the database.
      const who: Actor = actor === 'admin' && op.method === 'POST' && op.path === '/admin/backup' ? 'user' : actor
      return fc.record({
        op: fc.constant(op),
        actor: fc.constant(who),
        method: fc.oneof(
          { weight: 20, arbitrary: fc.constant(op.method) },
          { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS') },
          { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_METHODS) },
          { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
        ),
        path: fc.record(Object.fromEntries(op.pathParams.map((p) => [p, pathValue(op, p, who, w)]))),
        query: queryArb(op),
        headers: headersArb,
        contentType: contentTypeArb,
        body: bodyArb(op, w),
      })
    }),
  )
}

// ---- rendering ------------------------------------------------------------------------------------

const UNRESERVED = /[A-Za-z0-9\-._~]/

/** Percent-encodes every byte but the unreserved ones; BAD_UTF8 becomes %FF%FE. */
export function encodeComponent(s: string): string {
  let out = ''
  for (const part of s.split(BAD_UTF8).map((p) => Buffer.from(p, 'utf8')).entries()) {
    if (part[0] > 0) out += '%FF%FE'
    for (const b of part[1]) {
      const ch = String.fromCharCode(b)
      out += b < 128 && UNRESERVED.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
    }
  }
  return out
}

function jsonText(fields: Record<string, Value>): string {
  const kept = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== MISSING))
  return JSON.stringify(kept)
}

function swapBadUtf8(buf: Buffer): Buffer {
  const parts: Buffer[] = []
  let from = 0
  for (let i = buf.indexOf(BAD_UTF8_BYTES); i !== -1; i = buf.indexOf(BAD_UTF8_BYTES, from)) {
    parts.push(buf.subarray(from, i), Buffer.from([0xff, 0xfe]))
    from = i + BAD_UTF8_BYTES.length
  }
  parts.push(buf.subarray(from))
  return Buffer.concat(parts)
}

export function renderBody(b: BodyCase): Buffer | undefined {
  switch (b.kind) {
    case 'none':
      return undefined
    case 'object':
      return swapBadUtf8(Buffer.from(jsonText(b.fields)))
    case 'duplicate': {
      const text = jsonText(b.fields)
      const dup = `${JSON.stringify(b.key)}:${JSON.stringify(b.second === MISSING ? null : b.second)}`
      return swapBadUtf8(Buffer.from(text === '{}' ? `{${dup},${dup}}` : `${text.slice(0, -1)},${dup}}`))
    }
    case 'json':
      return Buffer.from(JSON.stringify(b.value))
    case 'text':
      return Buffer.from(b.text)
    case 'bytes-outside-strings': {
      const text = jsonText(b.fields)
      return Buffer.concat([Buffer.from(text.slice(0, 1)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(text.slice(1))])
    }
    case 'deep': {
      const [open, close] = b.array ? ['[', ']'] : ['{"a":', '}']
      return Buffer.from(`${open.repeat(b.depth)}1${close.repeat(b.depth)}`)
    }
    case 'oversized':
      return Buffer.from(JSON.stringify({ text: 'x'.repeat(b.megabytes * 1024 * 1024), number: '595981000000' }))
  }
}

export function render(c: Case, tokens: Record<Actor, string | null>): RawRequest {
  const path = c.op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeComponent(c.path[name] ?? 'x'))
  const qs = c.query.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&')
  const headers: Record<string, string> = { ...c.headers }
  const token = tokens[c.actor]
  if (token) headers.apikey = token
  const target = qs ? `${path}?${qs}` : path
  // Past Node's 16 KiB header limit, or with a method Node's parser does not know, the gateway answers
  // (431 / 400) and closes at once; a body still being written would only turn that answer into a
  // client-side ECONNRESET.
  const refusedByParser = target.length > 12_000 || !http.METHODS.includes(c.method)
  const body = refusedByParser ? undefined : renderBody(c.body)
  if (body && c.contentType) headers['content-type'] = c.contentType
  return { method: c.method, target, headers, body }
}

/** The request as a reader needs it to turn it into a regular test (long bodies cut). */
export function describe(r: RawRequest, actor: Actor): string {
  const hdrs = Object.entries(r.headers).map(([k, v]) => `  ${k}: ${k === 'apikey' ? `<${actor} token>` : v.length > 200 ? `${v.slice(0, 200)}... (${v.length} chars)` : v}`)
  const body = r.body ? (r.body.length > 600 ? `${JSON.stringify(r.body.subarray(0, 600).toString('latin1'))}... (${r.body.length} bytes)` : JSON.stringify(r.body.toString('latin1'))) : '(none)'
  const target = r.target.length > 600 ? `${r.target.slice(0, 600)}... (${r.target.length} chars)` : r.target
  return `${r.method} ${target}  (as ${actor})\n${hdrs.join('\n')}\n  body (latin1 view): ${body}`
}

