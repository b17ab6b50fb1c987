/**
 * @module common/evolution/profile-bodies
 * The bodies of Evolution v2's profile and privacy routes under /chat (fetchProfile, fetchBusinessProfile,
 * updateProfileName, updateProfileStatus, updateProfilePicture, removeProfilePicture, updatePrivacySettings)
 * and of POST /instance/setPresence, as valibot schemas. The upstream validates with them and renders a
 * failure as Evolution's nested-array 400 (upstream/src/lib/validation.ts); the gateway's OpenAPI document
 * shows the same ones. Where Evolution's schema lets a body through that its service then fails on (a
 * missing `name`, `status` or `picture`), the field is required here, so the caller gets a 400 saying so.
 */
import * as v from 'valibot'
import { PRESENCES } from './request-bodies.js'

/** A number (digits, `+`, spaces) or a JID; optional where the route defaults to the instance's own account. */
const optionalNumber = v.optional(v.pipe(v.string('Invalid format'), v.check((s) => !s.includes('\0'), 'Invalid format'), v.examples(['595981123456'])))

/** A lone UTF-16 surrogate: not text (JSON stores cannot keep it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * `The "<field>" cannot be empty`: Evolution's wording for an empty string. NUL and lone surrogates are refused too:
 * they are not text WhatsApp shows, and they cannot be stored (the name and about text are kept).
 */
const nonEmpty = (field: string) =>
  v.pipe(
    v.string(),
    v.minLength(1, `The "${field}" cannot be empty`),
    v.check((s) => !s.includes('\0'), `The "${field}" cannot contain NUL characters`),
    v.check((s) => !LONE_SURROGATE.test(s), `The "${field}" is not valid Unicode text`),
  )

export const FetchBusinessProfileBody = v.object({ number: optionalNumber })

/** Evolution's schema also lists wuid, name, picture, status and isBusiness; it reads none of them. */
export const FetchProfileBody = v.looseObject({ number: optionalNumber })

export const ProfileNameBody = v.object({ name: nonEmpty('name') })
/** The "about" text (on the Cloud API, the business profile's `about`). */
export const ProfileStatusBody = v.object({ status: nonEmpty('status') })

/** A URL (downloaded through the outbound guard) or base64 image bytes (a `data:` prefix is tolerated). */
export const ProfilePictureUpdateBody = v.object({
  picture: v.pipe(nonEmpty('picture'), v.description('An image URL (http or https) or the image as base64'), v.examples(['https://example.com/me.jpg'])),
})

/** Any object: Evolution validates it against the picture schema and reads nothing. */
export const RemoveProfilePictureBody = v.looseObject({})

const PRIVACY = ['all', 'contacts', 'contact_blacklist', 'none'] as const

/** All six keys are required, as in Evolution. */
export const PrivacySettingsBody = v.object({
  readreceipts: v.picklist(['all', 'none']),
  profile: v.picklist(PRIVACY),
  status: v.picklist(PRIVACY),
  online: v.picklist(['all', 'match_last_seen']),
  last: v.picklist(PRIVACY),
  groupadd: v.picklist(PRIVACY),
})

/** POST /instance/setPresence: the account-level presence (no chat). */
export const SetPresenceBody = v.object({ presence: v.picklist(PRESENCES) })

export type PrivacySettings = v.InferOutput<typeof PrivacySettingsBody>
