/**
 * @module upstream/testing/fake-baileys
 * TEST SUPPORT (imported only by *.test.ts, never built into dist): a scripted Baileys socket (emits
 * what the test tells it, records what the driver asked), manual timers (backoff and liveness fire when
 * the test says), and a driver wired to them on a real database.
 */
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import pino from 'pino'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { createSql, migrateUpstream, type Sql } from '../db/client.js'
import { insertInstance } from '../db/instances.js'
import { BaileysDriver, type BaileysDriverOptions, type SocketParams, type Timers } from '../driver/baileys/index.js'
import type { DriverEvents, SessionInfo } from '../driver/types.js'

export const silent = pino({ level: 'silent' })

let ids = 0

export class FakeSocket {
  readonly ev = new EventEmitter()
  readonly ws = new EventEmitter()
  user: { id: string; name?: string } | undefined
  readonly sent: [string, unknown][] = []
  readonly nodes: BinaryNode[] = []
  readonly queries: BinaryNode[] = []
  readonly pairingRequests: string[] = []
  ended = false
  loggedOut = false
  /** Answer of the liveness query; default: answers at once. */
  queryImpl: (node: BinaryNode) => Promise<unknown> = async () => ({ tag: 'iq', attrs: { type: 'result' } })
  /** Numbers onWhatsApp knows; default: every number not ending in 0000 (and it omits the rest, like Baileys). */
  onWhatsAppImpl = async (...jids: string[]) => jids.filter((j) => !/0000@/.test(j)).map((jid) => ({ jid, exists: true }))
  sendError: Error | null = null

  constructor(readonly params: SocketParams) {}

  /** sendMessage's options beyond the message id (a status's statusJidList, backgroundColor, font), per send. */
  readonly sentOptions: Record<string, unknown>[] = []
  /** addChatLabel / removeChatLabel calls: [function, jid, labelId]. */
  readonly labelCalls: [string, string, string][] = []

  async sendMessage(jid: string, content: Record<string, unknown>, options: Record<string, unknown> = {}) {
    this.sent.push([jid, content])
    const { messageId: _id, ...rest } = options
    this.sentOptions.push(rest)
    if (this.sendError) throw this.sendError
    const id = `3EB0FAKE${String(++ids).padStart(6, '0')}`
    return { key: { remoteJid: jid, fromMe: true, id }, message: fakeProto(content), messageTimestamp: 1_700_000_000, status: 1 }
  }

  onWhatsApp(...jids: string[]) {
    return this.onWhatsAppImpl(...jids)
  }

  // --- chat routes (driver/baileys/chat-actions.ts): recorded as [function, ...arguments] ---
  readonly chatCalls: [string, ...unknown[]][] = []
  /** What profilePictureUrl answers (a throw = no picture / private). */
  profilePictureImpl: (jid: string) => Promise<string | undefined> = async (jid) => `https://pps.whatsapp.net/v/${jid.split('@')[0]}.jpg`
  private chatCall(name: string, ...args: unknown[]): Promise<void> {
    this.chatCalls.push([name, ...args])
    return Promise.resolve()
  }
  readMessages(keys: unknown[]) { return this.chatCall('readMessages', keys) }
  chatModify(mod: unknown, jid: string) { return this.chatCall('chatModify', mod, jid) }
  presenceSubscribe(jid: string) { return this.chatCall('presenceSubscribe', jid) }
  sendPresenceUpdate(type: string, jid?: string) { return this.chatCall('sendPresenceUpdate', type, jid) }
  updateBlockStatus(jid: string, action: string) { return this.chatCall('updateBlockStatus', jid, action) }
  async updateMediaMessage<M>(m: M): Promise<M> {
    this.chatCalls.push(['updateMediaMessage', m])
    return m
  }
  profilePictureUrl(jid: string, type?: string) {
    this.chatCalls.push(['profilePictureUrl', jid, type])
    return this.profilePictureImpl(jid)
  }

