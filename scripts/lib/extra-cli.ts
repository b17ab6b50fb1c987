/**
 * @module scripts/lib/extra-cli
 * What the two "extra processes for a test" CLIs share (scripts/gateway-extra.ts, scripts/pair-extra.ts):
 * the stack's environment as the base, KEY=VALUE overrides, the state file, stopping the pids a state
 * file lists, and the `start <state-file> [KEY=VALUE...] | stop <state-file>` command line.
 */
import fs from 'node:fs'
import path from 'node:path'
import dotenv from 'dotenv'
import { currentEnv, toEnvFile, type Env } from './env.js'
import { unregisterExtra } from './extra-gateways.js'
import { errorMessage } from './log.js'
import { terminate } from './proc.js'

/** The test stack's environment (TAGUATO_STACK_ENV_FILE, written by scripts/test.ts) minus `drop`. */
export function stackEnv(drop: readonly string[]): Env {
  const file = process.env.TAGUATO_STACK_ENV_FILE
  if (!file || !fs.existsSync(file)) throw new Error('TAGUATO_STACK_ENV_FILE is not set or missing (run through npm test)')
  const stack = dotenv.parse(fs.readFileSync(file))
  for (const key of drop) delete stack[key]
  return { ...currentEnv(), ...stack }
}

export function parseOverrides(args: string[]): Env {
  const out: Env = {}
  for (const a of args) {
    const eq = a.indexOf('=')
    if (eq <= 0) throw new Error(`not KEY=VALUE: ${a}`)
    out[a.slice(0, eq)] = a.slice(eq + 1)
  }
  return out
}

/** Writes the state file (dotenv format), creating its folder. */
export function writeState(stateFile: string, state: Env): void {
  fs.mkdirSync(path.dirname(path.resolve(stateFile)), { recursive: true })
  fs.writeFileSync(stateFile, toEnvFile(state))
}

/** Stops the pids named by `pidKeys` in the state file; hands the state to `after`, then deletes the file. */
export async function stopFromState(stateFile: string, pidKeys: readonly string[], after?: (state: Env) => Promise<void>): Promise<void> {
  if (!fs.existsSync(stateFile)) return
  const state = dotenv.parse(fs.readFileSync(stateFile))
  for (const pid of pidKeys.map((k) => Number(state[k]))) {
    if (!pid) continue
    await terminate(pid, { graceMs: 10_000, group: true })
    if (process.env.TAGUATO_EXTRA_DIR) unregisterExtra(process.env.TAGUATO_EXTRA_DIR, pid)
  }
  await after?.(state)
  fs.rmSync(stateFile, { force: true })
}

/** Runs `start`/`stop` from the command line; exits 0, or 1 with `<name>: <error>` on stderr. */
export async function runExtraCli(name: string, commands: { start: (stateFile: string, overrides: Env) => Promise<void>; stop: (stateFile: string) => Promise<void> }): Promise<never> {
  const [cmd, stateFile, ...rest] = process.argv.slice(2)
  try {
    if (!stateFile || (cmd !== 'start' && cmd !== 'stop')) throw new Error(`usage: ${name}.ts start <state-file> [KEY=VALUE...] | stop <state-file>`)
    if (cmd === 'start') await commands.start(stateFile, parseOverrides(rest))
    else await commands.stop(stateFile)
    process.exit(0)
  } catch (err) {
    process.stderr.write(`${name}: ${errorMessage(err)}\n`)
    process.exit(1)
  }
}
