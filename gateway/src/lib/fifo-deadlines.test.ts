/** @module lib/fifo-deadlines tests: expiry in order on one timer, removal, the disabled queue. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FifoDeadlines } from './fifo-deadlines.js'

describe('FifoDeadlines', () => {
  afterEach(() => vi.useRealTimers())

  it('expires each entry once, after its own lifetime, unless removed first', () => {
    vi.useFakeTimers()
    const q = new FifoDeadlines(100)
    const fired: string[] = []
    q.add(() => fired.push('a'))
    vi.advanceTimersByTime(40)
    const b = q.add(() => fired.push('b'))
    q.add(() => fired.push('c'))
    q.remove(b)
    vi.advanceTimersByTime(60)
    expect(fired).toEqual(['a'])
    vi.advanceTimersByTime(39)
    expect(fired).toEqual(['a'])
    vi.advanceTimersByTime(1)
    expect(fired).toEqual(['a', 'c'])
    expect(q.size).toBe(0)
    vi.advanceTimersByTime(1000)
    expect(fired).toEqual(['a', 'c'])
  })

  it('a throwing handler does not stop the others; 0 disables the queue; close stops it', () => {
    vi.useFakeTimers()
    const q = new FifoDeadlines(10)
    const fired: number[] = []
    q.add(() => {
      throw new Error('x')
    })
    q.add(() => fired.push(2))
    vi.advanceTimersByTime(10)
    expect(fired).toEqual([2])
    const off = new FifoDeadlines(0)
    expect(off.enabled).toBe(false)
    off.add(() => fired.push(3))
    expect(off.size).toBe(0)
    q.add(() => fired.push(4))
    q.close()
    vi.advanceTimersByTime(100)
    expect(fired).toEqual([2])
  })
})