  // --- group routes (driver/baileys/group-actions.ts): recorded as [function, ...arguments] ---
  readonly groupCalls: [string, ...unknown[]][] = []
  /** Per-function answers (or throws) a test scripts; default: fakeGroup() metadata, codes, `200` per participant. */
  groupImpl: Record<string, (...args: any[]) => unknown> = {}
  private groupCall(name: string, args: unknown[], fallback: () => unknown): Promise<any> {
    this.groupCalls.push([name, ...args])
    const impl = this.groupImpl[name]
    return Promise.resolve().then(() => (impl ? impl(...args) : fallback()))
  }
  groupCreate(subject: string, participants: string[]) { return this.groupCall('groupCreate', [subject, participants], () => fakeGroup(FAKE_GROUP, subject, participants)) }
  groupMetadata(jid: string) { return this.groupCall('groupMetadata', [jid], () => fakeGroup(jid)) }
  groupFetchAllParticipating() { return this.groupCall('groupFetchAllParticipating', [], () => ({ [FAKE_GROUP]: fakeGroup(FAKE_GROUP) })) }
  groupParticipantsUpdate(jid: string, participants: string[], action: string) {
    return this.groupCall('groupParticipantsUpdate', [jid, participants, action], () => participants.map((p) => ({ status: '200', jid: p, content: { tag: 'participant', attrs: { jid: p } } })))
  }
  groupUpdateSubject(jid: string, subject: string) { return this.groupCall('groupUpdateSubject', [jid, subject], () => undefined) }
  groupUpdateDescription(jid: string, description?: string) { return this.groupCall('groupUpdateDescription', [jid, description], () => undefined) }
  groupInviteCode(jid: string) { return this.groupCall('groupInviteCode', [jid], () => 'AbCdEfGhIjKlMnOpQrStUv') }
  groupRevokeInvite(jid: string) { return this.groupCall('groupRevokeInvite', [jid], () => 'NewCodeNewCodeNewCode1') }
  groupGetInviteInfo(code: string) { return this.groupCall('groupGetInviteInfo', [code], () => fakeGroup(FAKE_GROUP)) }
  groupAcceptInvite(code: string) { return this.groupCall('groupAcceptInvite', [code], () => FAKE_GROUP) }
  groupSettingUpdate(jid: string, setting: string) { return this.groupCall('groupSettingUpdate', [jid, setting], () => undefined) }
  groupToggleEphemeral(jid: string, expiration: number) { return this.groupCall('groupToggleEphemeral', [jid, expiration], () => undefined) }
  groupLeave(jid: string) { return this.groupCall('groupLeave', [jid], () => undefined) }

  // --- profile routes (driver/baileys/profile-actions.ts): recorded as [function, ...arguments] ---
  readonly profileCalls: [string, ...unknown[]][] = []
  /** Per-function answers (or throws) a test scripts; default: a personal account, WhatsApp's default privacy. */
  profileImpl: Record<string, (...args: any[]) => unknown> = {}
  private profileCall(name: string, args: unknown[], fallback: () => unknown = () => undefined): Promise<any> {
    this.profileCalls.push([name, ...args])
    const impl = this.profileImpl[name]
    return Promise.resolve().then(() => (impl ? impl(...args) : fallback()))
  }
  getBusinessProfile(jid: string) { return this.profileCall('getBusinessProfile', [jid]) }
  fetchStatus(...jids: string[]) { return this.profileCall('fetchStatus', jids, () => jids.map((id) => ({ id, status: { status: 'Hey there!', setAt: new Date(0) } }))) }
  updateProfileName(name: string) { return this.profileCall('updateProfileName', [name]) }
  updateProfileStatus(status: string) { return this.profileCall('updateProfileStatus', [status]) }
  /** Own JID: updateProfilePicture; a group JID: updateGroupPicture. */
  updateProfilePicture(jid: string, content: Buffer) { return this.profileCall('updateProfilePicture', [jid, content]) }
  removeProfilePicture(jid: string) { return this.profileCall('removeProfilePicture', [jid]) }
  fetchPrivacySettings(force?: boolean) {
    return this.profileCall('fetchPrivacySettings', force === undefined ? [] : [force], () => ({
      readreceipts: 'all', profile: 'contacts', status: 'contacts', online: 'all', last: 'contacts', groupadd: 'contacts', calladd: 'all', messages: 'all',
    }))
  }
  updateReadReceiptsPrivacy(value: string) { return this.profileCall('updateReadReceiptsPrivacy', [value]) }
  updateProfilePicturePrivacy(value: string) { return this.profileCall('updateProfilePicturePrivacy', [value]) }
  updateStatusPrivacy(value: string) { return this.profileCall('updateStatusPrivacy', [value]) }
  updateOnlinePrivacy(value: string) { return this.profileCall('updateOnlinePrivacy', [value]) }
  updateLastSeenPrivacy(value: string) { return this.profileCall('updateLastSeenPrivacy', [value]) }
  updateGroupsAddPrivacy(value: string) { return this.profileCall('updateGroupsAddPrivacy', [value]) }

