import { describe, expect, it } from 'vitest'
import { Passwords } from './passwords.js'

const MIN = { memoryKib: 19456, timeCost: 2 }

describe('Passwords', () => {
  it('hashes with argon2id at the configured cost and verifies', async () => {
    const p = new Passwords(MIN)
    const h = await p.hash('S3cret_pass')
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await p.verify(h, 'S3cret_pass')).toEqual({ ok: true, needsRehash: false })
    expect(await p.verify(h, 'wrong')).toEqual({ ok: false, needsRehash: false })
    expect(await p.verify('not a hash', 'x')).toEqual({ ok: false, needsRehash: false })
  })

  it('runs at most `concurrency` hashes at once; the others wait their turn in order', async () => {
    const p = new Passwords({ ...MIN, concurrency: 1 })
    const h = await p.hash('S3cret_pass')
    const order: number[] = []
    const seen: Array<{ active: number; waiting: number }> = []
    const runs = [0, 1, 2, 3].map((i) => p.verify(h, i === 2 ? 'wrong' : 'S3cret_pass').then((r) => order.push(i) && r.ok))
    seen.push(p.load)
    const results = await Promise.all(runs)
    expect(seen[0]).toEqual({ active: 1, waiting: 3 })
    expect(results).toEqual([true, true, false, true])
    expect(order).toEqual([0, 1, 2, 3])
    expect(p.load).toEqual({ active: 0, waiting: 0 })
  })

  it('lets `concurrency` hashes run side by side', async () => {
    const p = new Passwords({ ...MIN, concurrency: 2 })
    const runs = [p.hash('a'), p.hash('b'), p.hash('c')]
    expect(p.load).toEqual({ active: 2, waiting: 1 })
    await Promise.all(runs)
  })

  it('queues a failing hash without blocking the ones behind it', async () => {
    const p = new Passwords({ ...MIN, concurrency: 1 })
    const h = await p.hash('x')
    // A malformed argon2 string makes argon2.verify throw inside the limiter: answered as not ok.
    const bad = p.verify('$argon2id$v=19$m=19456,t=2,p=1$broken', 'x')
    const good = p.verify(h, 'x')
    expect(await bad).toEqual({ ok: false, needsRehash: false })
    expect(await good).toEqual({ ok: true, needsRehash: false })
  })

  it('still verifies imported bcrypt hashes and asks for a rehash', async () => {
    const p = new Passwords(MIN)
    // bcrypt("secret", cost 4)
    const bcryptHash = '$2b$04$A9ZJenhs/hSIftaNfj6Sq.17cj8FzoBFfFPs6m7jyaNK22syGXQUK'
    expect(await p.verify(bcryptHash, 'secret')).toEqual({ ok: true, needsRehash: true })
    expect(await p.verify(bcryptHash, 'other')).toEqual({ ok: false, needsRehash: false })
  })
})
