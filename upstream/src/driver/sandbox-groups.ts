/**
 * @module upstream/driver/sandbox-groups
 * The sandbox's groups, simulated deterministically and reported as Baileys would (groups.upsert,
 * groups.update, group-participants.update), so the store and the webhooks run the real path:
 * - ids: `120363` + 12 digits derived from the instance name and a counter; invite codes: 22 hex
 *   characters derived from the group id and how often it was revoked;
 * - a group we create has us as `superadmin` and the given members (numbers that exist, lib/jid.ts rule);
 *   admin-only actions in a group we are not admin of fail with `Error: not-authorized`;
 * - updateParticipant: per member `200`, or `404` (add: number not on WhatsApp; others: not a member),
 *   `409` (add: already a member), as WhatsApp answers per participant;
 * - an invite code that is not one of ours belongs to a foreign group derived from the code (2 members,
 *   not us), unless it ends in `0000` (unknown: `Error: item-not-found`), like the numbers rule;
 * - a group picture (updateGroupPicture) must be a JPEG or PNG we can recognise (WhatsApp refuses other
 *   bytes: `Error: bad-request`); its URL then carries a version that changes with each new picture;
 * - unknown groups: `Error: item-not-found`. State lives in the driver (survives restarts, not the process).
 */
import { createHash } from 'node:crypto'
import { jidUser, sandboxNumberExists } from '../lib/jid.js'
import type { GroupActions, GroupMetadata, GroupParticipant, GroupSetting, ParticipantAction, ParticipantResult } from './group-actions.js'
import type { DriverEvents } from './types.js'

/** `pictureId`: the current picture's version (sandbox bookkeeping, never part of the metadata). */
export type SandboxGroupState = { groups: Map<string, GroupMetadata & { revoked: number; pictureId?: string | undefined }>; created: number }

const digits = (seed: string, n: number) => BigInt(`0x${createHash('sha256').update(seed).digest('hex').slice(0, 15)}`).toString().padStart(n, '0').slice(0, n)
const now = () => Math.floor(Date.now() / 1000)
/** A foreign group's owner (exists by the numbers rule). */
const FOREIGN_OWNER = '595990000001@s.whatsapp.net'

export class SandboxGroups implements GroupActions {
  constructor(
    private readonly state: SandboxGroupState,
    private readonly d: { requireOpen: () => void; self: () => string; instance: string; events: DriverEvents },
  ) {}

  async create(subject: string, participants: string[]): Promise<GroupMetadata> {
    this.d.requireOpen()
    const id = `120363${digits(`${this.d.instance}:${++this.state.created}`, 12)}@g.us`
    const members: GroupParticipant[] = participants.filter(sandboxNumberExists).map((p) => ({ id: p, admin: null }))
    const g = { id, subject, subjectOwner: this.d.self(), subjectTime: now(), creation: now(), owner: this.d.self(), restrict: false, announce: false,
      participants: [{ id: this.d.self(), admin: 'superadmin' as const }, ...members], size: members.length + 1, addressingMode: 'pn', revoked: 0 }
    this.state.groups.set(id, g)
    this.d.events.groups({ type: 'upsert', groups: [meta(g)] })
    return meta(g)
  }

  async metadata(jid: string): Promise<GroupMetadata> {
    return meta(this.member(jid))
  }

  async fetchAll(): Promise<GroupMetadata[]> {
    this.d.requireOpen()
    return [...this.state.groups.values()].filter((g) => this.isMember(g)).map(meta)
  }

  async updateParticipants(jid: string, participants: string[], action: ParticipantAction): Promise<ParticipantResult[]> {
    const g = this.admin(jid)
    const results: ParticipantResult[] = []
    const done: GroupParticipant[] = []
    for (const p of participants) {
      const isIn = g.participants.some((x) => x.id === p)
      const status = action === 'add' ? (!sandboxNumberExists(p) ? '404' : isIn ? '409' : '200') : isIn ? '200' : '404'
      results.push({ status, jid: p, content: { tag: 'participant', attrs: { jid: p, ...(status === '200' ? {} : { error: status }) } } })
      if (status === '200') done.push({ id: p, admin: action === 'promote' ? 'admin' : null })
    }
    if (done.length) {
      const ids = new Set(done.map((p) => p.id))
      if (action === 'add') g.participants.push(...done)
      else if (action === 'remove') g.participants = g.participants.filter((p) => !ids.has(p.id))
      else g.participants = g.participants.map((p) => (ids.has(p.id) ? { ...p, admin: action === 'promote' ? 'admin' : null } : p))
      g.size = g.participants.length
      this.d.events.groups({ type: 'participants', id: jid, author: this.d.self(), participants: done, action })
    }
    return results
  }

