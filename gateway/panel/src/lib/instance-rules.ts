/**
 * The create-instance form's client-side checks, mirroring the gateway's (routes/proxy/instance-create.ts
 * and lib/rules.ts InstanceNameRule), so a typo is caught before a request; the gateway stays the
 * authority. Pure: unit-tested in instance-rules.test.ts.
 */

export const BAILEYS = 'WHATSAPP-BAILEYS'
export const CLOUD_API = 'WHATSAPP-BUSINESS'
export type Integration = typeof BAILEYS | typeof CLOUD_API

/** How the panel names each integration. Anything else (EVOLUTION, an older row) shows as is. */
export function integrationLabel(integration: string | null | undefined): string {
  if (!integration || integration === BAILEYS) return 'WhatsApp Web (Baileys)'
  if (integration === CLOUD_API) return 'WhatsApp Cloud API'
  return integration
}

export type CreateInput = { name: string; integration: Integration; token: string; number: string; businessId: string }
export type CreateBody =
  | { instanceName: string; integration: typeof BAILEYS; qrcode: false }
  | { instanceName: string; integration: typeof CLOUD_API; token: string; number: string; businessId?: string }

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
const noSpaces = (s: string) => s.replace(/\s+/g, '')

/** The body to send, or the first problem in words (the gateway's own wording where it has one). */
export function buildCreateBody(input: CreateInput): { ok: true; body: CreateBody } | { ok: false; field: keyof CreateInput; error: string } {
  const name = input.name.trim()
  const bytes = new TextEncoder().encode(name).length
  if (bytes < 1 || bytes > 100) return { ok: false, field: 'name', error: 'Instance name must be between 1 and 100 characters' }
  if (!NAME.test(name)) return { ok: false, field: 'name', error: 'Instance name: letters, digits, - and _, starting with a letter or digit' }
  // qrcode:false: the connect window asks for the QR (or a pairing code) once the user chose how to link.
  if (input.integration === BAILEYS) return { ok: true, body: { instanceName: name, integration: BAILEYS, qrcode: false } }
  const token = input.token.trim()
  const number = noSpaces(input.number)
  const businessId = noSpaces(input.businessId)
  if (!token) return { ok: false, field: 'token', error: 'The access token is required (a permanent system-user token from Meta)' }
  if (!/^\d{5,20}$/.test(number)) return { ok: false, field: 'number', error: 'The phone number id is 5 to 20 digits (Meta shows it under API Setup); it is not the phone number' }
  if (businessId && !/^\d{1,20}$/.test(businessId)) return { ok: false, field: 'businessId', error: 'The WhatsApp Business Account id is digits only' }
  return { ok: true, body: { instanceName: name, integration: CLOUD_API, token, number, ...(businessId ? { businessId } : {}) } }
}

/**
 * The connect window's pairing number: a phone number with its country code (digits, spaces, `+`,
 * dashes, parentheses). Browsers compile an input's `pattern` with the `v` flag, where `(`, `)` and `-`
 * inside a class must be escaped: an invalid pattern is ignored with a console error.
 */
export const PAIRING_NUMBER_PATTERN = '\\+?[0-9 \\(\\)\\-]{8,20}'
