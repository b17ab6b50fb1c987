// The whole upstream (HTTP routes, InstanceManager, DB rows, webhooks) on the Baileys driver with the
// scripted socket, for the route-level Baileys tests: a throwaway database, a webhook receiver, the
// upstream with a BaileysDriver whose sockets are FakeSockets, one instance subscribed to `events`, and
// (unless `connect: false`) that instance connected and open.
import type { Sql } from '../db/client.js'
import { BaileysDriver, type BaileysDriverOptions } from '../driver/baileys/index.js'
import type { TestDatabase } from '../../../tests/support/db.js'
import { FakeSocket, ManualTimers, RIG_DEFAULTS, silent } from './fake-baileys.js'
import { createInstance, startReceiver, startUpstream, waitFor, withDb, type Upstream } from './upstream-harness.js'

export type BaileysRigOptions = {
  /** The instance created (and connected) in the rig. */
  instance: string
  /** Webhook events the instance sends to `sink`; none: no webhook is set. */
  events?: string[]
  /** Extra upstream environment (e.g. MEDIA_MAX_BYTES). */
  env?: Record<string, string>
  /** Extra BaileysDriver options (e.g. mediaDownload). */
  driver?: Partial<BaileysDriverOptions>
  /** false: the instance is only created; the test connects it. Default true. */
  connect?: boolean
  /** The account the socket opens as. */
  me?: { id: string; name: string }
  /** Emit creds ({me, registered: true}) before the socket opens. */
  creds?: boolean
}

export type BaileysRig = {
  db: TestDatabase
  up: Upstream
  sink: Awaited<ReturnType<typeof startReceiver>>
  driver: BaileysDriver
  /** Every socket the driver made, oldest first. */
  sockets: FakeSocket[]
  /** The newest socket. */
  sock: () => FakeSocket
  /** The `data` of every webhook the receiver got for `event` (e.g. 'send.message'). */
  hooks: (event: string) => any[]
  /** Waits until the instance's queued driver events reached the DB and the dispatcher. */
  flushed: () => Promise<void>
  close: () => Promise<void>
}

export async function startBaileysRig(opts: BaileysRigOptions): Promise<BaileysRig> {
  const { instance, me = { id: '595981000999:9@s.whatsapp.net', name: 'Phone' } } = opts
  const sockets: FakeSocket[] = []
  let driver: BaileysDriver | undefined
  const db = await withDb()
  const sink = await startReceiver()
  const up = await startUpstream(db, { UPSTREAM_DRIVER: 'real', ...opts.env }, {
    drivers: (ctx: { sql: Sql }) => {
      driver = new BaileysDriver({ sql: ctx.sql, log: silent, timers: new ManualTimers(), random: () => 0.5, ...RIG_DEFAULTS, connectWaitMs: 10_000, ...opts.driver }, (p) => {
        const s = new FakeSocket(p)
        sockets.push(s)
        return s
      })
      return { driver, cloud: null }
    },
  })
  const sock = () => sockets.at(-1)!
  const rig: BaileysRig = {
    db,
    up,
    sink,
    driver: driver!,
    sockets,
    sock,
    hooks: (event) => sink.received.filter((r) => r.body?.event === event).map((r) => r.body.data),
    flushed: async () => {
      const row = (await up.req('GET', `/instance/fetchInstances?instanceName=${instance}`)).body[0]
      await up.deps.instances.flush(row)
    },
    close: async () => {
      await up.close()
      await sink.close()
      await db.drop()
    },
  }
  await createInstance(up, instance)
  if (opts.events) await up.req('POST', `/webhook/set/${instance}`, { body: { webhook: { enabled: true, url: sink.url, events: opts.events } } })
  if (opts.connect === false) return rig
  const pending = up.req('GET', `/instance/connect/${instance}`)
  await waitFor(() => sockets.length === 1)
  if (opts.creds) sock().creds({ me, registered: true })
  sock().open(me)
  await pending
  await waitFor(async () => (await up.req('GET', `/instance/connectionState/${instance}`)).body.instance.state === 'open')
  return rig
}
