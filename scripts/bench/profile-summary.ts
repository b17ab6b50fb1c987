/**
 * @module scripts/bench/profile-summary
 * Self time of one or more `.cpuprofile` files side by side, by function (name + file:line) and by
 * area (our gateway code, node internals by module, each npm package, GC, idle), as a share of the
 * busy (non-idle) samples. For b/m work: profile both with `npm run bench -- --only b,m --cpu-prof`
 * and compare `gateway-*.cpuprofile` with `minimal-*.cpuprofile`.
 *   node --import tsx scripts/bench/profile-summary.ts [--top 40] [--requests n1,n2] a.cpuprofile [b.cpuprofile ...]
 */
import fs from 'node:fs'
import path from 'node:path'

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

function areaOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'gc'
  if (fn === '(idle)' || fn === '(program)') return fn
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/')
  if (url === '') return 'native'
  return 'ours:' + path.basename(url)
}

function summarise(file: string): { byFn: Map<string, number>; byArea: Map<string, number>; busy: number } {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const byFn = new Map<string, number>()
  const byArea = new Map<string, number>()
  let busy = 0
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!
    const dt = p.timeDeltas[i] ?? 0
    const { functionName, url, lineNumber } = n.callFrame
    const area = areaOf(url, functionName)
    if (area === '(idle)') return
    busy += dt
    const key = `${functionName || '(anon)'} ${url ? path.basename(url) + ':' + (lineNumber + 1) : ''}`
    byFn.set(key, (byFn.get(key) ?? 0) + dt)
    byArea.set(area, (byArea.get(area) ?? 0) + dt)
  })
  return { byFn, byArea, busy }
}

const args = process.argv.slice(2)
let top = 40
const ti = args.indexOf('--top')
if (ti >= 0) {
  top = Number(args[ti + 1])
  args.splice(ti, 2)
}
// With --requests <n1,n2,...> (requests each process answered) the columns are µs per request.
const ri = args.indexOf('--requests')
const perReq = ri >= 0 ? args.splice(ri, 2)[1]!.split(',').map(Number) : undefined
const all = args.map((f) => ({ f, ...summarise(f) }))
const pct = (v: number | undefined, busy: number, i: number) =>
  (perReq?.[i] ? (v ?? 0) / perReq[i]! : ((v ?? 0) / busy) * 100).toFixed(1).padStart(6)
for (const what of ['byArea', 'byFn'] as const) {
  const keys = new Map<string, number>()
  for (const s of all) for (const [k, v] of s[what]) keys.set(k, Math.max(keys.get(k) ?? 0, v / s.busy))
  const sorted = [...keys.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
  if (what === 'byArea') process.stdout.write(`busy ms: ${all.map((s) => Math.round(s.busy / 1000)).join(' | ')}\n`)
  process.stdout.write(`\n${what === 'byArea' ? 'area' : 'function'} (% of busy time) ${all.map((s) => path.basename(s.f)).join(' | ')}\n`)
  for (const [k] of sorted) process.stdout.write(`${all.map((s, i) => pct(s[what].get(k), s.busy, i)).join(' ')}  ${k}\n`)
}
