/**
 * @module scripts/deps/dependency-rules.test
 * The structure's rules (.dependency-cruiser.cjs) catch what they claim to: scripts/deps/fixtures/ is a
 * miniature of the repository with one planted violation per rule, next to allowed imports (a route
 * using a service, a type-only Db, webhooks using services/outbound.ts, ...) that must not be reported.
 * Then the real tree, which must have none.
 */
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkDependencies, formatOutcomes, type RuleOutcome } from './check.js'

const FIXTURES = path.join(import.meta.dirname, 'fixtures')

/** Rule -> the fixture modules that break it (and nothing else may). */
const PLANTED: Record<string, string[]> = {
  // A cycle is reported once, from its first module.
  'no-circular': ['gateway/src/services/cycle-a.ts'],
  'gateway-upstream-apart': ['gateway/src/services/uses-upstream.ts'],
  'upstream-gateway-apart': ['upstream/src/services/uses-gateway.ts'],
  'common-is-shared': ['common/src/uses-gateway.ts'],
  'panel-self-contained': ['gateway/panel/src/uses-server.ts'],
  'gw-sql-only-in-db': ['gateway/src/routes/uses-sql-client.ts', 'gateway/src/services/uses-postgres.ts'],
  'gw-entries-on-top': ['gateway/src/services/uses-app.ts'],
  'gw-routes-on-top': ['gateway/src/services/uses-route.ts', 'gateway/src/workers/uses-route.ts'],
  'gw-middleware-under-routes': ['gateway/src/services/uses-middleware.ts'],
  'gw-workers-on-top': ['gateway/src/middleware/uses-job.ts', 'gateway/src/services/uses-job.ts'],
  'gw-db-imports-only-db': ['gateway/src/db/queries/uses-env.ts'],
  'gw-lib-is-a-leaf': ['gateway/src/lib/uses-service.ts'],
  'gw-errors-is-a-leaf': ['gateway/src/errors/uses-lib.ts'],
  'up-postgres-only-in-db': ['upstream/src/driver/uses-postgres.ts'],
  'up-entries-on-top': ['upstream/src/services/uses-app.ts'],
  'up-routes-on-top': ['upstream/src/services/uses-route.ts'],
  'up-middleware-under-routes': ['upstream/src/services/uses-middleware.ts'],
  'up-middleware-below-services': ['upstream/src/middleware/uses-service.ts'],
  'up-driver-below-services': ['upstream/src/driver/uses-service.ts'],
  'up-webhooks-below-services': ['upstream/src/webhooks/uses-driver.ts'],
  'up-db-imports-only-lib': ['upstream/src/db/uses-driver.ts'],
  'up-faults-imports-only-lib': ['upstream/src/faults/uses-db.ts'],
  'up-lib-is-a-leaf': ['upstream/src/lib/uses-db.ts'],
}

const offenders = (o: RuleOutcome): string[] => [...new Set(o.violations.map((v) => v.from))].sort()

describe('dependency rules on planted violations', () => {
  let outcomes: RuleOutcome[]
  beforeAll(async () => {
    outcomes = await checkDependencies(['gateway', 'upstream', 'common'], FIXTURES)
  })

  it('has a planted violation for every rule of the config', () => {
    expect(outcomes.map((o) => o.rule).sort()).toEqual(Object.keys(PLANTED).sort())
  })

  it.each(Object.entries(PLANTED))('%s reports exactly its planted violations', (rule, files) => {
    const outcome = outcomes.find((o) => o.rule === rule)
    expect(outcome, `rule ${rule} missing from the config`).toBeDefined()
    expect(offenders(outcome!)).toEqual([...files].sort())
  })
})

describe('the real tree', () => {
  it('breaks none of the rules', async () => {
    const outcomes = await checkDependencies()
    const failing = outcomes.filter((o) => o.violations.length > 0)
    expect(failing.map((o) => o.rule), formatOutcomes(failing)).toEqual([])
  })
})
