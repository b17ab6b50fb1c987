/**
 * @module upstream/lib/validation
 * Reads request bodies like Express does and validates them with valibot, rendering failures the way
 * Evolution's jsonschema validator words them (`instance requires property "text"`,
 * `mediatype is not one of enum values: ...`, or a field's own description such as `Invalid format`),
 * wrapped as a 400 with a nested-array message.
 */
import type { Context } from 'hono'
import * as v from 'valibot'
import { EvoError } from './errors.js'

type Issue = v.BaseIssue<unknown>

/** Parses the body: urlencoded when declared (and not JSON-looking), otherwise JSON (empty body = `{}`). */
export async function readBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  const type = c.req.header('content-type') ?? ''
  // `curl -d '{...}'` labels JSON as urlencoded; a body that starts like JSON is read as JSON.
  if (type.includes('application/x-www-form-urlencoded') && !/^\s*[[{]/.test(text)) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  if (text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text) as unknown
  } catch (err) {
    // body-parser's quirk, kept for fidelity: parser status 400 with the "Internal Server Error" phrase.
    throw new EvoError(400, (err as Error).message, 'Internal Server Error')
  }
  // Each level takes at least two characters: a shorter body cannot be too deep.
  if (text.length > 2 * MAX_BODY_DEPTH && nestedDeeperThan(parsed, MAX_BODY_DEPTH)) throw new EvoError(400, [[TOO_DEEP]])
  return parsed
}

/**
 * JSON.parse accepts any depth, but JSON.stringify (storing a quoted message, a webhook payload) and any
 * recursive walk overflow the call stack on a body nested tens of thousands of levels deep: a 500. No
 * Evolution body comes near this many levels, so deeper ones are a 400.
 */
export const MAX_BODY_DEPTH = 1000
export const TOO_DEEP = `request body is nested more than ${MAX_BODY_DEPTH} levels deep`

/** Whether objects and arrays nest more than `max` levels; an explicit stack, no recursion. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item
    if (node === null || typeof node !== 'object') continue
    if (depth > max) return true
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
  return false
}

/** Validates `input`; throws Evolution's 400 `[[...messages]]` on failure. */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: false })
  if (result.success) return result.output
  throw new EvoError(400, [result.issues.map(issueMessage)])
}

/** Reads and validates the body in one go. */
export async function parseBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  return validate(schema, await readBody(c))
}

function pathOf(items: readonly { key?: unknown; type: string }[]): string {
  let out = ''
  for (const item of items) {
    if (typeof item.key === 'number') out += `[${item.key}]`
    else out += out === '' ? String(item.key) : `.${String(item.key)}`
  }
  return out
}

/** One valibot issue as jsonschema would have worded it (with Evolution's `instance.` strip). */
export function issueMessage(issue: Issue): string {
  const path = issue.path ?? []
  const last = path[path.length - 1] as { origin?: string; key?: unknown } | undefined
  if (issue.type === 'object' && last?.origin === 'key') {
    const parent = pathOf(path.slice(0, -1) as never)
    return `${parent || 'instance'} requires property "${String(last.key)}"`
  }
  // A message we set ourselves (a jsonschema `description`) is used verbatim, as Evolution does.
  if (!/eceived /.test(issue.message)) return issue.message
  const p = pathOf(path as never) || 'instance'
  switch (issue.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'object':
    case 'array':
    case 'integer':
      return `${p} is not of a type(s) ${issue.type}`
    case 'picklist': {
      // valibot words it `("a" | "b")`; jsonschema lists `a,b`.
      const options = [...(issue.expected ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1])
      return `${p} is not one of enum values: ${options.join(',')}`
    }
    case 'min_length':
      return `${p} does not meet minimum length of ${String(issue.requirement)}`
    case 'max_length':
      return `${p} does not meet maximum length of ${String(issue.requirement)}`
    case 'min_value':
      return `${p} must be greater than or equal to ${String(issue.requirement)}`
    case 'max_value':
      return `${p} must be less than or equal to ${String(issue.requirement)}`
    default:
      return `${p} ${issue.message}`
  }
}

/**
 * Group routes' validation (Evolution's groupValidate & co): a flat 400 array of `{property, message}`,
 * `property` the failing field (`instance` for a missing one), `message` jsonschema's wording.
 */
export function validateGroup<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortEarly: false })
  if (result.success) return result.output
  throw new EvoError(400, result.issues.map((issue) => {
    const path = (issue.path ?? []) as { key?: unknown; origin?: string; type: string }[]
    const missing = issue.type === 'object' && path.at(-1)?.origin === 'key'
    const property = missing ? pathOf(path.slice(0, -1)) || 'instance' : pathOf(path) || 'instance'
    if (issue.type === 'regex') return { property, message: `${property} does not match pattern ${JSON.stringify((issue.requirement as RegExp).source)}` }
    if (issue.type === 'picklist') {
      // valibot words it `("a" | "b")` or `(0 | 1)`; jsonschema lists `a,b`.
      const options = String(issue.expected).replace(/^\(|\)$/g, '').split(' | ').map((o) => o.replace(/^"|"$/g, ''))
      return { property, message: `${property} is not one of enum values: ${options.join(',')}` }
    }
    return { property, message: issueMessage(issue) }
  }))
}
