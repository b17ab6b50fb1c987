/**
 * @module scripts/bench/profiled-gateway
 * The gateway under the V8 CPU profiler (`npm run bench -- --cpu-prof`): NODE_OPTIONS may not carry
 * --cpu-prof, so this entry starts the profiler in-process, runs the gateway's main(), and writes
 * <BENCH_PROFILE_DIR>/gateway-<pid>.cpuprofile on exit (cluster workers re-run this entry: one each).
 */
import fs from 'node:fs'
import inspector from 'node:inspector'
import path from 'node:path'
import { main } from '../../gateway/src/server.js'

const dir = process.env.BENCH_PROFILE_DIR ?? 'test-artifacts/bench/profiles'
const session = new inspector.Session()
session.connect()
session.post('Profiler.enable')
session.post('Profiler.setSamplingInterval', { interval: 200 })
session.post('Profiler.start')
process.on('exit', () => {
  // Same-thread inspector sessions answer synchronously, so this completes inside the exit handler.
  session.post('Profiler.stop', (err, res) => {
    if (err) return
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, `gateway-${process.pid}.cpuprofile`), JSON.stringify(res.profile))
  })
})
await main()
