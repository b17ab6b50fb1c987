import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { leftoverProcesses, stopLeftovers, SUITE_MARKER, testProcesses } from './leftover-processes.js'
import { isAlive, sleep } from './proc.js'

describe('leftover processes', () => {
  it('finds a marked process that left its group and its parent, and stops it', async () => {
    const id = `t${process.pid}${Date.now()}`
    // A shell that starts a detached grandchild and exits: the sleep is re-parented, in its own group.
    const sh = spawn('sh', ['-c', 'setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $!'], {
      env: { ...process.env, [SUITE_MARKER]: id },
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const pid = await new Promise<number>((r) => sh.stdout.once('data', (d: Buffer) => r(Number(String(d).trim()))))
    for (let i = 0; i < 50 && !leftoverProcesses(id).some((p) => p.args.startsWith('sleep')); i++) await sleep(20)
    const found = leftoverProcesses(id)
    expect(found.map((p) => p.args)).toContain('sleep 60')
    expect(leftoverProcesses('another-run')).toEqual([])
    await stopLeftovers(id)
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(20)
    expect(isAlive(pid)).toBe(false)
    expect(leftoverProcesses(id)).toEqual([])
  })
})

describe('testProcesses', () => {
  it("leaves out bats' own processes and its timeout watchdog, keeps a test's", () => {
    const list = [
      { pid: 10, ppid: 1, args: 'bash /repo/node_modules/bats/libexec/bats-core/bats --tap tests/e2e/x.bats' },
      { pid: 11, ppid: 10, args: 'bash /repo/node_modules/bats/libexec/bats-core/bats-format-cat --dummy-flag' },
      { pid: 12, ppid: 11, args: 'cat' },
      { pid: 20, ppid: 1, args: 'bash /repo/node_modules/bats/libexec/bats-core/bats-exec-test --dummy-flag /repo/tests/e2e/x.bats test_y' },
      { pid: 21, ppid: 20, args: 'sleep 180' },
      { pid: 30, ppid: 1, args: 'curl -s --max-time 30 http://127.0.0.1:1/x' },
      { pid: 31, ppid: 20, args: 'node --import tsx tests/support/webhook-receiver.ts' },
    ]
    expect(testProcesses(list).map((p) => p.pid)).toEqual([30, 31])
  })
})
