/**
 * @module scripts/lib/log
 * Launcher messages: one prefix so they stand out from the services' JSON log lines.
 */

const PREFIX = '[taguato]'

/** A human line on stderr (stdout stays free for machine-readable output of the CLIs). */
export function say(message: string): void {
  process.stderr.write(`${PREFIX} ${message}\n`)
}

/** A warning: same channel, marked so it is not missed in a long scroll. */
export function warn(message: string): void {
  process.stderr.write(`${PREFIX} WARNING: ${message}\n`)
}

/** The message of anything thrown, without a stack for expected failures. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
