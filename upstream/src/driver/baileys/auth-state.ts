/**
 * @module upstream/driver/baileys/auth-state
 * Baileys' auth state (creds + signal keys) kept in PostgreSQL (upstream.baileys_auth), never in files:
 * Evolution keeps most keys on local disk, which is why its sessions break after a restart. Values go
 * through Baileys' BufferJSON so Buffers/Uint8Arrays survive; every type Baileys hands us is stored.
 * Writes are chained so `flushed()` tells when everything asked so far is in the database (a 515
 * restart waits for it).
 *
 * While PostgreSQL is unavailable a write is not failed (Baileys would retry its commit for half a minute
 * and fail the send): it is kept in `unsaved` (last value per key wins), served to reads from there, and
 * written in one statement when PostgreSQL answers again (retried with backoff, on the same chain, so
 * later writes never overtake it). Memory only: a process that dies first loses them (docs/operations.md).
 */
import { BufferJSON, initAuthCreds, proto, type AuthenticationCreds, type SignalDataSet, type SignalDataTypeMap, type SignalKeyStore } from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import { isDatabaseUnavailable } from '../../../../common/src/db/pg-resilience.js'
import { CREDS_TYPE, readCredsJson, readKeysJson, wipeAuth, writeAuth, type AuthWrite } from '../../db/baileys-auth.js'
import type { Sql } from '../../db/client.js'

const toJson = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer)
const fromJson = <T>(text: string): T => JSON.parse(text, BufferJSON.reviver) as T

const unsavedKey = (type: string, id: string) => `${type}\u0000${id}`

export class PgAuthState {
  private pending: Promise<void> = Promise.resolve()
  /** Writes kept while PostgreSQL is unavailable, by type and id (the last one wins). */
  private readonly unsaved = new Map<string, AuthWrite>()
  private retryDelayMs = 0
  private retryTimer: NodeJS.Timeout | null = null

  private constructor(
    private readonly sql: Sql,
    private readonly instanceId: string,
    private readonly log: Logger,
    /** Mutable: Baileys assigns creds updates onto this object; wipe() replaces it. */
    public creds: AuthenticationCreds,
  ) {}

  /** Loads the stored creds (fresh ones when the instance never paired). */
  static async load(sql: Sql, instanceId: string, log: Logger): Promise<PgAuthState> {
    const text = await readCredsJson(sql, instanceId)
    return new PgAuthState(sql, instanceId, log, text ? fromJson<AuthenticationCreds>(text) : initAuthCreds())
  }

  /** True when the next socket logs in instead of showing a QR (Baileys decides on `creds.me`). */
  get hasAccount(): boolean {
    return Boolean(this.creds.me?.id)
  }

  /** The raw key store Baileys reads and writes (wrap it in makeCacheableSignalKeyStore). */
  readonly keys: SignalKeyStore = {
    get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      await this.pending // a read never overtakes a write still in flight
      // Keys written while PostgreSQL was away are answered from memory (a null one was deleted).
      const kept = ids.map((id) => this.unsaved.get(unsavedKey(type, id))).filter((w): w is AuthWrite => w !== undefined)
      const rest = ids.filter((id) => !this.unsaved.has(unsavedKey(type, id)))
      const rows = await readKeysJson(this.sql, this.instanceId, type, rest)
      for (const w of kept) if (w.json !== null) rows.set(w.id, w.json)
      const out: { [id: string]: SignalDataTypeMap[T] } = {}
      for (const [id, text] of rows) {
        let value: unknown = fromJson(text)
        // Baileys needs the proto class here, as its own file store does.
        if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object)
        out[id] = value as SignalDataTypeMap[T]
      }
      return out
    },
    set: (data: SignalDataSet) => {
      const writes: AuthWrite[] = []
      for (const [type, byId] of Object.entries(data)) {
        for (const [id, value] of Object.entries(byId ?? {})) writes.push({ type, id, json: value == null ? null : toJson(value) })
      }
      return this.enqueue(writes)
    },
  }

  /** Persists the current creds (call after every creds.update). */
  saveCreds(): Promise<void> {
    return this.enqueue([{ type: CREDS_TYPE, id: '', json: toJson(this.creds) }])
  }

  /** Resolves once every write asked for so far reached the database (or failed and was logged). */
  flushed(): Promise<void> {
    return this.pending
  }

  /** Deletes creds and keys; the next socket starts from fresh creds (a new QR). */
  async wipe(): Promise<void> {
    await this.pending
    await wipeAuth(this.sql, this.instanceId)
    this.unsaved.clear()
    this.creds = initAuthCreds()
  }

  /** Writes now; kept in `unsaved` instead when PostgreSQL is unavailable or earlier writes are kept there. */
  private async persist(writes: AuthWrite[]): Promise<void> {
    if (this.unsaved.size === 0) {
      try {
        return await writeAuth(this.sql, this.instanceId, writes)
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err
        this.log.warn({ instance: this.instanceId }, 'PostgreSQL unavailable: baileys auth writes kept in memory until it is back')
      }
    }
    for (const w of writes) this.unsaved.set(unsavedKey(w.type, w.id), w)
    this.scheduleRetry()
  }

  /** Writes what is kept, on the chain, until PostgreSQL takes it (backoff 250 ms to 5 s). */
  private scheduleRetry(): void {
    if (this.retryTimer) return
    this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, 250), 5000)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.pending = this.pending.then(async () => {
        if (this.unsaved.size === 0) return
        try {
          await writeAuth(this.sql, this.instanceId, [...this.unsaved.values()])
          this.log.info({ instance: this.instanceId, writes: this.unsaved.size }, 'baileys auth writes kept during the outage saved')
          this.unsaved.clear()
          this.retryDelayMs = 0
        } catch (err) {
          if (isDatabaseUnavailable(err)) return this.scheduleRetry()
          this.log.error({ err, instance: this.instanceId }, 'baileys auth writes kept during the outage failed')
          this.unsaved.clear()
        }
      })
    }, this.retryDelayMs)
    this.retryTimer.unref()
  }

  private enqueue(writes: AuthWrite[]): Promise<void> {
    const run = this.pending.then(() => this.persist(writes))
    // The chain survives a failed write (logged); the caller still sees the failure.
    this.pending = run.catch((err: unknown) => this.log.error({ err, instance: this.instanceId }, 'baileys auth write failed'))
    return run
  }
}