  async addChatLabel(jid: string, labelId: string) {
    this.labelCalls.push(['addChatLabel', jid, labelId])
  }

  async removeChatLabel(jid: string, labelId: string) {
    this.labelCalls.push(['removeChatLabel', jid, labelId])
  }

  async requestPairingCode(phone: string) {
    this.pairingRequests.push(phone)
    return 'ABCD1234'
  }

  query(node: BinaryNode) {
    this.queries.push(node)
    return this.queryImpl(node)
  }

  async sendNode(node: BinaryNode) {
    this.nodes.push(node)
  }

  async logout() {
    this.loggedOut = true
    this.end()
  }

  end() {
    this.ended = true
  }

  // --- scripting ---
  qr(code: string) {
    this.ev.emit('connection.update', { qr: code })
  }

  open(user = { id: '595981000111:17@s.whatsapp.net', name: 'Real Phone' }) {
    this.user = user
    this.ev.emit('connection.update', { connection: 'open' })
  }

  close(code: number) {
    this.ended = true
    const error = Object.assign(new Error(`closed ${code}`), { isBoom: true, output: { statusCode: code } })
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } })
  }

  /** A WebSocket-level failure as Baileys reports it (`WebSocket Error (...)` with a guessed code). */
  closeTransport(code: number) {
    this.ended = true
    const error = Object.assign(new Error('WebSocket Error (socket hang up)'), { isBoom: true, output: { statusCode: code } })
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } })
  }

  creds(update: Record<string, unknown>) {
    this.ev.emit('creds.update', update)
  }
}

/** The group the scripted socket knows by default. */
export const FAKE_GROUP = '120363000000000001@g.us'

/** GroupMetadata as Baileys rc14 answers it (LID addressing: ids are LIDs, phone numbers beside them). */
export function fakeGroup(id: string, subject = 'Team', members: string[] = ['595981111111@s.whatsapp.net']) {
  return {
    id, subject, subjectOwner: '11111@lid', subjectTime: 1720000000, creation: 1719990000, owner: '11111@lid', ownerPn: '595981000999@s.whatsapp.net',
    desc: 'text', descId: 'ABC', restrict: false, announce: false, addressingMode: 'lid', size: members.length + 1,
    participants: [
      { id: '11111@lid', phoneNumber: '595981000999@s.whatsapp.net', admin: 'superadmin' },
      ...members.map((m, i) => ({ id: `${22222 + i}@lid`, phoneNumber: m, admin: null })),
    ],
  }
}

/** Roughly what Baileys' generateWAMessageContent builds, enough for messageType assertions. */
function fakeProto(c: Record<string, unknown>): Record<string, unknown> {
  // Protocol messages carry the enum as a number, as Baileys' proto objects do (REVOKE 0, MESSAGE_EDIT 14).
  if ('edit' in c) return { protocolMessage: { key: c.edit, type: 14, editedMessage: { extendedTextMessage: { text: c.text } }, timestampMs: { low: 1, high: 0, toString: () => '1700000000000' } } }
  if ('delete' in c) return { protocolMessage: { key: c.delete, type: 0 } }
  if ('text' in c) return { extendedTextMessage: { text: c.text } }
  if ('sticker' in c) return { stickerMessage: { mimetype: 'image/webp', isAnimated: c.isAnimated } }
  if ('video' in c && c.ptv) return { ptvMessage: { mimetype: c.mimetype } }
  for (const k of ['image', 'video', 'audio', 'document']) if (k in c) return { [`${k}Message`]: { mimetype: c.mimetype, mediaKey: new Uint8Array([1, 2]), fileLength: { low: 5, high: 0, unsigned: true, toString: () => '5' } } }
  if ('location' in c) return { locationMessage: c.location }
  if ('contacts' in c) return { contactMessage: (c.contacts as { contacts: unknown[] }).contacts[0] }
  if ('react' in c) return { reactionMessage: c.react }
  if ('poll' in c) return { pollCreationMessage: { name: (c.poll as { name: string }).name } }
  return { conversation: '' }
}

