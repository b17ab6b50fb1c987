// The whole upstream on the Cloud API driver against the loopback fake Graph API, for the route-level
// Cloud API tests: the fake Graph API (accepting CLOUD_TOKEN), a throwaway database, the upstream pointed
// at the fake's /v21.0, and one WHATSAPP-BUSINESS instance `biz` on CLOUD_PHONE_ID, created (201).
import type { TestDatabase } from '../../../tests/support/db.js'
import { startFakeGraph, type FakeGraph, type FakeGraphOptions } from '../../../tests/support/fake-graph.js'
import { startUpstream, withDb, type Upstream } from './upstream-harness.js'

export const CLOUD_TOKEN = 'EAAG-test-access-token'
export const CLOUD_PHONE_ID = '106540352242922'

export type CloudRigOptions = {
  /** More fake Graph API options (phones, ...); its tokens are [CLOUD_TOKEN]. */
  graph?: Omit<FakeGraphOptions, 'tokens'>
  /** More /instance/create fields for `biz` (e.g. businessId). */
  create?: Record<string, unknown>
}

export type CloudRig = { db: TestDatabase; up: Upstream; graph: FakeGraph; close: () => Promise<void> }

export async function startCloudRig(opts: CloudRigOptions = {}): Promise<CloudRig> {
  const graph = await startFakeGraph({ tokens: [CLOUD_TOKEN], ...opts.graph })
  const db = await withDb()
  const up = await startUpstream(db, { UPSTREAM_DRIVER: 'real', GRAPH_API_URL: `${graph.url}/v21.0`, GRAPH_API_TIMEOUT_MS: '5000' })
  const close = async () => {
    await up.close()
    await db.drop()
    await graph.close()
  }
  const res = await up.req('POST', '/instance/create', {
    body: { instanceName: 'biz', integration: 'WHATSAPP-BUSINESS', token: CLOUD_TOKEN, number: CLOUD_PHONE_ID, ...opts.create },
  })
  if (res.status !== 201) {
    await close()
    throw new Error(`creating biz answered ${res.status}: ${JSON.stringify(res.body)}`)
  }
  return { db, up, graph, close }
}
