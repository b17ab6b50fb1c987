/**
 * @module scripts/import-reference/evolution
 * Linked phones: each instance of the Evolution API v2 database the reference ran becomes an instance
 * of our upstream with the same name, token (its `hash`, and for the Cloud API the Meta access token),
 * number (the Cloud API's phone number id), business id, settings, webhook and, for Baileys, its
 * stored auth state, so it reconnects without a new QR. An instance whose auth state cannot be read is
 * imported disconnected and listed. A webhook URL the outbound-request guard refuses is kept disabled.
 */
import { randomUUID } from 'node:crypto'
import type { Sql } from 'postgres'
import { checkUrl, type GuardRules } from '../../common/src/outbound-guard/index.js'
import { readInstances, type EvolutionRow } from './db/evolution.js'
import type { Db, Json } from './db/source.js'
import { saveHandledInstance, setLocalTimeZone, trackedInstances } from './db/target.js'
import { insertAuth, insertInstance, insertSettings, insertWebhook, type UpstreamInstance, type UpstreamSettings, type UpstreamWebhook } from './db/upstream.js'
import { readCreds } from './evolution-creds.js'
import type { KeySource, KeyRow } from './evolution-keys.js'
import { adjust, skip, table, type Report } from './report.js'

/** What our upstream runs (upstream/src/services/create-instance.ts). */
const INTEGRATIONS = new Set(['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION'])
const STATUSES = new Set(['open', 'connecting', 'close'])

