/**
 * @module scripts/bench/cpu-profile
 * `startCpuProfile(name)`: V8's CPU profiler started in-process (NODE_OPTIONS may not carry --cpu-prof),
 * sampling every BENCH_PROFILE_INTERVAL_US µs (default 200; larger disturbs a saturated run less),
 * written to <BENCH_PROFILE_DIR>/<name>-<pid>.cpuprofile on exit. Used by the instrumented gateway and
 * the (m) yardstick, so both sides of b/m can be profiled the same way and compared
 * (`node --import tsx scripts/bench/profile-summary.ts a.cpuprofile b.cpuprofile`).
 */
import fs from 'node:fs'
import inspector from 'node:inspector'
import path from 'node:path'

export function startCpuProfile(name: string): void {
  const dir = process.env.BENCH_PROFILE_DIR ?? 'test-artifacts/bench/profiles'
  const session = new inspector.Session()
  session.connect()
  session.post('Profiler.enable')
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_PROFILE_INTERVAL_US) || 200 })
  session.post('Profiler.start')
  process.on('exit', () => {
    // Same-thread inspector sessions answer synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (err, res) => {
      if (err) return
      fs.mkdirSync(dir, { recursive: true })
      fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(res.profile))
    })
  })
}
