/**
 * @module services/passwords
 * argon2id hashing (D4: m >= 19 MiB, t >= 2, p = 1). bcrypt hashes imported from a reference database
 * ($2a$/$2b$/$2y$) still verify; `needsRehash` tells the caller to upgrade them at the next login.
 */
import argon2 from 'argon2'
import bcrypt from 'bcryptjs'

export type PasswordOptions = { memoryKib: number; timeCost: number }

export class Passwords {
  constructor(private readonly opts: PasswordOptions) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.opts.memoryKib,
      timeCost: this.opts.timeCost,
      parallelism: 1,
    })
  }

  /** Verifies a password against an argon2 or bcrypt hash. Never throws on a malformed hash. */
  async verify(hash: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }> {
    try {
      if (/^\$2[aby]\$/.test(hash)) {
        const ok = await bcrypt.compare(password, hash)
        return { ok, needsRehash: ok }
      }
      const ok = await argon2.verify(hash, password)
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
