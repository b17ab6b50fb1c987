/**
 * @module routes/admin-users/schemas
 * Body rules of /admin/users (R4 (docs/decisions.md#r4) with R4 fixed: every field of the update is validated).
 * Check order and messages are the reference's; `readCreate`/`readUpdate` return clean values.
 */
import * as v from 'valibot'
import { ApiError } from '../../errors/api-error.js'
import { validate } from '../../lib/body.js'
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

/** "" or null clears an optional text column; anything else must pass the rule. */
const optionalText = (rule: v.GenericSchema<unknown, string>, value: unknown): string | null =>
  value === '' || value === null ? null : validate(rule, value)

export const CreateUserBody = v.object({
  username: v.string(),
  password: v.string(),
  role: v.optional(RoleRule),
  max_instances: v.optional(CreateMaxInstancesRule),
  email: v.optional(v.nullable(v.string())),
  phone_number: v.optional(v.nullable(v.string())),
  rate_limit: v.optional(RateLimitRule),
})

export type CreateUserInput = {
  username: string
  password: string
  role: 'user' | 'admin'
  max_instances: number
  email: string | null
  phone_number: string | null
  rate_limit: number | null
}

export function readCreate(b: Record<string, unknown>): CreateUserInput {
  if (b.username === undefined || b.password === undefined) throw new ApiError(400, 'username and password are required')
  const username = validate(UsernameRule, b.username)
  const password = validate(PasswordRule, b.password)
  return {
    username,
    password,
    role: b.role === undefined ? 'user' : validate(RoleRule, b.role),
    max_instances: b.max_instances === undefined ? 1 : validate(CreateMaxInstancesRule, b.max_instances),
    email: b.email === undefined ? null : optionalText(EmailRule, b.email),
    phone_number: b.phone_number === undefined ? null : optionalText(PhoneColumnRule, b.phone_number),
    rate_limit: b.rate_limit === undefined ? null : validate(RateLimitRule, b.rate_limit),
  }
}

export const UpdateUserBody = v.object({
  max_instances: v.optional(UpdateMaxInstancesRule),
  is_active: v.optional(v.boolean()),
  role: v.optional(RoleRule),
  rate_limit: v.optional(RateLimitRule),
  email: v.optional(v.nullable(v.string())),
  phone_number: v.optional(v.nullable(v.string())),
  password: v.optional(v.string()),
  regenerate_token: v.optional(v.boolean()),
  unlock: v.optional(v.boolean()),
})

export type UpdateUserInput = Partial<{
  max_instances: number
  is_active: boolean
  role: 'user' | 'admin'
  rate_limit: number | null
  email: string | null
  phone_number: string | null
  password: string
  regenerate_token: true
  unlock: true
}>

/** Validates every given field (reference order); `regenerate_token`/`unlock` count only when true. */
export function readUpdate(b: Record<string, unknown>): UpdateUserInput {
  const out: UpdateUserInput = {}
  if (b.max_instances !== undefined) out.max_instances = validate(UpdateMaxInstancesRule, b.max_instances)
  if (b.is_active !== undefined) out.is_active = validate(bool('is_active'), b.is_active)
  if (b.role !== undefined) out.role = validate(RoleRule, b.role)
  if (b.rate_limit !== undefined) out.rate_limit = validate(RateLimitRule, b.rate_limit)
  if (b.email !== undefined) out.email = optionalText(EmailRule, b.email)
  if (b.phone_number !== undefined) out.phone_number = optionalText(PhoneColumnRule, b.phone_number)
  if (b.password !== undefined) out.password = validate(PasswordRule, b.password)
  if (b.regenerate_token !== undefined && validate(bool('regenerate_token'), b.regenerate_token)) out.regenerate_token = true
  if (b.unlock !== undefined && validate(bool('unlock'), b.unlock)) out.unlock = true
  if (Object.keys(out).length === 0) throw new ApiError(400, 'No fields to update')
  return out
}
