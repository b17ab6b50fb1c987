/**
 * @module lib/body
 * JSON body and query parsing with valibot. The reference reads any body as JSON whatever its
 * Content-Type; a missing, malformed or non-object body is 400 "Invalid JSON body" (or a route's own
 * message), and the first failed rule's message is the 400 error (reference check order = key order).
 * Text PostgreSQL cannot store (NUL) and invalid UTF-8 are refused here, once for every route
 * (lib/text), naming the field.
 */
import type { Context } from 'hono'
import * as v from 'valibot'
import { ApiError } from '../errors/api-error.js'
import { readRawBody } from './raw-body.js'
import { assertNoNul, decodeJsonText } from './text.js'

export const INVALID_JSON = 'Invalid JSON body'

/** Reads the body as a JSON object; throws 400 with `invalidMessage` otherwise. */
export async function readJsonObject(c: Context, invalidMessage = INVALID_JSON): Promise<Record<string, unknown>> {
  let text: string
  try {
    const raw = await readRawBody(c)
    text = decodeJsonText(raw).replace(/^\uFEFF/, '') // as Response.text(): BOM dropped
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw new ApiError(400, invalidMessage)
  }
  if (text.trim() === '') throw new ApiError(400, invalidMessage)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new ApiError(400, invalidMessage)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(400, invalidMessage)
  assertNoNul(parsed, text)
  return parsed as Record<string, unknown>
}

/** Validates a value against a schema; the first issue's message becomes a 400. */
export function validate<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const r = v.safeParse(schema, value, { abortEarly: true })
  if (!r.success) throw new ApiError(400, r.issues[0]?.message ?? 'Invalid request')
  return r.output
}

/** Reads and validates a JSON object body in one step. */
export async function parseBody<S extends v.GenericSchema>(c: Context, schema: S, invalidMessage = INVALID_JSON): Promise<v.InferOutput<S>> {
  return validate(schema, await readJsonObject(c, invalidMessage))
}

/** Route ids are digits only (R2, docs/decisions.md#r2): anything else is the route's 404. */
export function parseId(raw: string | undefined, notFoundMessage = 'Not found'): number {
  if (!raw || !/^\d{1,9}$/.test(raw)) throw new ApiError(404, notFoundMessage)
  return Number(raw)
}