/** Timers that fire only when the test says so. */
export class ManualTimers implements Timers {
  pending: { fn: () => void; ms: number }[] = []

  set(fn: () => void, ms: number) {
    const t = { fn, ms }
    this.pending.push(t)
    return t
  }

  clear(h: unknown) {
    this.pending = this.pending.filter((t) => t !== h)
  }

  delays(): number[] {
    return this.pending.map((t) => t.ms)
  }

  /** Fires (and removes) the first pending timer with this delay, or the first one. */
  fire(ms?: number) {
    const t = ms === undefined ? this.pending[0] : this.pending.find((p) => p.ms === ms)
    if (!t) throw new Error(`no pending timer${ms === undefined ? '' : ` of ${ms} ms`} (pending: ${this.delays().join(', ')})`)
    this.clear(t)
    t.fn()
  }
}

export type Recorded = { kind: keyof DriverEvents; data: any }

export function recordEvents(): { log: Recorded[]; events: DriverEvents; states: () => any[] } {
  const log: Recorded[] = []
  const push = (kind: keyof DriverEvents) => (data: unknown) => void log.push({ kind, data })
  return {
    log,
    events: {
      state: push('state'), qr: push('qr'), creds: push('creds'), inbound: push('inbound'), outgoing: push('outgoing'), ack: push('ack'),
      history: push('history'), chats: push('chats'), contacts: push('contacts'), deleted: push('deleted'), edited: push('edited'), poll: push('poll'),
      labels: push('labels'), groups: push('groups'), presence: push('presence'),
    },
    states: () => log.filter((e) => e.kind === 'state').map((e) => e.data),
  }
}

export type Rig = {
  sql: Sql
  sockets: FakeSocket[]
  timers: ManualTimers
  driver: BaileysDriver
  /** The newest socket. */
  sock: () => FakeSocket
  newInstance: (name?: string) => Promise<SessionInfo>
}

/** Options every rig shares: QR limit 3, backoff 1 s .. 8 s, jitter neutral (random 0.5), liveness off. */
export const RIG_DEFAULTS = {
  qrLimit: 3,
  qrColor: '#198754',
  reconnectMinMs: 1000,
  reconnectMaxMs: 8000,
  livenessMs: 0,
  connectWaitMs: 0,
  connectTimeoutMs: 0,
  socket: { browser: ['Taguato', 'Chrome', '10.0'] as [string, string, string], wsUrl: '', version: null },
}

/** A Baileys driver on the scripted socket and a migrated database. */
export async function makeRig(url: string, over: Partial<BaileysDriverOptions> = {}, sql = createSql(url, 4)): Promise<Rig> {
  await migrateUpstream(sql)
  const sockets: FakeSocket[] = []
  const timers = new ManualTimers()
  const driver = new BaileysDriver(
    { sql, log: silent, timers, random: () => 0.5, ...RIG_DEFAULTS, ...over },
    (p) => {
      const s = new FakeSocket(p)
      sockets.push(s)
      return s
    },
  )
  return {
    sql,
    sockets,
    timers,
    driver,
    sock: () => {
      const s = sockets.at(-1)
      if (!s) throw new Error('no socket yet')
      return s
    },
    newInstance: async (name = `i-${randomUUID().slice(0, 8)}`) => {
      const row = await insertInstance(sql, {
        id: randomUUID(), name, integration: 'WHATSAPP-BAILEYS', token: `tok-${name}`, number: null, businessId: null, connectionStatus: 'close', session: null,
      })
      return { id: row.id, name: row.name, number: null, session: null, integration: row.integration, token: row.token, businessId: null }
    },
  }
}

/** Lets pending promise chains (auth writes, QR rendering) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r))
}
