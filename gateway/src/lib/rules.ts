/**
 * @module lib/rules
 * The reference's validation rules (R1, docs/decisions.md#r1) as valibot schemas with its exact messages.
 * Lengths are UTF-8 bytes, as in the reference. `ruleError` gives the first message or null.
 */
import * as v from 'valibot'

export const PasswordRule = v.pipe(
  v.string('Password is required'),
  v.minBytes(8, 'Password must be at least 8 characters'),
  v.regex(/[A-Z]/, 'Password must contain at least one uppercase letter'),
  v.regex(/[a-z]/, 'Password must contain at least one lowercase letter'),
  v.regex(/[0-9]/, 'Password must contain at least one number'),
)

export const UsernameRule = v.pipe(
  v.string('Username is required'),
  v.check((s) => Buffer.byteLength(s) >= 3 && Buffer.byteLength(s) <= 50, 'Username must be between 3 and 50 characters'),
  v.regex(/^[A-Za-z0-9_]+$/, 'Username must contain only letters, numbers and underscores'),
)

export const EmailRule = v.pipe(
  v.string('Email is required'),
  v.maxBytes(255, 'Email must be at most 255 characters'),
  v.regex(/^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+$/, 'Invalid email format'),
)

export const PhoneRule = v.pipe(
  v.string('Phone number is required'),
  v.check((s) => /^[0-9]*$/.test(s.replace(/[ \t\n\v\f\r]/g, '')), 'Phone number must contain only digits'),
  v.check((s) => {
    const n = s.replace(/[ \t\n\v\f\r]/g, '').length
    return n >= 8 && n <= 20
  }, 'Phone number must be between 8 and 20 digits'),
)

export const InstanceNameRule = v.pipe(
  v.string('Instance name is required'),
  v.check((s) => Buffer.byteLength(s) >= 1 && Buffer.byteLength(s) <= 100, 'Instance name must be between 1 and 100 characters'),
  v.regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
    'Instance name must start with a letter or number and contain only letters, numbers, underscores and hyphens',
  ),
)

/** string(name, min, max) of the reference: `<name> is required` / `at least` / `at most`. */
export const stringRule = (name: string, min: number, max: number) =>
  v.pipe(
    v.string(`${name} is required`),
    v.minBytes(min, `${name} must be at least ${min} characters`),
    v.maxBytes(max, `${name} must be at most ${max} characters`),
  )

/** enum(name, list): `<name> must be one of: a, b, c`. */
export const enumRule = <const T extends readonly string[]>(name: string, values: T) =>
  v.picklist(values, (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be one of: ${values.join(', ')}`))

/** positive int(name): integers >= 1, numeric strings accepted. */
export const positiveIntRule = (name: string) =>
  v.pipe(
    v.union([v.number(), v.string()], `${name} is required`),
    v.transform((x) => (typeof x === 'string' && x.trim() !== '' ? Number(x) : x)),
    v.number(`${name} must be a positive integer`),
    v.integer(`${name} must be a positive integer`),
    v.minValue(1, `${name} must be a positive integer`),
  )

export const MESSAGE_TYPES = ['text', 'image', 'document', 'audio', 'video'] as const

/** First validation message for a value, or null when it passes. */
export function ruleError(schema: v.GenericSchema, value: unknown): string | null {
  const r = v.safeParse(schema, value, { abortEarly: true })
  return r.success ? null : (r.issues[0]?.message ?? 'Invalid value')
}
