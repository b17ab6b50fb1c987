/**
 * @module routes/admin-users/schemas
 * Body rules of /admin/users (R4 (docs/decisions.md#r4) with R4 fixed: every field of the update is validated).
 * Check order and messages are the reference's; `readCreate`/`readUpdate` return clean values.
 */
import * as v from 'valibot'
import { ApiError } from '../../errors/api-error.js'
import { validate } from '../../lib/body.js'
import { fields } from '../../lib/body-schema.js'
import { EmailRule, PasswordRule, PhoneRule, UsernameRule } from '../../lib/rules.js'

const INT_MAX = 2_147_483_647
const ROLE_MESSAGE = "role must be 'user' or 'admin'"

/** Integers as JSON numbers or numeric strings ("5"), within [min, INT_MAX]. */
const intRule = (message: string, min: number) =>
  v.pipe(
    v.union([v.number(), v.string()], message),
    v.transform((x) => (typeof x === 'string' && /^\s*-?\d+\s*$/.test(x) ? Number(x) : x)),
    v.number(message),
    v.integer(message),
    v.minValue(min, message),
    v.maxValue(INT_MAX, message),
  )

export const RoleRule = v.picklist(['user', 'admin'], ROLE_MESSAGE)
export const CreateMaxInstancesRule = intRule('max_instances must be a positive integer', 1)
/** Update also takes 0 (no instances) and -1 (unlimited, the seeded admin's value the panel sends back). */
export const UpdateMaxInstancesRule = intRule('max_instances must be an integer >= -1', -1)
/** null or 0 = the configured default / unlimited; otherwise requests per 60 s. */
export const RateLimitRule = v.nullable(intRule('rate_limit must be a non-negative integer or null', 0))
const PhoneColumnRule = v.pipe(PhoneRule, v.maxBytes(30, 'Phone number must be at most 30 characters'))
const bool = (name: string) => v.boolean(`${name} must be a boolean`)

/**
 * An optional text column: "" or null clears it (null); anything else must pass the rule, with the
 * rule's own message (a union would answer its own).
 */
const clearable = (rule: v.GenericSchema<unknown, string>) =>
  v.pipe(
    v.union([v.literal(''), v.null(), rule], (issue) => v.safeParse(rule, issue.input, { abortEarly: true }).issues?.[0]?.message ?? issue.message),
    v.transform((x): string | null => (x === '' ? null : x)),
  )

/**
 * The schemas the routes validate with and GET /api/openapi.json shows: `fields` checks the keys in the
 * reference's order with its messages; defaults are the schema's.
 */
export const CreateUserBody = fields({
  username: UsernameRule,
  password: PasswordRule,
  role: v.optional(RoleRule, 'user'),
  max_instances: v.optional(CreateMaxInstancesRule, 1),
  email: v.optional(clearable(EmailRule), null),
  phone_number: v.optional(clearable(PhoneColumnRule), null),
  rate_limit: v.optional(RateLimitRule, null),
})

export type CreateUserInput = v.InferOutput<typeof CreateUserBody>

/** username and password are looked at together first, as the reference does; then the body in key order. */
export function readCreate(b: Record<string, unknown>): CreateUserInput {
  if (b.username === undefined || b.password === undefined) throw new ApiError(400, 'username and password are required')
  return validate(CreateUserBody, b)
}

/** Every field optional, each validated when given; `regenerate_token`/`unlock` count only when true. */
export const UpdateUserBody = fields({
  max_instances: v.optional(UpdateMaxInstancesRule),
  is_active: v.optional(bool('is_active')),
  role: v.optional(RoleRule),
  rate_limit: v.optional(RateLimitRule),
  email: v.optional(clearable(EmailRule)),
  phone_number: v.optional(clearable(PhoneColumnRule)),
  password: v.optional(PasswordRule),
  regenerate_token: v.optional(bool('regenerate_token')),
  unlock: v.optional(bool('unlock')),
})

export type UpdateUserInput = Partial<Omit<v.InferOutput<typeof UpdateUserBody>, 'regenerate_token' | 'unlock'> & { regenerate_token: true; unlock: true }>

export function readUpdate(b: Record<string, unknown>): UpdateUserInput {
  const { regenerate_token, unlock, ...rest } = validate(UpdateUserBody, b)
  const out: UpdateUserInput = { ...rest }
  if (regenerate_token) out.regenerate_token = true
  if (unlock) out.unlock = true
  if (Object.keys(out).length === 0) throw new ApiError(400, 'No fields to update')
  return out
}
