/**
 * @module services/passwords
 * argon2id hashing (D4, docs/decisions.md#d4: m >= 19 MiB, t >= 2, p = 1). bcrypt hashes imported from a reference database
 * ($2a$/$2b$/$2y$) still verify; `needsRehash` tells the caller to upgrade them at the next login.
 *
 * At most `concurrency` hashes run at once per process (PASSWORD_HASH_CONCURRENCY, default 1); the rest
 * wait in arrival order. Why: each argon2 hash holds its whole memory cost (19 MiB) in native memory and
 * one of libuv's four threads for ~30 ms. Unbounded, a burst of logins multiplies the process's memory
 * and takes the thread pool from file and DNS work; the hashes are CPU-bound, so beyond one per core
 * they add no throughput, and production already runs one process per core (GATEWAY_WORKERS).
 */
import argon2 from 'argon2'
import bcrypt from 'bcryptjs'
import pLimit, { type LimitFunction } from 'p-limit'

export type PasswordOptions = { memoryKib: number; timeCost: number; concurrency?: number }

export class Passwords {
  private readonly limit: LimitFunction

  constructor(private readonly opts: PasswordOptions) {
    this.limit = pLimit(opts.concurrency ?? 1)
  }

  /** Hashes running now, and waiting for a turn (for tests and diagnostics). */
  get load(): { active: number; waiting: number } {
    return { active: this.limit.activeCount, waiting: this.limit.pendingCount }
  }

  hash(password: string): Promise<string> {
    return this.limit(() =>
      argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: this.opts.memoryKib,
        timeCost: this.opts.timeCost,
        parallelism: 1,
      }),
    )
  }

  /** Verifies a password against an argon2 or bcrypt hash. Never throws on a malformed hash. */
  async verify(hash: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }> {
    try {
      if (/^\$2[aby]\$/.test(hash)) {
        const ok = await this.limit(() => bcrypt.compare(password, hash))
        return { ok, needsRehash: ok }
      }
      const ok = await this.limit(() => argon2.verify(hash, password))
      const needsRehash = ok && argon2.needsRehash(hash, { memoryCost: this.opts.memoryKib, timeCost: this.opts.timeCost, parallelism: 1 })
      return { ok, needsRehash }
    } catch {
      return { ok: false, needsRehash: false }
    }
  }

  /** Spends the time of a verification when there is no user, so timing does not reveal usernames. */
  async burn(password: string): Promise<void> {
    await this.verify(await this.dummy(), password)
  }

  private dummyHash: Promise<string> | undefined
  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash('not-a-real-password-Aa1')
    return this.dummyHash
  }
}
