/**
 * @module upstream/services/placement/assign
 * Which replica should run each instance: a pure function every replica computes from the same rows
 * (instances, their current lease holders and pins, the live replicas), so all agree without talking.
 *
 * Rendezvous hashing (highest random weight) ranks the replicas for each instance by a hash of
 * (replica, instance name); bounded loads keep it balanced:
 *   1. a pin to a live replica wins;
 *   2. an instance stays with its current live holder while that holder has fewer than `keepCap`
 *      (the holder's lowest-ranked instances are shed first): a running session is not moved for nothing;
 *   3. the rest go to their best-ranked replica with fewer than `target` = ceil(n / replicas).
 * So a joining replica takes about its share and nothing else moves; a leaving one's instances spread
 * over the others by rank; and no replica ends with more than target + slack.
 */
import { createHash } from 'node:crypto'

export type AssignInstance = {
  name: string
  /** Live replica holding its lease now, if any. */
  holder: string | null
  pinnedNode: string | null
}

/** A 48-bit score of (replica, instance): the rendezvous hash. */
export function score(node: string, name: string): number {
  const h = createHash('sha256').update(node).update('\0').update(name).digest()
  return h.readUIntBE(0, 6)
}

/** The replicas in rendezvous order for `name` (best first; ties broken by id). */
export function ranked(name: string, nodes: readonly string[]): string[] {
  return nodes
    .map((n) => ({ n, s: score(n, name) }))
    .sort((a, b) => b.s - a.s || (a.n < b.n ? -1 : 1))
    .map((x) => x.n)
}

/** Replicas may keep this many above an even share before shedding (avoids moves after every create). */
export function slackFor(target: number): number {
  return Math.max(1, Math.ceil(target * 0.05))
}

/** name -> replica for every instance; empty when no replica is live. `nodes`: live, not draining. */
export function assign(instances: readonly AssignInstance[], nodes: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  if (nodes.length === 0) return out
  const live = new Set(nodes)
  const target = Math.ceil(instances.length / nodes.length)
  const keepCap = target + slackFor(target)
  const count = new Map(nodes.map((n) => [n, 0]))
  const take = (name: string, node: string) => {
    out.set(name, node)
    count.set(node, count.get(node)! + 1)
  }

  const unplaced: AssignInstance[] = []
  const held = new Map<string, AssignInstance[]>()
  for (const i of instances) {
    if (i.pinnedNode && live.has(i.pinnedNode)) take(i.name, i.pinnedNode)
    else if (i.holder && live.has(i.holder)) {
      const list = held.get(i.holder) ?? []
      list.push(i)
      held.set(i.holder, list)
    } else unplaced.push(i)
  }
  for (const [node, list] of held) {
    // Keep the instances this replica ranks highest; the others are free to go.
    list.sort((a, b) => score(node, b.name) - score(node, a.name) || (a.name < b.name ? -1 : 1))
    for (const i of list) {
      if (count.get(node)! < keepCap) take(i.name, node)
      else unplaced.push(i)
    }
  }
  unplaced.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const i of unplaced) out.set(i.name, placeOne(i.name, nodes, count, target, keepCap))
  return out
}

/** The replica a new instance goes to, given the current counts (which it increments). */
export function placeOne(name: string, nodes: readonly string[], count: Map<string, number>, target: number, keepCap: number): string {
  const order = ranked(name, nodes)
  const pick = order.find((n) => (count.get(n) ?? 0) < target) ?? order.find((n) => (count.get(n) ?? 0) < keepCap) ?? order[0]!
  count.set(pick, (count.get(pick) ?? 0) + 1)
  return pick
}

/** Where a not-yet-created instance would go, next to an existing assignment. */
export function placeNew(name: string, assignment: ReadonlyMap<string, string>, nodes: readonly string[]): string | null {
  if (nodes.length === 0) return null
  const count = new Map(nodes.map((n) => [n, 0]))
  for (const node of assignment.values()) if (count.has(node)) count.set(node, count.get(node)! + 1)
  const target = Math.ceil((assignment.size + 1) / nodes.length)
  return placeOne(name, nodes, count, target, target + slackFor(target))
}
