/**
 * @module upstream/driver/baileys/socket-params
 * What a new Baileys socket of one instance is made with: its stored credentials and signal keys, the
 * lookup Baileys uses to re-send a recent message, and the instance's proxy (read at every connect, so a
 * proxy set or changed applies from the next connect or restart: docs/proxy.md). Kept apart from
 * session.ts, which decides when a socket is made and what its events mean.
 */
import type { CacheStore, proto, SignalKeyStore, WAMessageKey } from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import { guardRules, type GuardRules } from '../../../../common/src/outbound-guard/index.js'
import { proxyOf, type ProxySettings } from '../../db/proxies.js'
import { proxyAgent } from '../../lib/proxy-agent.js'
import { PgAuthState } from './auth-state.js'
import type { SocketParams } from './socket-factory.js'

/** The guard's rules for a proxy connection when the driver was given none. */
const NO_EXEMPTIONS = guardRules({ allowIPv6: true, allowedHosts: [] })

/** The stored auth state (loaded once per session, then kept) and the instance's proxy, read now. */
export async function loadConnectInputs(sql: Parameters<typeof PgAuthState.load>[0], instanceId: string, auth: PgAuthState | null, log: Logger) {
  return { auth: auth ?? (await PgAuthState.load(sql, instanceId, log)), proxy: await proxyOf(sql, instanceId) }
}

export function socketParams(o: {
  auth: PgAuthState
  keys: SignalKeyStore
  logger: Logger
  recent: (id: string) => proto.IMessage | undefined
  retryCounter: CacheStore
  proxy: ProxySettings | null
  proxyRules: GuardRules | undefined
}): SocketParams {
  return {
    creds: o.auth.creds,
    keys: o.keys,
    logger: o.logger,
    getMessage: async (key: WAMessageKey) => (key.id ? o.recent(key.id) : undefined),
    msgRetryCounterCache: o.retryCounter,
    ...(o.proxy ? { agent: proxyAgent(o.proxy, o.proxyRules ?? NO_EXEMPTIONS) } : {}),
  }
}
