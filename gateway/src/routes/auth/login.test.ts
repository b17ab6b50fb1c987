/**
 * @module routes/auth/login tests: POST /api/auth/login through the whole app on real PostgreSQL and
 * Redis (a throwaway database). Only failures count toward the lockout and the per-address limit, so
 * concurrent correct logins are never refused, while concurrent wrong ones still stop at the limit.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway } from '../../../../tests/support/gateway.js'
import { lockedMessage } from '../../services/accounts/login.js'
import { IP_BLOCKED } from './login.js'

const PW = 'Passw0rd_Ok'
let gw: TestGateway
let hash = ''

beforeAll(async () => {
  // 127.0.0.1 trusted: each test names its own client address with X-Forwarded-For.
  gw = await startTestGateway({
    upstreamUrl: 'http://127.0.0.1:9',
    apiKey: 'login-test-key-0123456789',
    instance: 'unused',
    username: 'login_owner',
    lockKey: 727_032,
    dbPrefix: 'taguato_login',
    env: { LOGIN_IP_MAX_FAILURES: '30', TRUSTED_PROXIES: '127.0.0.1,::1' },
  })
  hash = await gw.deps.passwords.hash(PW)
}, 60_000)

afterAll(async () => {
  await gw?.close()
})

/** A fresh user with PW; returns its name and id. */
async function user(): Promise<{ name: string; id: number }> {
  const name = `login_${randomBytes(5).toString('hex')}`
  const [row] = await gw.deps.sql<{ id: number }[]>`
    insert into taguato.users (username, password_hash, api_token) values (${name}, ${hash}, ${randomBytes(32).toString('hex')}) returning id`
  return { name, id: row!.id }
}

/** A fresh client address, so each test has its own per-address counter in the shared Redis. */
const address = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`

async function login(ip: string, username: string, password: string): Promise<{ status: number; error?: string }> {
  const res = await fetch(`${gw.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ username, password }),
  })
  const body = (await res.json()) as { error?: string }
  return { status: res.status, error: body.error }
}

const failures = async (id: number) =>
  (await gw.deps.sql<{ n: number }[]>`select failed_login_attempts as n from taguato.users where id = ${id}`)[0]!.n

describe('POST /api/auth/login under concurrency', () => {
  it('10 concurrent correct logins for one user all succeed and count nothing', async () => {
    const u = await user()
    const ip = address()
    const answers = await Promise.all(Array.from({ length: 10 }, () => login(ip, u.name, PW)))
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200))
    expect(await failures(u.id)).toBe(0)
  })

  it('three bursts of 40 correct logins from one address (10 users) all succeed, and so does the next', async () => {
    const users = await Promise.all(Array.from({ length: 10 }, user))
    const ip = address()
    for (let burst = 0; burst < 3; burst++) {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(ip, users[i % 10]!.name, PW)))
      expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200))
    }
    expect((await login(ip, users[0]!.name, PW)).status).toBe(200)
  }, 60_000)

  it('12 concurrent wrong passwords: exactly 5 are answered 401, then the account is locked, right password included', async () => {
    const u = await user()
    const ip = address()
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(ip, u.name, `Wrong_${i}`)))
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5)
    expect(answers.filter((a) => a.status === 429 && a.error === lockedMessage(15))).toHaveLength(7)
    expect(await failures(u.id)).toBe(5)
    expect(await login(ip, u.name, PW)).toEqual({ status: 429, error: lockedMessage(15) })
  })

  it('a correct password among concurrent wrong ones never gets more than the limit of guesses answered', async () => {
    const u = await user()
    const ip = address()
    const guesses = Array.from({ length: 20 }, (_, i) => (i === 13 ? PW : `Wrong_${i}`))
    const answers = await Promise.all(guesses.map((p) => login(ip, u.name, p)))
    const wrongAnswered = answers.filter((a, i) => i !== 13 && a.status === 401).length
    // A success resets the counter (D6), so at most 5 failures before it and 5 after it are answered.
    expect(wrongAnswered).toBeLessThanOrEqual(10)
    if (answers[13]!.status !== 200) expect(answers[13]).toEqual({ status: 429, error: lockedMessage(15) })
    expect(await failures(u.id)).toBeLessThanOrEqual(5)
  })

  it('40 concurrent wrong logins from one address: 30 are answered 401, the rest 429, then the address is blocked', async () => {
    const ip = address()
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(ip, `nobody_${i}_${randomBytes(3).toString('hex')}`, 'Guess_Pw_1')))
    expect(answers.filter((a) => a.status === 401)).toHaveLength(30)
    expect(answers.filter((a) => a.status === 429 && a.error === IP_BLOCKED)).toHaveLength(10)
    const u = await user()
    expect(await login(ip, u.name, PW)).toEqual({ status: 429, error: IP_BLOCKED })
    expect((await login(address(), u.name, PW)).status).toBe(200)
  })
})
