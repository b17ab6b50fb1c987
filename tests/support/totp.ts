/**
 * @module tests/support/totp
 * Prints the current TOTP code of a base32 secret (e2e 2FA tests):
 *   node --import tsx tests/support/totp.ts SECRET [OFFSET_STEPS]
 * OFFSET_STEPS shifts the time by that many 30 s steps (e.g. 1 for the next code, -1 for the previous).
 * With `bcrypt PASSWORD` instead, prints a bcrypt hash ($2a$, cost 6) like the reference's pgcrypto.
 */
import bcrypt from 'bcryptjs'
import { PERIOD_SECONDS, totpAt } from '../../gateway/src/services/totp/totp.js'

const [a, b] = process.argv.slice(2)
if (a === 'bcrypt' && b !== undefined) {
  // bcryptjs writes $2b$; pgcrypto wrote $2a$ (same algorithm), so mimic the reference's prefix.
  process.stdout.write(`${bcrypt.hashSync(b, 6).replace(/^\$2b\$/, '$2a$')}\n`)
} else if (a) {
  const offset = Number(b ?? 0)
  process.stdout.write(`${totpAt(a, Date.now() + offset * PERIOD_SECONDS * 1000)}\n`)
} else {
  process.stderr.write('usage: totp.ts SECRET [OFFSET_STEPS] | totp.ts bcrypt PASSWORD\n')
  process.exit(2)
}
