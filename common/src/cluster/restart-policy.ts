/**
 * @module common/cluster/restart-policy
 * When to bring a dead process back (a cluster worker, or a service under `npm start`): at once after
 * a death that ends a stable run, then with a doubling wait while it keeps dying young, so a crash loop
 * (bad config, a dependency gone at start) does not fork hot but a one-off crash costs no time.
 */
import { backoffDelay, type Backoff } from '../retry/index.js'

export type RestartRule = {
  /** Waits for the 2nd, 3rd... consecutive early death: initialDelayMs, doubled, at most maxDelayMs. */
  backoff: Backoff
  /** A process that lived at least this long was healthy: its death restarts it with no wait. */
  stableMs: number
}

/** 0 ms, 250 ms, 500 ms, 1 s, 2 s, 4 s, then 5 s while a process keeps dying within 30 s of its start. */
export const DEFAULT_RESTART_RULE: RestartRule = { backoff: { initialDelayMs: 250, maxDelayMs: 5000 }, stableMs: 30_000 }

/** One per supervised process: counts its consecutive early deaths. */
export class RestartPolicy {
  private early = 0

  constructor(private readonly rule: RestartRule = DEFAULT_RESTART_RULE) {}

  /** The wait before restarting a process that died after living `livedMs`; counts the death. */
  next(livedMs: number): number {
    this.early = livedMs >= this.rule.stableMs ? 1 : this.early + 1
    return this.early <= 1 ? 0 : backoffDelay(this.rule.backoff, this.early - 1)
  }

  /** Deaths in a row that each came before `stableMs` (the one ending a stable run counts as 1). */
  get consecutive(): number {
    return this.early
  }
}
