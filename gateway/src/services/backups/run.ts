/**
 * @module services/backups/run
 * The two child processes of backups: pg_dump -> gzip -> file, and (verified gunzip) -> psql in one
 * transaction. Success is each tool's own exit status; stderr is kept (bounded) for the error message.
 */
import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'

const tail = (s: string) => s.trim().split('\n').slice(-5).join(' | ').slice(0, 1000)

/** pg_dump of schema `schema`, plain SQL, gzipped into `file`. */
export async function dumpTo(pgDump: string, env: NodeJS.ProcessEnv, schema: string, file: string): Promise<void> {
  const child = spawn(pgDump, ['--schema', schema, '--format', 'plain', '--no-owner', '--no-privileges', '--encoding', 'UTF8'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)))
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? 1))
  })
  const written = pipeline(child.stdout, createGzip({ level: 6 }), createWriteStream(file, { mode: 0o600 }))
  const [code] = await Promise.all([exited, written])
  if (code !== 0) throw new Error(`pg_dump exited with ${code}: ${tail(stderr)}`)
}

const DUMP_COMPLETE = '-- PostgreSQL database dump complete'

/** Reads the whole archive: gzip must be intact and the dump must have pg_dump's closing line. */
export async function verifyArchive(file: string): Promise<void> {
  let last = ''
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      last = (last + chunk.toString('utf8')).slice(-4096)
      cb()
    },
  })
  try {
    await pipeline(createReadStream(file), createGunzip(), sink)
  } catch (err) {
    throw new Error(`archive is corrupt: ${(err as Error).message}`)
  }
  if (!last.includes(DUMP_COMPLETE)) throw new Error('archive is incomplete (no end-of-dump marker)')
}

/**
 * Feeds `prelude` then the gunzipped dump to psql with --single-transaction and ON_ERROR_STOP: any
 * error rolls everything back. If reading the archive fails midway psql is killed before it could
 * reach end of input and commit.
 */
export async function restoreFrom(psql: string, env: NodeJS.ProcessEnv, file: string, prelude: string): Promise<void> {
  const child = spawn(psql, ['-X', '-q', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { env, stdio: ['pipe', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)))
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve(signal ? 1 : (code ?? 1)))
  })
  const feed = (async () => {
    child.stdin.write(prelude)
    await pipeline(createReadStream(file), createGunzip(), child.stdin)
  })().catch((err: Error & { code?: string }) => {
    // EPIPE: psql stopped reading (it failed and exits non-zero); anything else: kill before COMMIT.
    if (err.code !== 'EPIPE') child.kill('SIGKILL')
    return err
  })
  const [code, fed] = await Promise.all([exited, feed])
  if (code !== 0) throw new Error(`psql exited with ${code}: ${tail(stderr)}`)
  if (fed instanceof Error) throw new Error(`restore input failed: ${fed.message}`)
}