export type EvolutionIo = {
  evo: Sql
  schema: string
  /** Runs `fn` in a transaction on the target (upstream schema migrated). */
  inTx: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>
  keys: KeySource | null
  outboundRules: GuardRules
  /** This run's row in taguato.reference_imports, and the instance names earlier runs handled. */
  runId: number
  handled: ReadonlySet<string>
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** `595981000111:17@s.whatsapp.net` -> `595981000111@s.whatsapp.net` (the account, not the device). */
export function accountJid(jid: string): string {
  const [user = '', server = 's.whatsapp.net'] = jid.split('@')
  return `${user.split(':')[0]}@${server === 'c.us' ? 's.whatsapp.net' : server}`
}

export type InstancePlan = {
  instance: UpstreamInstance
  settings: UpstreamSettings
  webhook: UpstreamWebhook | null
  creds: string | null
  /** Operator-facing line when the phone must be linked again, or the webhook was disabled. */
  notes: string[]
  adjusted: string[]
}

/** One Evolution instance as our upstream's rows (`refusal` is the outbound guard's verdict on its webhook URL). */
export function planInstance(row: EvolutionRow, webhookRefusal: string | null): InstancePlan | { skip: string } {
  const i = row.instance
  const name = String(i.name)
  const integration = str(i.integration) ?? 'WHATSAPP-BAILEYS'
  if (!INTEGRATIONS.has(integration)) return { skip: `integration ${integration} is not one our upstream runs` }
  const notes: string[] = []
  const adjusted: string[] = []
  const evolutionStatus = STATUSES.has(String(i.connectionStatus)) ? (String(i.connectionStatus) as UpstreamInstance['connectionStatus']) : 'close'
  let status = evolutionStatus
  let session: Record<string, unknown> | null
  let creds: string | null = null
  if (integration === 'WHATSAPP-BAILEYS') {
    const verdict = readCreds(row.session?.creds)
    if (verdict.ok && verdict.linkedAs) {
      creds = verdict.json
      session = { paired: true, wuid: accountJid(verdict.linkedAs) }
    } else {
      status = 'close'
      session = null
      const why = verdict.ok ? 'its auth state holds no linked account (never linked, or logged out)' : verdict.why
      notes.push(`instance "${name}" imported disconnected: ${why}; link its phone again (QR or pairing code)`)
      adjusted.push('imported disconnected: no usable auth state (listed)')
    }
  } else {
    // Cloud API and EVOLUTION instances have no pairing step: like a create, they start "paired".
    session = { paired: true, wuid: `${(str(i.number) ?? '').replace(/\D/g, '') || '0'}@s.whatsapp.net`, profileName: name }
  }
  const disconnection = i.disconnectionObject
  const st = row.setting
  const settings: UpstreamSettings = {
    id: str(st?.id) ?? randomUUID(),
    rejectCall: st?.rejectCall === true, msgCall: str(st?.msgCall) ?? '', groupsIgnore: st?.groupsIgnore === true,
    alwaysOnline: st?.alwaysOnline === true, readMessages: st?.readMessages === true, readStatus: st?.readStatus === true,
    syncFullHistory: st?.syncFullHistory === true, wavoipToken: str(st?.wavoipToken) ?? '',
  }
  let webhook: UpstreamWebhook | null = null
  const w = row.webhook
  if (w && str(w.url)) {
    const enabled = w.enabled !== false && webhookRefusal === null
    if (w.enabled !== false && webhookRefusal !== null) {
      notes.push(`instance "${name}": its Evolution webhook ${String(w.url)} is kept disabled (${webhookRefusal})`)
      adjusted.push('webhook kept disabled: the URL is refused by the outbound-request guard (listed)')
    }
    webhook = {
      id: str(w.id) ?? randomUUID(), url: String(w.url), enabled,
      headers: w.headers && typeof w.headers === 'object' && !Array.isArray(w.headers) ? (w.headers as Record<string, unknown>) : null,
      events: Array.isArray(w.events) ? w.events.filter((e): e is string => typeof e === 'string') : [],
      webhookByEvents: w.webhookByEvents === true, webhookBase64: w.webhookBase64 === true,
    }
  }
  return {
    instance: {
      id: randomUUID(), name, integration, token: str(i.token) ?? randomUUID().toUpperCase(), number: str(i.number), businessId: str(i.businessId),
      connectionStatus: status, ownerJid: str(i.ownerJid), profileName: str(i.profileName), profilePicUrl: str(i.profilePicUrl),
      disconnectionReasonCode: typeof i.disconnectionReasonCode === 'number' ? i.disconnectionReasonCode : null,
      disconnectionObject: disconnection == null ? null : typeof disconnection === 'string' ? disconnection : JSON.stringify(disconnection),
      disconnectionAt: str(i.disconnectionAt), session, createdAt: str(i.createdAt),
    },
    settings, webhook, creds, notes, adjusted,
  }
}

/** Instance name -> integration, read before the gateway's own instance rows are written. */
export async function evolutionIntegrations(evo: Sql, schema: string): Promise<Map<string, string>> {
  const rows = await readInstances(evo, schema)
  return new Map(rows.map((r) => [String(r.instance.name), str(r.instance.integration) ?? 'WHATSAPP-BAILEYS']))
}

async function refusalOf(w: Json | null, rules: GuardRules): Promise<string | null> {
  if (!w || !str(w.url)) return null
  // Save-time semantics, as Evolution's webhook/set: a name that does not resolve now is accepted.
  const verdict = await checkUrl(String(w.url), rules, { unresolved: 'accept' })
  return verdict.ok ? null : verdict.message
}

export async function importEvolution(io: EvolutionIo, report: Report): Promise<void> {
  const t = table(report, 'upstream.instances (Evolution)')
  const rows = await readInstances(io.evo, io.schema)
  const tracked = await io.inTx((tx) => trackedInstances(tx))
  for (const row of rows) {
    t.read++
    // Handled by an earlier run: never again, even if it was deleted from our upstream since.
    if (io.handled.has(String(row.instance.name))) {
      t.present++
      continue
    }
    const plan = planInstance(row, await refusalOf(row.webhook, io.outboundRules))
    if ('skip' in plan) {
      skip(t, plan.skip)
      continue
    }
    let keys: KeyRow[] = []
    if (plan.creds && io.keys) {
      const got = await io.keys.keysOf(String(row.instance.id))
      keys = got.rows
      if (got.unreadable > 0) t.notes.push(`instance "${plan.instance.name}": ${got.unreadable} Redis key field(s) could not be read and were left out`)
    }
    const inserted = await io.inTx(async (tx) => {
      // Prisma writes its timestamps in UTC.
      await setLocalTimeZone(tx, 'UTC')
      await saveHandledInstance(tx, io.runId, plan.instance.name)
      if (!(await insertInstance(tx, plan.instance))) return false
      await insertSettings(tx, plan.instance.id, plan.settings)
      if (plan.webhook) await insertWebhook(tx, plan.instance.id, plan.webhook)
      if (plan.creds) await insertAuth(tx, plan.instance.id, [{ type: 'creds', id: '', json: plan.creds }, ...keys])
      return true
    })
    if (!inserted) {
      t.present++
      continue
    }
    t.imported++
    t.notes.push(...plan.notes)
    for (const a of plan.adjusted) adjust(t, a)
    if (plan.creds) adjust(t, io.keys ? `linked phone kept: creds and ${keys.length > 0 ? 'its signal keys' : 'no signal keys (none in Redis)'}` : 'linked phone kept: creds (signal keys not read: no --evolution-redis)')
    if (!tracked.has(plan.instance.name)) t.notes.push(`instance "${plan.instance.name}" has no owner in the gateway: only admins see it`)
  }
  const names = new Set(rows.map((r) => String(r.instance.name)))
  for (const [name] of tracked) if (!names.has(name)) t.notes.push(`instance "${name}" is owned in the gateway but absent from Evolution: create it again to use it`)
}
