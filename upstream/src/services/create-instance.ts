/**
 * @module upstream/services/create-instance
 * POST /instance/create: the row, its settings and optional webhook in one transaction, then
 * instance.create, then (with `qrcode:true`) a connect whose QR goes into the answer.
 */
import { insertInstance, type InstanceRow, type Tx } from '../db/instances.js'
import { DEFAULT_SETTINGS, settingsValues, upsertSettings, type SettingsValues } from '../db/settings.js'
import { upsertWebhook, type WebhookRow } from '../db/webhooks.js'
import { isUniqueViolation, type Sql } from '../db/client.js'
import { badRequest, forbidden } from '../lib/errors.js'
import { newInstanceId, newToken } from '../lib/ids.js'
import type { WebhookDispatcher } from '../webhooks/dispatcher.js'
import type { InstanceManager } from './instances.js'
import { normalizeWebhook, type WebhookInput } from './webhook-config.js'

export const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION'] as const

export type CreateInput = {
  instanceName: string
  integration?: string | undefined
  token?: string | undefined
  qrcode?: boolean | undefined
  number?: string | undefined
  businessId?: string | undefined
  settings: Partial<SettingsValues>
  webhook?: WebhookInput | undefined
}

export const nameTaken = (name: string) => forbidden(`This name "${name}" is already in use.`)

export async function createInstance(sql: Sql, manager: InstanceManager, webhooks: WebhookDispatcher, input: CreateInput) {
  const integration = input.integration
  if (!integration || !(INTEGRATIONS as readonly string[]).includes(integration)) throw badRequest('Invalid integration')
  const baileys = integration === 'WHATSAPP-BAILEYS'
  // Evolution's wording. For the Cloud API the instance token IS the Meta access token.
  if (integration === 'WHATSAPP-BUSINESS') {
    if (!input.number) throw badRequest('number is required')
    if (!input.token) throw badRequest('token is required')
  }
  const webhookValues = input.webhook ? normalizeWebhook(input.webhook, (url) => webhooks.refusal(input.instanceName, url)) : null
  const settings = { ...DEFAULT_SETTINGS, ...input.settings }
  let row: InstanceRow
  let hook: WebhookRow | null = null
  try {
    row = await sql.begin(async (tx: Tx) => {
      const r = await insertInstance(tx, {
        id: newInstanceId(),
        name: input.instanceName,
        integration,
        token: input.token || newToken(),
        number: input.number ?? null,
        businessId: input.businessId ?? null,
        connectionStatus: baileys ? 'close' : 'open',
        // Non-QR integrations have no pairing step: they start with "creds" and open on connect.
        session: baileys ? null : { paired: true, wuid: `${(input.number ?? '').replace(/\D/g, '') || '0'}@s.whatsapp.net`, profileName: input.instanceName },
      })
      await upsertSettings(tx, r.id, settings)
      if (webhookValues) hook = await upsertWebhook(tx, r.id, webhookValues)
      return r
    }) as InstanceRow
  } catch (err) {
    // The guard checked the name already; this is the race of two concurrent creates.
    if (isUniqueViolation(err)) throw nameTaken(input.instanceName)
    throw err
  }
  // This replica runs it from now on (the create was routed here by placement).
  await manager.adopt(row)
  const { ctx } = manager.entry(row)
  webhooks.emit(ctx.src, 'instance.create', { instanceName: row.name, instanceId: row.id })
  let qrcode: unknown
  if (integration === 'WHATSAPP-BUSINESS') {
    // A refused token must not fail the create (the row exists): the instance stays `close` and
    // GET /instance/connect shows Meta's error.
    await manager.connect(row).catch(() => undefined)
  } else if (!baileys) await manager.connect(row)
  else if (input.qrcode) qrcode = await manager.connect(row, input.number)
  const h = hook as WebhookRow | null
  return {
    instance: {
      instanceName: row.name,
      instanceId: row.id,
      integration,
      webhookWaBusiness: null,
      accessTokenWaBusiness: '',
      status: manager.state(row),
    },
    hash: row.token,
    webhook: h ? { webhookUrl: h.url, webhookHeaders: h.headers ?? undefined, webhookByEvents: h.webhookByEvents, webhookBase64: h.webhookBase64 } : {},
    websocket: {},
    rabbitmq: {},
    nats: {},
    sqs: {},
    settings: settingsValues(settings),
    ...(qrcode !== undefined ? { qrcode } : {}),
  }
}
