import { describe, expect, it } from 'vitest'
import { assign, placeNew, ranked, type AssignInstance } from './assign.js'

const names = (n: number, prefix = 'inst') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
const fresh = (list: string[]): AssignInstance[] => list.map((name) => ({ name, holder: null, pinnedNode: null }))
const counts = (m: Map<string, string>) => {
  const c = new Map<string, number>()
  for (const node of m.values()) c.set(node, (c.get(node) ?? 0) + 1)
  return c
}
/** The instances as running after an assignment: each held by its assigned replica. */
const running = (m: Map<string, string>): AssignInstance[] => [...m].map(([name, holder]) => ({ name, holder, pinnedNode: null }))

describe('assign (rendezvous hashing with bounded loads)', () => {
  it('spreads instances evenly: no replica holds more than 1.5x another, for many name sets', () => {
    for (let seed = 0; seed < 50; seed++) {
      const c = counts(assign(fresh(names(60, `s${seed}`)), ['a', 'b', 'c']))
      const v = [...c.values()]
      expect(v.reduce((x, y) => x + y, 0)).toBe(60)
      expect(Math.max(...v) / Math.min(...v)).toBeLessThanOrEqual(1.5)
    }
  })

  it('is deterministic whatever the order of inputs', () => {
    const list = fresh(names(100))
    const a = assign(list, ['a', 'b', 'c'])
    const b = assign([...list].reverse(), ['c', 'a', 'b'])
    expect([...a].sort()).toEqual([...b].sort())
  })

  it('a joining replica takes about its share and nothing else moves', () => {
    const before = assign(fresh(names(60)), ['a', 'b', 'c'])
    const after = assign(running(before), ['a', 'b', 'c', 'd'])
    const moved = [...after].filter(([name, node]) => before.get(name) !== node)
    expect(moved.every(([, node]) => node === 'd')).toBe(true)
    expect(counts(after).get('d')).toBeGreaterThanOrEqual(10)
  })

  it('a leaving replica: only its instances move, spread over the others', () => {
    const before = assign(fresh(names(90)), ['a', 'b', 'c'])
    const after = assign(running(before).map((i) => (i.holder === 'c' ? { ...i, holder: null } : i)), ['a', 'b'])
    for (const [name, node] of after) if (before.get(name) !== 'c') expect(node).toBe(before.get(name))
    const c = counts(after)
    expect(Math.abs(c.get('a')! - c.get('b')!)).toBeLessThanOrEqual(3)
  })

  it('1,000 instances, 3 -> 4 replicas: moves stay close to the minimum (a quarter)', () => {
    const before = assign(fresh(names(1000)), ['a', 'b', 'c'])
    const after = assign(running(before), ['a', 'b', 'c', 'd'])
    const moved = [...after].filter(([name, node]) => before.get(name) !== node).length
    expect(moved).toBeLessThanOrEqual(260)
    expect(moved).toBeGreaterThanOrEqual(200)
  })

  it('a pin to a live replica wins; a pin to a gone one is ignored', () => {
    const list = fresh(names(30)).map((i, k) => (k === 0 ? { ...i, pinnedNode: 'b' } : k === 1 ? { ...i, pinnedNode: 'zz' } : i))
    const m = assign(list, ['a', 'b', 'c'])
    expect(m.get('inst-0')).toBe('b')
    expect(['a', 'b', 'c']).toContain(m.get('inst-1'))
  })

  it('no replicas: nothing is assigned; placeNew answers null', () => {
    expect(assign(fresh(names(3)), []).size).toBe(0)
    expect(placeNew('x', new Map(), [])).toBeNull()
  })

  it('placeNew puts a new instance on its best-ranked replica with room', () => {
    const m = assign(fresh(names(3)), ['a', 'b', 'c'])
    const node = placeNew('new-one', m, ['a', 'b', 'c'])
    expect(node).not.toBeNull()
    const full = new Map([['x', ranked('new-one', ['a', 'b'])[0]!]])
    // The best-ranked replica already has one instance and the other none: the new one goes to the other.
    expect(placeNew('new-one', full, ['a', 'b'])).toBe(ranked('new-one', ['a', 'b'])[1])
  })
})
