/**
 * @module scripts/bench/instrumented-gateway
 * The gateway with bench instruments (cluster workers re-run this entry, so each is instrumented):
 *  - BENCH_CPU_PROFILE=1: V8 CPU profile to <BENCH_PROFILE_DIR>/gateway-<pid>.cpuprofile (cpu-profile.ts);
 *  - BENCH_MEMLOG=1: process.memoryUsage() every second on stderr (rss/heap/external, MB);
 *  - BENCH_ALLOC_PROFILE=1: V8's sampling heap profiler counting every allocation (also those already
 *    collected), i.e. where the allocation rate comes from, to <BENCH_PROFILE_DIR>/gateway-<pid>.heapprofile.
 * BENCH_GATEWAY_MODULE picks the server module (the compiled one by default in the bench).
 */
import fs from 'node:fs'
import inspector from 'node:inspector'
import path from 'node:path'
import { startCpuProfile } from './cpu-profile.js'

if (process.env.BENCH_CPU_PROFILE === '1') startCpuProfile('gateway')
if (process.env.BENCH_ALLOC_PROFILE === '1') {
  const dir = process.env.BENCH_PROFILE_DIR ?? 'test-artifacts/bench/profiles'
  const session = new inspector.Session()
  session.connect()
  session.post('HeapProfiler.enable')
  session.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  process.on('exit', () => {
    session.post('HeapProfiler.stopSampling', (err, res) => {
      if (err) return
      fs.mkdirSync(dir, { recursive: true })
      fs.writeFileSync(path.join(dir, `gateway-${process.pid}.heapprofile`), JSON.stringify(res.profile))
    })
  })
}
if (process.env.BENCH_MEMLOG === '1') {
  const mb = (n: number) => Math.round(n / 1048576)
  setInterval(() => {
    const m = process.memoryUsage()
    process.stderr.write(`memlog pid=${process.pid} rss=${mb(m.rss)} heapTotal=${mb(m.heapTotal)} heapUsed=${mb(m.heapUsed)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}\n`)
  }, 1000).unref()
}
const mod = process.env.BENCH_GATEWAY_MODULE || 'gateway/src/server.ts'
const { main } = (await import(path.resolve(mod))) as { main: () => Promise<void> }
await main()
