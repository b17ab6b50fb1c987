/**
 * @module scripts/bench/report
 * Prints the benchmark table, the ratios and each target's verdict, and writes everything as JSON.
 */
import fs from 'node:fs'
import os from 'node:os'
import type { LoadResult } from './load.js'

export type Results = Record<string, LoadResult>

type Target = { name: string; ok: boolean; detail: string }

const pad = (s: string | number, n: number) => String(s).padStart(n)

/**
 * Issue 16's yardstick: (b) against the minimal checked proxy (m), in req/s and in CPU per request
 * (m's µs over b's, so higher is better in both), zero errors on both sides.
 */
export function bOverM(r: Results): Target | undefined {
  const { b, m } = r
  if (!b || !m) return undefined
  const rps = b.rps / m.rps
  const cpu = b.cpuUsPerReq && m.cpuUsPerReq ? m.cpuUsPerReq / b.cpuUsPerReq : null
  const ok = rps >= 0.85 && (cpu === null || cpu >= 0.85) && b.errors === 0 && m.errors === 0
  const detail = `req/s ${rps.toFixed(2)} (${b.rps} vs ${m.rps}), CPU ${cpu === null ? '-' : cpu.toFixed(2)} (${b.cpuUsPerReq ?? '-'} vs ${m.cpuUsPerReq ?? '-'} µs), errors ${b.errors}/${m.errors}`
  return { name: 'b/m >= 0.85 in req/s and CPU per request, zero errors', ok, detail }
}

export function targets(r: Results, loginConnections: number): Target[] {
  const t: Target[] = []
  const { a, n, b, b2, c, d } = r
  const a1k = r['a@1000']
  const b1k = r['b@1000']
  const m1k = r['m@1000']
  const bm = bOverM(r)
  if (bm) t.push(bm)
  if (m1k && b1k) t.push({ name: "at 1,000 req/s (b) p99 within 1 ms of (m)'s", ok: b1k.p99 - m1k.p99 <= 1, detail: `${b1k.p99} vs ${m1k.p99} ms` })
  if (b && n) t.push({ name: '(b) >= 0.8 x (n), zero errors', ok: b.rps >= 0.8 * n.rps && b.errors === 0, detail: `b/n = ${(b.rps / n.rps).toFixed(2)}, errors ${b.errors}` })
  if (b && b2) t.push({ name: '(b) with 2 workers beats 1', ok: b2.rps > b.rps, detail: `${b2.rps} vs ${b.rps} req/s` })
  if (a1k && b1k) t.push({ name: "at 1,000 req/s (b) p99 within 3 ms of (a)'s", ok: b1k.p99 - a1k.p99 <= 3, detail: `${b1k.p99} vs ${a1k.p99} ms` })
  if (c) t.push({ name: '(c) >= 3,000 req/s', ok: c.rps >= 3000 && c.errors === 0, detail: `${c.rps} req/s, errors ${c.errors}` })
  const runs = { b, c, d, 'b@1000': b1k }
  const rss = Math.max(...Object.values(runs).map((x) => x?.peakProcessRssMb ?? 0))
  const each = Object.entries(runs).filter(([, x]) => x?.peakProcessRssMb).map(([k, x]) => `${k} ${x!.peakProcessRssMb}`)
  t.push({ name: 'gateway RSS <= 150 MB under load (per process)', ok: rss > 0 && rss <= 150, detail: `${rss} MB (${each.join(', ')})` })
  if (d) t.push({ name: `login p50 <= 150 ms (${loginConnections} connections)`, ok: d.p50 <= 150 && d.errors === 0, detail: `${d.p50} ms, errors ${d.errors}` })
  return t
}

export function print(r: Results, tg: Target[]): void {
  const rows = Object.values(r)
  const bm = bOverM(r)
  const out = [
    '',
    // The verdict first: what a reader of a bench run wants to know before the table.
    ...(bm ? [`b/m: ${bm.ok ? 'MET' : 'MISSED'} (target >= 0.85): ${bm.detail}`] : []),
    `${'run'.padEnd(34)}${pad('conn', 5)}${pad('req/s', 9)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('errors', 8)}${pad('RSS MB', 8)}${pad('CPU µs/req', 12)}`,
    ...rows.map(
      (x) =>
        `${x.name.padEnd(34)}${pad(x.connections, 5)}${pad(x.rps, 9)}${pad(x.p50, 8)}${pad(x.p99, 8)}${pad(x.errors, 8)}${pad(x.peakRssMb ?? '-', 8)}${pad(x.cpuUsPerReq ?? '-', 12)}`,
    ),
    '',
  ]
  if (r.b && r.n) out.push(`b/n = ${(r.b.rps / r.n.rps).toFixed(2)}   b/a = ${r.a ? (r.b.rps / r.a.rps).toFixed(2) : '-'}`)
  if (r.b && r.m) out.push(`b/m = ${(r.b.rps / r.m.rps).toFixed(2)}${r.n ? `   m/n = ${(r.m.rps / r.n.rps).toFixed(2)}` : ''}`)
  if (r.b?.cpuUsPerReq && r.n?.cpuUsPerReq) out.push(`CPU per request, gateway / bare proxy = ${(r.b.cpuUsPerReq / r.n.cpuUsPerReq).toFixed(2)}`)
  out.push('', 'targets:', ...tg.map((x) => `  [${x.ok ? 'ok' : 'MISS'}] ${x.name}: ${x.detail}`), '')
  process.stdout.write(out.join('\n') + '\n')
}

export function writeJson(file: string, r: Results, tg: Target[], extra: Record<string, unknown>): void {
  const doc = {
    at: new Date().toISOString(),
    machine: { cpus: os.availableParallelism(), model: os.cpus()[0]?.model ?? '', memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    ...extra,
    results: r,
    ratios: {
      b_over_n: r.b && r.n ? r.b.rps / r.n.rps : null,
      b_over_a: r.b && r.a ? r.b.rps / r.a.rps : null,
      b_over_m: r.b && r.m ? r.b.rps / r.m.rps : null,
      m_over_n: r.m && r.n ? r.m.rps / r.n.rps : null,
      cpu_per_request_b_over_n: r.b?.cpuUsPerReq && r.n?.cpuUsPerReq ? r.b.cpuUsPerReq / r.n.cpuUsPerReq : null,
    },
    targets: tg,
  }
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n')
}
