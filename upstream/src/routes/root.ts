/**
 * @module upstream/routes/root
 * GET / — Evolution's welcome JSON, answered instantly (the gateway's health checks time out at 3 s).
 */
import { Hono } from 'hono'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'

export const EVOLUTION_VERSION = '2.3.7'

export function rootRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  r.get('/', (c) => {
    const host = c.req.header('host') ?? 'localhost'
    return c.json({
      status: 200,
      message: 'Welcome to the Evolution API, it is working!',
      version: EVOLUTION_VERSION,
      clientName: deps.config.DATABASE_CONNECTION_CLIENT_NAME,
      manager: `http://${host}/manager`,
      documentation: 'https://doc.evolution-api.com',
      whatsappWebVersion: '2.3000.1023204200',
    })
  })
  return r
}
