/**
 * @module scripts/import-reference/evolution-creds
 * Reads the Baileys auth state Evolution API v2 stored, into the text our upstream keeps in
 * upstream.baileys_auth (JSON written with Baileys' BufferJSON: a Buffer is {type:'Buffer', data:<base64>}).
 *
 * Evolution's Prisma store (use-multi-file-auth-state-prisma) writes "Session".creds as JSON.stringify
 * of the BufferJSON text, so the column holds a JSON *string* of the creds JSON; a plain object is
 * accepted too. Older writers put Buffers as {type:'Buffer', data:[bytes]}; Baileys' current reviver
 * reads only base64, so those are rewritten. The creds must have what a login needs (keys, registration
 * id) or the instance is imported disconnected; without `me` the phone was never linked.
 */
import * as v from 'valibot'

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue }

const BufferJson = v.object({ type: v.literal('Buffer'), data: v.string() })
const KeyPair = v.object({ public: BufferJson, private: BufferJson })

/** The parts of AuthenticationCreds a Baileys login reads; everything else is kept as it is. */
const LoginCreds = v.looseObject({
  noiseKey: KeyPair,
  signedIdentityKey: KeyPair,
  signedPreKey: v.looseObject({ keyPair: KeyPair, signature: BufferJson, keyId: v.number() }),
  registrationId: v.number(),
  advSecretKey: v.string(),
  me: v.optional(v.looseObject({ id: v.string() })),
})

export type CredsVerdict =
  | { ok: true; json: string; linkedAs: string | null }
  | { ok: false; why: string }

/** Buffers written as byte arrays become base64, as BufferJSON writes them today. */
export function normalizeBuffers(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(normalizeBuffers)
  if (value === null || typeof value !== 'object') return value
  if (value.type === 'Buffer' && Array.isArray(value.data) && value.data.every((b) => typeof b === 'number')) {
    return { type: 'Buffer', data: Buffer.from(value.data as number[]).toString('base64') }
  }
  const out: { [k: string]: JsonValue } = {}
  for (const [k, x] of Object.entries(value)) out[k] = normalizeBuffers(x)
  return out
}

/** Parses stored text that is JSON, or (up to `depth` times) JSON encoded once more as a JSON string. */
export function parseStoredJson(text: unknown, depth = 2): JsonValue | undefined {
  let value: unknown = text
  for (let i = 0; i < depth && typeof value === 'string'; i++) {
    try {
      value = JSON.parse(value)
    } catch {
      return undefined
    }
  }
  return value === undefined ? undefined : (value as JsonValue)
}

/** Judges one "Session".creds value; on success the JSON text to store and the linked account, if any. */
export function readCreds(stored: unknown): CredsVerdict {
  if (stored === null || stored === undefined || stored === '') return { ok: false, why: 'no stored auth state (Session row missing or empty)' }
  const parsed = parseStoredJson(stored)
  if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, why: 'stored auth state is not JSON' }
  const creds = normalizeBuffers(parsed)
  const r = v.safeParse(LoginCreds, creds)
  if (!r.success) {
    const path = v.getDotPath(r.issues[0]) ?? 'creds'
    return { ok: false, why: `stored auth state is incomplete (${path}: ${r.issues[0].message})` }
  }
  return { ok: true, json: JSON.stringify(creds), linkedAs: r.output.me?.id ?? null }
}

/** Signal key types Baileys keeps, longest first so "sender-key-memory-x" is not read as "sender-key". */
const KEY_TYPES = [
  'app-state-sync-version', 'app-state-sync-key', 'sender-key-memory', 'identity-key', 'lid-mapping', 'device-list',
  'sender-key', 'pre-key', 'session', 'tctoken',
]

/** Splits Evolution's `<type>-<id>` key name (its Redis hash field) into our (type, id); null if unknown. */
export function splitKeyName(field: string): { type: string; id: string } | null {
  for (const type of KEY_TYPES) {
    if (field.startsWith(`${type}-`) && field.length > type.length + 1) return { type, id: field.slice(type.length + 1) }
  }
  return null
}

/** One stored key value as the text we keep; null when it is not JSON. */
export function readKeyValue(stored: string): string | null {
  // Once only: a key's value may itself be a string (a lid-mapping is "<number>@lid").
  const parsed = parseStoredJson(stored, 1)
  return parsed === undefined ? null : JSON.stringify(normalizeBuffers(parsed))
}
