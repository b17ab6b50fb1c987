/**
 * @module upstream/driver/baileys/group-actions
 * The /group routes on a Baileys socket, with the socket calls Evolution makes (groupCreate, groupMetadata,
 * groupFetchAllParticipating, groupParticipantsUpdate, groupUpdateSubject, groupUpdateDescription,
 * groupInviteCode, groupRevokeInvite, groupGetInviteInfo, groupAcceptInvite, groupSettingUpdate,
 * groupToggleEphemeral, groupLeave, profilePictureUrl, updateProfilePicture). Baileys' GroupMetadata passes through as is; group
 * events come back from WhatsApp on their own (group-listeners.ts).
 */
import type { GroupMetadata as WaGroupMetadata } from '@whiskeysockets/baileys'
import type { GroupActions, GroupMetadata, GroupSetting, ParticipantAction, ParticipantResult } from '../group-actions.js'

/** The socket calls the group routes make (part of WaSocket, socket-factory.ts). */
export interface GroupActionsSocket {
  groupCreate(subject: string, participants: string[]): Promise<WaGroupMetadata>
  groupMetadata(jid: string): Promise<WaGroupMetadata>
  groupFetchAllParticipating(): Promise<{ [jid: string]: WaGroupMetadata }>
  groupParticipantsUpdate(jid: string, participants: string[], action: ParticipantAction): Promise<{ status: string; jid: string | undefined; content: unknown }[]>
  groupUpdateSubject(jid: string, subject: string): Promise<void>
  groupUpdateDescription(jid: string, description?: string): Promise<void>
  groupInviteCode(jid: string): Promise<string | undefined>
  groupRevokeInvite(jid: string): Promise<string | undefined>
  groupGetInviteInfo(code: string): Promise<WaGroupMetadata>
  groupAcceptInvite(code: string): Promise<string | undefined>
  groupSettingUpdate(jid: string, setting: GroupSetting): Promise<void>
  groupToggleEphemeral(jid: string, expiration: number): Promise<void>
  groupLeave(jid: string): Promise<void>
  profilePictureUrl(jid: string, type?: 'preview' | 'image', timeoutMs?: number): Promise<string | undefined>
  /** On a group JID: the group's picture (updateGroupPicture). */
  updateProfilePicture(jid: string, content: Buffer): Promise<void>
}

export type BaileysGroupDeps = {
  /** The open socket, or ConnectionClosedError. */
  socket: () => GroupActionsSocket
  /** Runs a socket call, mapping Baileys' "Connection Closed". */
  call: <T>(fn: () => Promise<T>) => Promise<T>
}

const plain = (g: WaGroupMetadata): GroupMetadata => g as unknown as GroupMetadata

export class BaileysGroupActions implements GroupActions {
  constructor(private readonly d: BaileysGroupDeps) {}

  private run<T>(fn: (s: GroupActionsSocket) => Promise<T>): Promise<T> {
    const sock = this.d.socket()
    return this.d.call(() => fn(sock))
  }

  async create(subject: string, participants: string[]): Promise<GroupMetadata> {
    return plain(await this.run((s) => s.groupCreate(subject, participants)))
  }

  async metadata(jid: string): Promise<GroupMetadata> {
    return plain(await this.run((s) => s.groupMetadata(jid)))
  }

  async fetchAll(): Promise<GroupMetadata[]> {
    return Object.values(await this.run((s) => s.groupFetchAllParticipating())).map(plain)
  }

  updateParticipants(jid: string, participants: string[], action: ParticipantAction): Promise<ParticipantResult[]> {
    return this.run((s) => s.groupParticipantsUpdate(jid, participants, action))
  }

  updateSubject(jid: string, subject: string): Promise<void> {
    return this.run((s) => s.groupUpdateSubject(jid, subject))
  }

  updateDescription(jid: string, description: string): Promise<void> {
    return this.run((s) => s.groupUpdateDescription(jid, description))
  }

  inviteCode(jid: string): Promise<string | undefined> {
    return this.run((s) => s.groupInviteCode(jid))
  }

  revokeInvite(jid: string): Promise<string | undefined> {
    return this.run((s) => s.groupRevokeInvite(jid))
  }

  async inviteInfo(code: string): Promise<GroupMetadata> {
    return plain(await this.run((s) => s.groupGetInviteInfo(code)))
  }

  acceptInvite(code: string): Promise<string | undefined> {
    return this.run((s) => s.groupAcceptInvite(code))
  }

  updateSetting(jid: string, setting: GroupSetting): Promise<void> {
    return this.run((s) => s.groupSettingUpdate(jid, setting))
  }

  toggleEphemeral(jid: string, expiration: number): Promise<void> {
    return this.run((s) => s.groupToggleEphemeral(jid, expiration))
  }

  leave(jid: string): Promise<void> {
    return this.run((s) => s.groupLeave(jid))
  }

  updatePicture(jid: string, image: Buffer): Promise<void> {
    return this.run((s) => s.updateProfilePicture(jid, image))
  }

  async pictureUrl(jid: string): Promise<string | null> {
    // No picture, or not visible to us: Evolution answers null for both.
    return (await this.run((s) => s.profilePictureUrl(jid, 'image')).catch(() => undefined)) ?? null
  }
}
