/**
 * @module upstream/lib/jid
 * Evolution's `createJid`: turns what a client typed into a WhatsApp JID (strip `+ ( )` and spaces,
 * groups to `@g.us`, Mexican/Argentinian and Brazilian 9th-digit rules), plus the sandbox's
 * documented existence rule.
 */

/** Mexico (52) and Argentina (54): the mobile "1"/"9" after the country code is dropped. */
function formatMxOrAr(num: string): string {
  const cc = num.slice(0, 2)
  if ((cc === '52' || cc === '54') && num.length === 13) return cc + num.slice(3)
  return num
}

/** Brazil (55): the 9th digit is dropped for DDD >= 31 when the subscriber starts with 7-9. */
function formatBr(num: string): string {
  const m = /^(\d{2})(\d{2})\d(\d{8})$/.exec(num)
  if (!m || m[1] !== '55') return num
  const joker = Number(m[3]![0])
  const ddd = Number(m[2])
  if (joker < 7 || ddd < 31) return m[0]
  return m[1] + m[2] + m[3]
}

/** JID for a number, group id or JID; returns the input untouched when it already is a JID. */
export function createJid(input: string): string {
  let number = input.replace(/:\d+/, '')
  if (/@(g\.us|s\.whatsapp\.net|lid|broadcast)$/.test(number)) return number
  number = number.replace(/[\s+()]/g, '').split(':')[0]!.split('@')[0]!
  if (number.includes('-') && number.length >= 24) return `${number.replace(/[^\d-]/g, '')}@g.us`
  number = number.replace(/\D/g, '')
  if (number.length >= 18) return `${number}@g.us`
  return `${formatBr(formatMxOrAr(number))}@s.whatsapp.net`
}

/** The user part of a JID ("595981123456@s.whatsapp.net" -> "595981123456"). */
export const jidUser = (jid: string): string => jid.split('@')[0]!.split(':')[0]!

export const isGroupJid = (jid: string): boolean => jid.endsWith('@g.us')

/**
 * Sandbox existence rule (documented in upstream/AGENTS.md): a personal number exists on WhatsApp
 * unless its digits end in "0000" or it has fewer than 8 digits; groups always exist.
 */
export function sandboxNumberExists(jid: string): boolean {
  if (isGroupJid(jid) || jid.endsWith('@broadcast')) return true
  const user = jidUser(jid)
  return /^\d{8,}$/.test(user) && !user.endsWith('0000')
}
