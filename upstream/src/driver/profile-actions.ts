/**
 * @module upstream/driver/profile-actions
 * What a session does for the profile and privacy routes (/chat/fetchProfile, fetchBusinessProfile,
 * updateProfileName, updateProfileStatus, updateProfilePicture, removeProfilePicture, fetchPrivacySettings,
 * updatePrivacySettings) and POST /instance/setPresence. Each driver implements it in its own file
 * (baileys/profile-actions.ts, cloud/profile-actions.ts, sandbox-profile.ts); the routes' answers and the
 * instance row are the service's job (services/profile.ts). An operation a backend does not offer throws the
 * caller's 400 (the Cloud API: Evolution's "Method not available on WhatsApp Business API").
 */
import type { Presence } from './chat-actions.js'

/** The six privacy settings Evolution reads and writes (WhatsApp's own category names). */
export type PrivacySettings = {
  readreceipts: 'all' | 'none'
  profile: PrivacyValue
  status: PrivacyValue
  online: 'all' | 'match_last_seen'
  last: PrivacyValue
  groupadd: PrivacyValue
}
export type PrivacyValue = 'all' | 'contacts' | 'contact_blacklist' | 'none'

/** A business profile, Baileys' WABusinessProfile shape (Evolution answers it with `isBusiness: true` added). */
export type BusinessProfile = {
  wid?: string | undefined
  description?: string | undefined
  email?: string | undefined
  website?: string[] | undefined
  category?: string | undefined
  address?: string | undefined
  business_hours?: { timezone?: string | undefined; business_config?: unknown[] | undefined; config?: unknown[] | undefined } | undefined
  [more: string]: unknown
}

/** The new picture: image bytes, or (the offline sandbox only) a link its host could not serve. */
export type PictureSource = { bytes: Buffer } | { url: string }

export interface ProfileActions {
  /** The business profile of `jid`; null when the account is not a business. */
  businessProfile(jid: string): Promise<BusinessProfile | null>
  /** The "about" text of `jid`; null when hidden or unknown. */
  status(jid: string): Promise<string | null>
  /** The profile picture URL of `jid`; null when there is none or it is private. */
  pictureUrl(jid: string): Promise<string | null>
  updateName(name: string): Promise<void>
  updateStatus(status: string): Promise<void>
  /**
   * `jid` is the account's own JID; `load` fetches the picture (a URL is downloaded through the outbound guard),
   * called only by a backend that offers the operation, so one that does not answers its 400 first.
   */
  updatePicture(jid: string, load: () => Promise<PictureSource>): Promise<void>
  removePicture(jid: string): Promise<void>
  /** All of WhatsApp's privacy categories (the service keeps Evolution's six). */
  privacy(): Promise<Record<string, string>>
  /** The six, one after another (a failure part-way leaves the earlier ones applied, as on WhatsApp). */
  updatePrivacy(settings: PrivacySettings): Promise<void>
  /** The account-level presence (no chat). */
  setPresence(presence: Presence): Promise<void>
}
