/**
 * @module services/webhooks/tokens
 * Capability tokens in the internal receiver URLs: HMAC-SHA256(AUTHENTICATION_API_KEY, instance) for an
 * instance's webhook and HMAC(key, 'global') for the upstream's global webhook. Only the upstream (which
 * already holds the key's trust) is told these URLs; users never see them.
 */
import { createHmac } from 'node:crypto'
import type { Config } from '../../config.js'
import { safeEqual } from '../sessions/tokens.js'

export const receiverToken = (apiKey: string, subject: string): string => createHmac('sha256', apiKey).update(subject).digest('hex')

export const tokenMatches = (apiKey: string, subject: string, given: string): boolean => safeEqual(receiverToken(apiKey, subject), given)

export function internalBase(config: Pick<Config, 'GATEWAY_INTERNAL_URL' | 'GATEWAY_PORT'>): string {
  return (config.GATEWAY_INTERNAL_URL || `http://127.0.0.1:${config.GATEWAY_PORT}`).replace(/\/+$/, '')
}

/** Where the upstream posts the events of one instance. */
export function instanceReceiverUrl(config: Pick<Config, 'GATEWAY_INTERNAL_URL' | 'GATEWAY_PORT' | 'AUTHENTICATION_API_KEY'>, instance: string): string {
  return `${internalBase(config)}/internal/webhooks/${encodeURIComponent(instance)}/${receiverToken(config.AUTHENTICATION_API_KEY, instance)}`
}

/** The upstream's WEBHOOK_GLOBAL_URL for a gateway reachable at `base`. */
export function globalReceiverUrl(base: string, apiKey: string): string {
  return `${base.replace(/\/+$/, '')}/internal/upstream-events/${receiverToken(apiKey, 'global')}`
}
