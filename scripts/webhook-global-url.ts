/**
 * @module scripts/webhook-global-url
 * Prints the URL the upstream's global webhook (WEBHOOK_GLOBAL_URL) must post to so the gateway can
 * track delivery statuses: `<gateway base>/internal/upstream-events/<HMAC(AUTHENTICATION_API_KEY, "global")>`.
 * Usage: AUTHENTICATION_API_KEY=... npx tsx scripts/webhook-global-url.ts [http://gateway:8080]
 * (npm start computes it by itself; this is for docker compose and other deployments.)
 */
import { globalReceiverUrl } from '../gateway/src/services/webhooks/tokens.js'

const key = process.env.AUTHENTICATION_API_KEY
if (!key) {
  process.stderr.write('AUTHENTICATION_API_KEY is not set\n')
  process.exit(1)
}
process.stdout.write(`${globalReceiverUrl(process.argv[2] ?? 'http://gateway:8080', key)}\n`)
