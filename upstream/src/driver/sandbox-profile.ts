/**
 * @module upstream/driver/sandbox-profile
 * The sandbox's profile, privacy and presence, deterministic and kept with the sandbox's creds (so they are
 * stored in the instance row like a paired phone's, survive an upstream restart, and go with a logout):
 * - the account: its name, about text (default "Hey there! I am using WhatsApp."), picture (none at first;
 *   bytes become `https://pps.whatsapp.net/sandbox/<user>-<sha256 prefix>.jpg`) and six privacy settings
 *   (WhatsApp's defaults), each update visible to the next read;
 * - other numbers follow lib/jid.ts `sandboxNumberExists`: one that exists has the default about text and a
 *   picture (as fetchProfilePictureUrl answers), and is a business when its number ends in 9; one that does
 *   not exist has neither;
 * - setPresence is accepted and changes nothing visible;
 * - every call needs the session open (`Connection Closed` otherwise), as on a socket.
 */
import { createHash } from 'node:crypto'
import { jidUser, sandboxNumberExists } from '../lib/jid.js'
import type { Presence } from './chat-actions.js'
import type { BusinessProfile, PictureSource, PrivacySettings, ProfileActions } from './profile-actions.js'

/** What the sandbox keeps about its own account. */
export type SandboxProfileData = { name: string; about: string; picture: string | null; privacy: PrivacySettings }

export const SANDBOX_DEFAULT_ABOUT = 'Hey there! I am using WhatsApp.'
export const SANDBOX_DEFAULT_PRIVACY: PrivacySettings = { readreceipts: 'all', profile: 'all', status: 'contacts', online: 'all', last: 'all', groupadd: 'all' }

export type SandboxProfileDeps = {
  requireOpen: () => void
  /** The account's own JID. */
  self: () => string
  read: () => SandboxProfileData
  write: (data: SandboxProfileData) => void
}

export class SandboxProfile implements ProfileActions {
  constructor(private readonly d: SandboxProfileDeps) {}

  private isSelf(jid: string): boolean {
    return jidUser(jid) === jidUser(this.d.self())
  }

  private update(patch: Partial<SandboxProfileData>): void {
    this.d.requireOpen()
    this.d.write({ ...this.d.read(), ...patch })
  }

  async businessProfile(jid: string): Promise<BusinessProfile | null> {
    this.d.requireOpen()
    if (this.isSelf(jid) || !sandboxNumberExists(jid) || !jidUser(jid).endsWith('9')) return null
    const user = jidUser(jid)
    return {
      wid: jid, description: `Sandbox business ${user}`, website: [`https://example.com/${user}`], email: `contact-${user}@example.com`,
      category: 'Shopping & retail', address: 'Asunción, Paraguay',
      business_hours: { timezone: 'America/Asuncion', business_config: [{ day_of_week: 'mon', mode: 'open_24h' }] },
    }
  }

  async status(jid: string): Promise<string | null> {
    this.d.requireOpen()
    if (this.isSelf(jid)) return this.d.read().about
    return sandboxNumberExists(jid) ? SANDBOX_DEFAULT_ABOUT : null
  }

  async pictureUrl(jid: string): Promise<string | null> {
    this.d.requireOpen()
    if (this.isSelf(jid)) return this.d.read().picture
    return sandboxNumberExists(jid) ? `https://pps.whatsapp.net/sandbox/${jidUser(jid)}.jpg` : null
  }

  async updateName(name: string): Promise<void> {
    this.update({ name })
  }

  async updateStatus(about: string): Promise<void> {
    this.update({ about })
  }

  async updatePicture(_jid: string, load: () => Promise<PictureSource>): Promise<void> {
    this.d.requireOpen()
    const picture = await load()
    const url = 'bytes' in picture
      ? `https://pps.whatsapp.net/sandbox/${jidUser(this.d.self())}-${createHash('sha256').update(picture.bytes).digest('hex').slice(0, 16)}.jpg`
      : picture.url // an offline sandbox keeps a link its host could not serve, as it does for media sends
    this.update({ picture: url })
  }

  async removePicture(): Promise<void> {
    this.update({ picture: null })
  }

  /** WhatsApp answers more categories than Evolution's six; so does the sandbox. */
  async privacy(): Promise<Record<string, string>> {
    this.d.requireOpen()
    return { ...this.d.read().privacy, calladd: 'all', messages: 'all' }
  }

  async updatePrivacy(privacy: PrivacySettings): Promise<void> {
    this.update({ privacy: { ...privacy } })
  }

  /** Accepted while open; nothing to show for it (WhatsApp tells only the account's contacts). */
  async setPresence(_presence: Presence): Promise<void> {
    this.d.requireOpen()
  }
}
