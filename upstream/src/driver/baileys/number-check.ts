/**
 * @module upstream/driver/baileys/number-check
 * `checkNumbers` on WhatsApp Web: which JIDs exist, from Baileys' `onWhatsApp` (asked for phone JIDs only).
 */
import { jidUser } from '../../lib/jid.js'

type OnWhatsApp = (phones: string[]) => Promise<{ jid: string; exists: unknown }[] | undefined>

export async function checkNumbers(jids: string[], onWhatsApp: OnWhatsApp): Promise<{ jid: string; exists: boolean }[]> {
  // onWhatsApp answers phone numbers only: groups exist, LIDs cannot be checked (taken as existing).
  const phones = jids.filter((j) => j.endsWith('@s.whatsapp.net'))
  const found = new Set<string>()
  let anyFound = false
  if (phones.length > 0) {
    const res = (await onWhatsApp(phones)) ?? []
    for (const r of res) {
      if (!r.exists) continue
      anyFound = true
      found.add(jidUser(r.jid))
    }
  }
  // One number asked, one found under another form (e.g. a 9th-digit variant): it is that number.
  const single = phones.length === 1 && anyFound
  // onWhatsApp omits numbers that do not exist: every gap is exists:false.
  return jids.map((jid) => ({ jid, exists: jid.endsWith('@s.whatsapp.net') ? single || found.has(jidUser(jid)) : true }))
}
