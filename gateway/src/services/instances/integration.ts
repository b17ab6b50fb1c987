/**
 * @module services/instances/integration
 * The driver an instance runs on, as recorded in user_instances.integration at create time. The
 * scheduled sender paces by it (services/scheduled/pacing.ts). Validating the create body is the
 * create route's business; this only maps what was accepted to what is stored.
 */
import { DEFAULT_INTEGRATION } from '../../db/queries/instances.js'

export const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION'] as const

/** `integration` of a POST /instance/create body -> the value stored (absent or unknown: Baileys). */
export function recordedIntegration(value: unknown): string {
  return typeof value === 'string' && (INTEGRATIONS as readonly string[]).includes(value) ? value : DEFAULT_INTEGRATION
}
