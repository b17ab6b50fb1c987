/**
 * @module common/cluster/supervisor tests: a real primary (tests/support/cluster-fixture.ts in its own process)
 * re-forks a worker killed with SIGKILL on the same port and tells the replacement; SIGTERM stops it all
 * and leaves no process; a worker that dies before ever listening makes the primary exit 1.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { describeDeath } from './supervisor.js'

const FIXTURE = fileURLToPath(new URL('../../../tests/support/cluster-fixture.ts', import.meta.url))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
    s.once('error', reject)
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

type Run = { child: ChildProcess; lines: () => Record<string, unknown>[]; exited: Promise<number | null> }
const runs: Run[] = []

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const run = { child, exited, lines: () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) }
  runs.push(run)
  return run
}

/** The pid of the worker answering on `port`, waiting up to `ms` for one to answer. */
async function workerPid(port: number, ms = 15_000): Promise<number> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })
      return Number(await res.text())
    } catch (err) {
      if (Date.now() > deadline) throw err
      await sleep(50)
    }
  }
}

afterEach(async () => {
  for (const r of runs.splice(0)) {
    if (r.child.exitCode === null) r.child.kill('SIGKILL')
    await r.exited
  }
})

describe('superviseWorkers', () => {
  it('re-forks a SIGKILLed single worker on the same port, tells it, and stops everything on SIGTERM', async () => {
    const port = await freePort()
    const run = start({ FIXTURE_WORKERS: '1', FIXTURE_PORT: String(port) })
    const first = await workerPid(port)
    expect(first).not.toBe(run.child.pid)

    process.kill(first, 'SIGKILL')
    const killedAt = Date.now()
    let second = first
    while (second === first) second = await workerPid(port).catch(() => first)
    expect(Date.now() - killedAt).toBeLessThan(10_000)
    expect(alive(run.child.pid!)).toBe(true)

    await expect.poll(() => run.lines().find((l) => l.msg === 'notice'), { timeout: 5000 }).toBeTruthy()
    const notice = run.lines().find((l) => l.msg === 'notice')!
    expect(notice.pid).toBe(second)
    expect(notice.notice).toMatchObject({ slot: 1, previousPid: first, code: null, signal: 'SIGKILL', consecutive: 1 })
    expect(run.lines().some((l) => l.msg === 'fixture worker died (signal SIGKILL); restarting')).toBe(true)

    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    await expect.poll(() => alive(second), { timeout: 5000 }).toBe(false)
  })

  it('keeps serving with two workers while one is replaced', async () => {
    const port = await freePort()
    const run = start({ FIXTURE_WORKERS: '2', FIXTURE_PORT: String(port) })
    await workerPid(port)
    await expect.poll(() => run.lines().filter((l) => l.msg === 'fixture primary started').length).toBe(1)
    const victim = await workerPid(port)
    process.kill(victim, 'SIGKILL')
    // Every request in the next second is answered (by the survivor, then by either).
    for (let i = 0; i < 10; i++) {
      expect(await workerPid(port, 2000)).not.toBe(victim)
      await sleep(100)
    }
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  })

  it('exits 1 when a worker dies before any worker listened (a failed start), without looping', async () => {
    const run = start({ FIXTURE_WORKERS: '1', FIXTURE_PORT: String(await freePort()), FIXTURE_FAIL_START: '1' })
    expect(await run.exited).toBe(1)
    expect(run.lines().filter((l) => l.msg === 'fixture worker died before listening; start failed')).toHaveLength(1)
  })

  it('describes a death by its signal or exit code', () => {
    expect(describeDeath({ code: null, signal: 'SIGKILL' })).toBe('signal SIGKILL')
    expect(describeDeath({ code: 1, signal: null })).toBe('exit code 1')
  })
})
