/**
 * @module upstream/services/instance-json
 * The JSON shapes of instances: fetchInstances' flat v2 row (plus the D14 (docs/decisions.md#d14) compat `instance` object),
 * connectionState, and connect's QR object.
 */
import type { InstanceCounts, InstanceRow } from '../db/instances.js'
import { settingsJson, type SettingsRow } from '../db/settings.js'
import type { ConnectionState, QrCode } from '../driver/types.js'

type Counted = InstanceRow & InstanceCounts

/** One fetchInstances element: Prisma's flat Instance row, related objects null when absent. */
export function instanceRowJson(r: Counted, setting: SettingsRow | null, clientName: string) {
  return {
    id: r.id,
    name: r.name,
    connectionStatus: r.connectionStatus,
    ownerJid: r.ownerJid,
    profileName: r.profileName,
    profilePicUrl: r.profilePicUrl,
    integration: r.integration,
    number: r.number,
    businessId: r.businessId,
    token: r.token,
    clientName,
    disconnectionReasonCode: r.disconnectionReasonCode,
    disconnectionObject: r.disconnectionObject,
    disconnectionAt: r.disconnectionAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    Chatwoot: null,
    Proxy: null,
    Rabbitmq: null,
    Nats: null,
    Sqs: null,
    Websocket: null,
    Setting: setting ? settingsJson(setting) : null,
    _count: { Message: r.messageCount, Contact: r.contactCount, Chat: r.chatCount },
    // D14: what the reference gateway's workers read (`instance.instanceName`, `instance.state`).
    instance: {
      instanceName: r.name,
      instanceId: r.id,
      owner: r.ownerJid,
      profileName: r.profileName,
      profilePictureUrl: r.profilePicUrl,
      state: r.connectionStatus,
    },
  }
}

/** connectionState's body (also connect's answer while open). */
export const stateJson = (name: string, state: ConnectionState) => ({ instance: { instanceName: name, state } })

/** connect's QR object; fields not produced yet are omitted (`{count:0}`), as Evolution does. */
export function qrJson(qr: QrCode | null) {
  if (!qr) return { count: 0 }
  return { pairingCode: qr.pairingCode, code: qr.code, base64: qr.base64, count: qr.count }
}
