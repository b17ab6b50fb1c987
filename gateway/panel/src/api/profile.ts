/**
 * An instance's own WhatsApp profile and privacy settings, through the gateway's proxy to the upstream's
 * Evolution v2 `/chat/*` routes: fetchProfile, updateProfileName, updateProfileStatus (the "about"
 * text), updateProfilePicture, removeProfilePicture (a DELETE with a JSON body), fetchPrivacySettings
 * and updatePrivacySettings (all six keys required). Request bodies are the upstream's schemas
 * (generated-types.ts); answers are typed by hand from the Evolution v2 contract, optional where
 * Evolution may leave a field out.
 */
import { api, request, seg } from './client.js'
import type { RequestBody } from './generated-types.js'

/** fetchProfile's answer. Without `number` it describes the instance: `status` is then its connection state. */
export type ProfileAnswer = {
  wuid?: string | null
  name?: string | null
  numberExists?: boolean
  picture?: string | null
  status?: string | null
  isBusiness?: boolean
}

export type PrivacySettings = RequestBody<'POST /chat/updatePrivacySettings/{instance}'>
export type Audience = PrivacySettings['profile']

const AUDIENCE: readonly Audience[] = ['all', 'contacts', 'contact_blacklist', 'none']

/** Each privacy key with its label and the values Evolution accepts for it, in the form's order. */
export const PRIVACY_FIELDS: readonly { key: keyof PrivacySettings; label: string; values: readonly string[] }[] = [
  { key: 'readreceipts', label: 'Read receipts', values: ['all', 'none'] },
  { key: 'profile', label: 'Profile photo', values: AUDIENCE },
  { key: 'status', label: 'Status updates', values: AUDIENCE },
  { key: 'online', label: 'Online', values: ['all', 'match_last_seen'] },
  { key: 'last', label: 'Last seen', values: AUDIENCE },
  { key: 'groupadd', label: 'Who can add me to groups', values: AUDIENCE },
]

const chat = (action: string, instance: string) => `/chat/${action}/${seg(instance)}`
type Updated = { update?: string }

export const profileApi = {
  /** With `number`, that account's profile (the own number gives the "about" text); without, the instance. */
  fetch: (instance: string, number?: string) =>
    api.post<ProfileAnswer>(chat('fetchProfile', instance), (number ? { number } : {}) satisfies RequestBody<'POST /chat/fetchProfile/{instance}'>),
  updateName: (instance: string, name: string) => api.post<Updated>(chat('updateProfileName', instance), { name } satisfies RequestBody<'POST /chat/updateProfileName/{instance}'>),
  updateStatus: (instance: string, status: string) =>
    api.post<Updated>(chat('updateProfileStatus', instance), { status } satisfies RequestBody<'POST /chat/updateProfileStatus/{instance}'>),
  /** `picture`: a URL or raw base64 (no data: prefix). */
  updatePicture: (instance: string, picture: string) =>
    api.post<Updated>(chat('updateProfilePicture', instance), { picture } satisfies RequestBody<'POST /chat/updateProfilePicture/{instance}'>),
  removePicture: (instance: string) => request<Updated>('DELETE', chat('removeProfilePicture', instance), {}),
  privacy: (instance: string) => api.get<Partial<PrivacySettings>>(chat('fetchPrivacySettings', instance)),
  updatePrivacy: (instance: string, body: PrivacySettings) => api.post<{ update?: string; data?: PrivacySettings }>(chat('updatePrivacySettings', instance), body),
}