  async updateSubject(jid: string, subject: string): Promise<void> {
    const g = this.admin(jid)
    Object.assign(g, { subject, subjectOwner: this.d.self(), subjectTime: now() })
    this.changed(jid, { subject, subjectOwner: this.d.self(), subjectTime: g.subjectTime })
  }

  async updateDescription(jid: string, description: string): Promise<void> {
    const g = this.admin(jid)
    const descId = digits(`${jid}:desc:${description}:${g.descId ?? ''}`, 16)
    Object.assign(g, { desc: description, descId })
    this.changed(jid, { desc: description, descId })
  }

  async inviteCode(jid: string): Promise<string> {
    return code(this.admin(jid))
  }

  async revokeInvite(jid: string): Promise<string> {
    const g = this.admin(jid)
    g.revoked++
    return code(g)
  }

  async inviteInfo(inviteCode: string): Promise<GroupMetadata> {
    this.d.requireOpen()
    return meta(this.byCode(inviteCode))
  }

  async acceptInvite(inviteCode: string): Promise<string> {
    this.d.requireOpen()
    const g = this.byCode(inviteCode)
    if (!this.isMember(g)) {
      g.participants.push({ id: this.d.self(), admin: null })
      g.size = g.participants.length
      this.state.groups.set(g.id, g)
      this.d.events.groups({ type: 'upsert', groups: [meta(g)] })
    }
    return g.id
  }

  async updateSetting(jid: string, setting: GroupSetting): Promise<void> {
    const g = this.admin(jid)
    const patch = setting === 'announcement' || setting === 'not_announcement' ? { announce: setting === 'announcement' } : { restrict: setting === 'locked' }
    Object.assign(g, patch)
    this.changed(jid, patch)
  }

  async toggleEphemeral(jid: string, expiration: number): Promise<void> {
    const g = this.member(jid)
    g.ephemeralDuration = expiration
    this.changed(jid, { ephemeralDuration: expiration })
  }

  async leave(jid: string): Promise<void> {
    const g = this.member(jid)
    g.participants = g.participants.filter((p) => p.id !== this.d.self())
    g.size = g.participants.length
    this.d.events.groups({ type: 'participants', id: jid, author: this.d.self(), participants: [{ id: this.d.self(), admin: null }], action: 'remove' })
  }

  async pictureUrl(jid: string): Promise<string | null> {
    const g = this.member(jid)
    const version = g.pictureId ? `?v=${g.pictureId}` : ''
    return `https://pps.whatsapp.net/sandbox/group-${jidUser(jid)}.jpg${version}`
  }

  async updatePicture(jid: string, image: Buffer): Promise<void> {
    const g = this.admin(jid)
    const jpeg = image.length > 3 && image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff
    const png = image.length > 8 && image.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    if (!jpeg && !png) throw new Error('bad-request')
    g.pictureId = createHash('sha256').update(image).digest('hex').slice(0, 12)
  }

  private changed(id: string, patch: Record<string, unknown>): void {
    this.d.events.groups({ type: 'update', updates: [{ id, ...patch, author: this.d.self() }] })
  }

  private isMember(g: GroupMetadata): boolean {
    return g.participants.some((p) => p.id === this.d.self())
  }

  private member(jid: string) {
    this.d.requireOpen()
    const g = this.state.groups.get(jid)
    if (!g || !this.isMember(g)) throw new Error('item-not-found')
    return g
  }

  private admin(jid: string) {
    const g = this.member(jid)
    if (!g.participants.some((p) => p.id === this.d.self() && p.admin)) throw new Error('not-authorized')
    return g
  }

  private byCode(inviteCode: string) {
    for (const g of this.state.groups.values()) if (code(g) === inviteCode) return g
    if (inviteCode.endsWith('0000')) throw new Error('item-not-found')
    const id = `120363${digits(`invite:${inviteCode}`, 12)}@g.us`
    const known = this.state.groups.get(id)
    if (known) return known
    return {
      id, subject: `Sandbox Invite ${inviteCode.slice(0, 6)}`, subjectOwner: FOREIGN_OWNER, subjectTime: 1700000000, creation: 1700000000, owner: FOREIGN_OWNER,
      restrict: false, announce: false, size: 2, addressingMode: 'pn', revoked: 0,
      participants: [{ id: FOREIGN_OWNER, admin: 'superadmin' as const }, { id: '595990000002@s.whatsapp.net', admin: null }],
    }
  }
}

/** The metadata as Baileys hands it out (a copy: callers never share the simulator's objects). */
function meta(g: GroupMetadata & { revoked: number; pictureId?: string | undefined }): GroupMetadata {
  const { revoked: _r, pictureId: _p, ...rest } = g
  return structuredClone({ ...rest, size: g.participants.length })
}

function code(g: { id: string; revoked: number }): string {
  return createHash('sha256').update(`${g.id}:${g.revoked}`).digest('hex').slice(0, 22)
}
