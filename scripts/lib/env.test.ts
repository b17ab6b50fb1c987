import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { mallocEnv } from './env.js'

describe('mallocEnv (glibc settings for the gateway process)', () => {
  it('leaves an operator who set any MALLOC_* or GLIBC_TUNABLES alone', () => {
    expect(mallocEnv({ MALLOC_ARENA_MAX: '4' })).toEqual({})
    expect(mallocEnv({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0' })).toEqual({})
  })

  it('returns the block after each hash when the kernel has huge pages on request, else keeps one arena', () => {
    let thp = false
    try {
      thp = !fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').includes('[never]')
    } catch {
      // No THP interface: one arena.
    }
    const preset = Object.keys(process.env).some((k) => k.startsWith('MALLOC_') || k === 'GLIBC_TUNABLES')
    if (preset) return // this test process was itself started with such settings: nothing to choose
    expect(mallocEnv({})).toEqual(thp ? { MALLOC_MMAP_THRESHOLD_: '131072', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } : { MALLOC_ARENA_MAX: '1' })
  })
})
