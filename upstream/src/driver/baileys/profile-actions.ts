/**
 * @module upstream/driver/baileys/profile-actions
 * The profile and privacy routes on a Baileys socket, with the socket calls Evolution makes: getBusinessProfile,
 * fetchStatus, profilePictureUrl(jid, 'image'), updateProfileName, updateProfileStatus, updateProfilePicture
 * (bytes only: a URL was downloaded through the outbound guard by the service, Baileys never fetches one),
 * removeProfilePicture, fetchPrivacySettings, the six update*Privacy calls in Evolution's order, and
 * sendPresenceUpdate without a chat (the account presence).
 */
import type {
  WABusinessProfile, WAPresence, WAPrivacyGroupAddValue, WAPrivacyOnlineValue, WAPrivacyValue, WAReadReceiptsValue,
} from '@whiskeysockets/baileys'
import { internal } from '../../lib/errors.js'
import type { Presence } from '../chat-actions.js'
import type { BusinessProfile, PictureSource, PrivacySettings, ProfileActions } from '../profile-actions.js'

/** The socket calls the profile routes make (part of WaSocket, socket-factory.ts). */
export interface ProfileActionsSocket {
  getBusinessProfile(jid: string): Promise<WABusinessProfile | void>
  fetchStatus(...jids: string[]): Promise<{ id: string; [protocol: string]: unknown }[] | undefined>
  profilePictureUrl(jid: string, type?: 'preview' | 'image', timeoutMs?: number): Promise<string | undefined>
  updateProfileName(name: string): Promise<void>
  updateProfileStatus(status: string): Promise<void>
  updateProfilePicture(jid: string, content: Buffer): Promise<void>
  removeProfilePicture(jid: string): Promise<void>
  fetchPrivacySettings(force?: boolean): Promise<{ [category: string]: string }>
  updateReadReceiptsPrivacy(value: WAReadReceiptsValue): Promise<void>
  updateProfilePicturePrivacy(value: WAPrivacyValue): Promise<void>
  updateStatusPrivacy(value: WAPrivacyValue): Promise<void>
  updateOnlinePrivacy(value: WAPrivacyOnlineValue): Promise<void>
  updateLastSeenPrivacy(value: WAPrivacyValue): Promise<void>
  updateGroupsAddPrivacy(value: WAPrivacyGroupAddValue): Promise<void>
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>
}

export type BaileysProfileDeps = {
  /** The open socket, or ConnectionClosedError. */
  socket: () => ProfileActionsSocket
  /** Runs a socket call, mapping Baileys' "Connection Closed". */
  call: <T>(fn: () => Promise<T>) => Promise<T>
}

export class BaileysProfileActions implements ProfileActions {
  constructor(private readonly d: BaileysProfileDeps) {}

  private run<T>(fn: (s: ProfileActionsSocket) => Promise<T>): Promise<T> {
    const sock = this.d.socket()
    return this.d.call(() => fn(sock))
  }

  async businessProfile(jid: string): Promise<BusinessProfile | null> {
    return ((await this.run((s) => s.getBusinessProfile(jid))) as BusinessProfile | undefined) ?? null
  }

  async status(jid: string): Promise<string | null> {
    const list = await this.run((s) => s.fetchStatus(jid))
    const entry = list?.find((r) => r.id === jid) ?? list?.[0]
    const status = (entry?.status as { status?: unknown } | undefined)?.status
    return typeof status === 'string' ? status : null
  }

  async pictureUrl(jid: string): Promise<string | null> {
    // No picture, or not visible to us: null for both, as Evolution answers.
    return (await this.run((s) => s.profilePictureUrl(jid, 'image')).catch(() => undefined)) ?? null
  }

  updateName(name: string): Promise<void> {
    return this.run((s) => s.updateProfileName(name))
  }

  updateStatus(status: string): Promise<void> {
    return this.run((s) => s.updateProfileStatus(status))
  }

  async updatePicture(jid: string, load: () => Promise<PictureSource>): Promise<void> {
    const picture = await load()
    // Links are downloaded by the service (the Baileys session's media policy is `download`): never handed over.
    if (!('bytes' in picture)) throw internal('A profile picture reached the Baileys driver as a link')
    await this.run((s) => s.updateProfilePicture(jid, picture.bytes))
  }

  removePicture(jid: string): Promise<void> {
    return this.run((s) => s.removeProfilePicture(jid))
  }

  privacy(): Promise<Record<string, string>> {
    return this.run((s) => s.fetchPrivacySettings())
  }

  async updatePrivacy(p: PrivacySettings): Promise<void> {
    await this.run((s) => s.updateReadReceiptsPrivacy(p.readreceipts))
    await this.run((s) => s.updateProfilePicturePrivacy(p.profile))
    await this.run((s) => s.updateStatusPrivacy(p.status))
    await this.run((s) => s.updateOnlinePrivacy(p.online))
    await this.run((s) => s.updateLastSeenPrivacy(p.last))
    // Evolution accepts `none` here; Baileys' type lists all / contacts / contact_blacklist, WhatsApp decides.
    await this.run((s) => s.updateGroupsAddPrivacy(p.groupadd as WAPrivacyGroupAddValue))
  }

  setPresence(presence: Presence): Promise<void> {
    return this.run((s) => s.sendPresenceUpdate(presence))
  }
}
