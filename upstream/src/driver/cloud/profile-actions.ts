/**
 * @module upstream/driver/cloud/profile-actions
 * The profile routes on Meta's Cloud API, which offers one thing of theirs: the number's own business profile
 * (GET /{phone_number_id}/whatsapp_business_profile, read by fetchBusinessProfile in Baileys' shape, and its
 * `about` written by updateProfileStatus with POST /{phone_number_id}/whatsapp_business_profile). Another
 * number's profile cannot be read there. Everything else (profile name, picture, privacy, presence, fetchProfile)
 * is Evolution's 400 "Method not available on WhatsApp Business API".
 */
import { badRequest } from '../../lib/errors.js'
import { notAvailable } from '../errors.js'
import type { BusinessProfile, ProfileActions } from '../profile-actions.js'
import type { GraphBusinessProfile, GraphClient } from './graph-client.js'

export type CloudProfileDeps = {
  graph: GraphClient
  /** The phone number id and access token; throws ConnectionClosedError unless the session is open. */
  account: () => { phoneNumberId: string; token: string }
  /** The number's own JID (known once open). */
  self: () => string
}

const user = (jid: string) => jid.split('@')[0]!.split(':')[0]!

/** Meta's profile in Baileys' WABusinessProfile shape (`vertical` is the category, `websites` the website list). */
export function businessProfileJson(wid: string, p: GraphBusinessProfile): BusinessProfile {
  return {
    wid, description: p.description ?? '', email: p.email, website: p.websites ?? [], category: p.vertical, address: p.address,
    about: p.about, profilePictureUrl: p.profile_picture_url,
  }
}

const unavailable = async (): Promise<never> => {
  throw notAvailable()
}

export class CloudProfileActions implements ProfileActions {
  constructor(private readonly d: CloudProfileDeps) {}

  async businessProfile(jid: string): Promise<BusinessProfile | null> {
    const { phoneNumberId, token } = this.d.account()
    if (user(jid) !== user(this.d.self())) throw badRequest('The WhatsApp Cloud API reads only this number\'s own business profile')
    return businessProfileJson(this.d.self(), await this.d.graph.getBusinessProfile(phoneNumberId, token))
  }

  async updateStatus(about: string): Promise<void> {
    const { phoneNumberId, token } = this.d.account()
    await this.d.graph.updateBusinessProfile(phoneNumberId, token, { about })
  }

  // Not offered by Meta: Evolution's NA-400, without a Graph call.
  readonly status = unavailable
  readonly pictureUrl = unavailable
  readonly updateName = unavailable
  readonly updatePicture = unavailable
  readonly removePicture = unavailable
  readonly privacy = unavailable
  readonly updatePrivacy = unavailable
  readonly setPresence = unavailable
}
