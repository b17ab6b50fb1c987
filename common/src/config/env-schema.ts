/**
 * @module common/config/env-schema
 * The building blocks of both services' configuration schemas (valibot) and the one parser that turns
 * an environment into a typed config or a ConfigError listing every problem at once. Every value is
 * trimmed (a stray space in a .env file is never part of a value), and a blank value means the default.
 */
import * as v from 'valibot'

/** A whole number within [min, max]; blank = `def`. */
export const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    v.optional(v.string(), String(def)),
    v.transform((s) => (s.trim() === '' ? def : Number(s))),
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(min, `must be >= ${min}`),
    v.maxValue(max, `must be <= ${max}`),
  )

/** A string, trimmed; absent = `def` (blank stays blank: some settings mean "off" when empty). */
export const str = (def: string) => v.pipe(v.optional(v.string(), def), v.transform((s) => s.trim()))

/** true/false, 1/0, yes/no (any case); blank = `def`. */
export const bool = (def: boolean) =>
  v.pipe(
    v.optional(v.string(), String(def)),
    v.transform((s) => s.trim().toLowerCase()),
    v.picklist(['true', 'false', '1', '0', 'yes', 'no', ''], 'must be true or false'),
    v.transform((s) => (s === '' ? def : s === 'true' || s === '1' || s === 'yes')),
  )

/** Any URL; blank = `def`. */
export const url = (def: string) => v.pipe(v.optional(v.string(), def), v.transform((s) => s.trim() || def), v.url('must be a URL'))

/** A URL or empty (a feature that is off when unset). */
export const optionalUrl = v.pipe(
  v.optional(v.string(), ''),
  v.transform((s) => s.trim()),
  v.check((s) => s === '' || URL.canParse(s), 'must be a URL or empty'),
)

/** An http(s) URL or empty. */
export const optionalHttpUrl = v.pipe(
  v.optional(v.string(), ''),
  v.transform((s) => s.trim()),
  v.check((s) => s === '' || (/^https?:\/\//i.test(s) && URL.canParse(s)), 'must be an http(s) URL or empty'),
)

/** A comma-separated list, entries trimmed, empty entries dropped. */
export const list = v.pipe(
  v.optional(v.string(), ''),
  v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
)

/** Thrown with every problem found, one per line, so an operator fixes them all at once. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    title = 'Invalid configuration',
  ) {
    super(`${title}:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Parses the keys `schema` knows from `env` (other variables are ignored); throws ConfigError naming
 * each bad variable. A missing required key is reported as "is required".
 */
export function parseEnv<S extends v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>>(
  schema: S,
  env: Record<string, string | undefined>,
  title?: string,
): v.InferOutput<S> {
  const picked: Record<string, string> = {}
  for (const key of Object.keys(schema.entries)) {
    const value = env[key]
    if (value !== undefined) picked[key] = value
  }
  const result = v.safeParse(schema, picked, { abortEarly: false })
  if (result.success) return result.output
  const problems = result.issues.map((issue) => {
    const key = v.getDotPath(issue) ?? '(env)'
    return `${key} ${issue.type === 'object' ? 'is required' : issue.message}`
  })
  throw new ConfigError(problems, title)
}
