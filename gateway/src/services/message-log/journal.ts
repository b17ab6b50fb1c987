/**
 * @module services/message-log/journal
 * The local append-only fallback of the message-log buffer, used only when Redis does not take a row.
 * Why a file: the row must be durable before the send's answer goes out, and a synchronous append is
 * in the kernel's page cache when the call returns, so a `kill -9` right after the answer keeps it
 * (a machine crash before the page cache is written back can still lose it; Redis is the primary).
 *
 * One file per process (`journal-<pid>.jsonl`, one JSON row a line, appended synchronously: a process
 * never interleaves with itself). A drain claims a file by renaming it (`.claimed-<pid>`), only when
 * it is this process's own or its process is gone, so no live writer ever appends to a claimed file.
 * A torn last line (killed mid-write) is skipped. Nothing here knows PostgreSQL or Redis: the writer
 * (message-log.ts) moves the claimed lines on and then calls `done`.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'

const ACTIVE = /^journal-(\d+)\.jsonl$/
const CLAIMED = /^journal-\d+\.jsonl\.claimed-(\d+)$/

export type ClaimedFile = { path: string; lines: string[] }

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class Journal {
  private made = false
  /** Rows this process appended to its active file since it last claimed it. */
  private appended = 0
  /** Rows of files this process claimed and has not handed on yet, by file. */
  private readonly held = new Map<string, number>()

  constructor(private readonly dir: string) {}

  private get own(): string {
    return join(this.dir, `journal-${process.pid}.jsonl`)
  }

  /** Appends one row; throws when the disk refuses (the caller keeps it in memory then). */
  append(line: string): void {
    if (!this.made) {
      mkdirSync(this.dir, { recursive: true })
      this.made = true
    }
    appendFileSync(this.own, line + '\n')
    this.appended++
  }

  /** Rows in this process's care: appended, or claimed and not handed on yet. */
  get rows(): number {
    let n = this.appended
    for (const v of this.held.values()) n += v
    return n
  }

  /**
   * Claims every file that is safe to read: this process's own, a dead process's active file, and a
   * claim left by a dead process. `all` = false looks at this process's own file only (the cheap tick).
   */
  claim(all: boolean): ClaimedFile[] {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return []
    }
    const out: ClaimedFile[] = []
    for (const name of names) {
      const active = ACTIVE.exec(name)
      const claimed = CLAIMED.exec(name)
      const pid = Number((active ?? claimed)?.[1] ?? NaN)
      if (Number.isNaN(pid)) continue
      const mine = pid === process.pid
      if (!all && !mine) continue
      if (!mine && alive(pid)) continue
      const from = join(this.dir, name)
      const to = active ? `${from}.claimed-${process.pid}` : from.replace(/\.claimed-\d+$/, `.claimed-${process.pid}`)
      try {
        if (to !== from) renameSync(from, to)
        const lines = readFileSync(to, 'utf8').split('\n').filter((l) => l.length > 0)
        if (active && mine) this.appended = 0
        this.held.set(to, lines.length)
        out.push({ path: to, lines })
      } catch {
        // Another process claimed it first.
      }
    }
    return out
  }

  /** The claimed file's rows are safe elsewhere: remove it. */
  done(f: ClaimedFile): void {
    this.held.delete(f.path)
    try {
      unlinkSync(f.path)
    } catch {
      // already gone
    }
  }
}
