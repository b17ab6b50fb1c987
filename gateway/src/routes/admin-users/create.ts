/**
 * @module routes/admin-users/create
 * POST /admin/users (R4, docs/decisions.md#r4): argon2id hash, duplicate username and duplicate email are
 * distinct 409s (R4), the audit row is part of the insert's transaction.
 */
import { randomBytes } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { insertUser, uniqueViolation } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { readJsonObject } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { CreateUserBody, readCreate } from './schemas.js'

export function createUserRoute(r: Router, deps: Deps): void {
  register(
    r,
    {
      method: 'POST',
      path: '/admin/users',
      access: 'admin',
      summary: 'Create a user (must change the password at first login)',
      tags: ['admin', 'users'],
      body: CreateUserBody,
      response: { status: 201, description: '{user}' },
    },
    async (c) => {
      const input = readCreate(await readJsonObject(c))
      const admin = c.get('user')
      const hash = await deps.passwords.hash(input.password)
      try {
        const user = await deps.sql.begin(async (tx) => {
          const created = await insertUser(tx, {
            username: input.username,
            password_hash: hash,
            role: input.role,
            max_instances: input.max_instances,
            email: input.email,
            phone_number: input.phone_number,
            rate_limit: input.rate_limit,
            api_token: randomBytes(32).toString('hex'),
          })
          await deps.audit.record(
            { userId: admin.id, username: admin.username, action: 'user_created', resourceType: 'user', resourceId: created.id, details: { username: created.username, role: created.role }, ip: c.get('clientIp') },
            tx,
          )
          return created
        })
        return c.json({ user }, 201)
      } catch (err) {
        const dup = uniqueViolation(err)
        if (dup === 'email') throw new ApiError(409, 'Email already exists')
        if (dup) throw new ApiError(409, 'Username already exists')
        throw err
      }
    },
  )
}
