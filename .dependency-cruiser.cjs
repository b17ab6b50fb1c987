/**
 * The structure's rules, checked on every `npm test` (first step) and by `npm run lint:deps`.
 * Each rule says why it exists; the folder READMEs say what lives where and no longer repeat these.
 * Paths are relative to the repository root. `scripts/deps/dependency-rules.test.ts` plants one
 * violation of each rule under scripts/deps/fixtures/ and checks that it is reported.
 *
 * Type-only imports count unless a rule says otherwise: they are how the old cycles formed
 * (deps.ts <-> env.ts <-> services), and a layer that needs a higher layer's types is coupled to it.
 */
/** @typedef {import('dependency-cruiser').IConfiguration} IConfiguration */

/**
 * Tests may exercise a file with its real collaborators from any layer; nothing imports a test. The
 * upstream's test support (upstream/src/testing/: the in-process harness, the scripted Baileys socket)
 * is exempt the same way: it is imported only by *.test.ts, wires the whole app as a test does, and is
 * left out of the production build (tsconfig.build.json).
 */
const TEST = '(\\.test\\.ts$|^upstream/src/testing/)'
const GW = '^gateway/src/'
const UP = '^upstream/src/'
/** Where npm packages resolve (a leading `../` when a cruise starts below the root, as the fixtures' does). */
const NPM = '(^|/)node_modules/'
/** The gateway's entry files: they assemble the process and may see every layer. */
const GW_ENTRY = `${GW}(app|server|http-server)\\.ts$`
/** The upstream's entry files, likewise. */
const UP_ENTRY = `${UP}(app|server)\\.ts$`

/** @type {IConfiguration} */
module.exports = {
  forbidden: [
    // ---- everywhere ---------------------------------------------------------------------------
    {
      name: 'no-circular',
      comment:
        'A cycle (type-only included) makes load order matter and ties every module in it to all the others: ' +
        'shared types go to a module that imports nothing back (the panel\'s ScreenProps lives in ' +
        'screens/screen-props.ts, not in screens/routes.ts, which imports every screen).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'gateway-upstream-apart',
      comment:
        'The gateway and the upstream are separate deployables that talk over HTTP (the Evolution v2 contract): ' +
        'code both need lives in common/.',
      severity: 'error',
      from: { path: '^gateway/' },
      to: { path: '^upstream/' },
    },
    {
      name: 'upstream-gateway-apart',
      comment: 'See gateway-upstream-apart: the upstream must build and run without the gateway.',
      severity: 'error',
      from: { path: '^upstream/' },
      to: { path: '^gateway/' },
    },
    {
      name: 'common-is-shared',
      comment: 'common/ is imported by both services, so it can depend on neither (common/README.md).',
      severity: 'error',
      from: { path: '^common/' },
      to: { path: '^(gateway|upstream)/' },
    },
    {
      name: 'panel-self-contained',
      comment:
        'The panel is a browser bundle built by vite: server code pulled into it would ship to browsers or ' +
        'break the build. It talks to the gateway over HTTP; its API types live in gateway/panel/src/api/.',
      severity: 'error',
      from: { path: '^gateway/panel/' },
      to: { pathNot: ['^gateway/panel/', NPM], dependencyTypesNot: ['core'] },
    },

    // ---- gateway: routes -> services -> db/queries ----------------------------------------------
    {
      name: 'gw-sql-only-in-db',
      comment:
        'SQL lives in gateway/src/db/queries (gateway/AGENTS.md): only db/ may import the postgres package or ' +
        'db/client.ts for real. Everyone else gets the pool as a `Db`/`Queryable` type and calls query ' +
        'functions. deps.ts builds the pool (createDb) and writes no SQL. (This sees imports, not calls: ' +
        'scripts/deps/sql-placement.test.ts looks for tagged templates outside db/.)',
      severity: 'error',
      from: { path: GW, pathNot: [`${GW}db/`, `${GW}deps\\.ts$`, TEST] },
      to: { path: [`${NPM}postgres/`, `${GW}db/client\\.ts$`], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'gw-entries-on-top',
      comment:
        'app.ts, server.ts and http-server.ts assemble the process; a module below importing them would ' +
        'import the whole gateway (and usually close a cycle).',
      severity: 'error',
      from: { path: GW, pathNot: [GW_ENTRY, TEST] },
      to: { path: GW_ENTRY },
    },
    {
      name: 'gw-routes-on-top',
      comment:
        'Routes are the HTTP edge, mounted by app.ts: services, middleware, workers, lib, db, errors and ' +
        'cluster are used by routes, never the reverse (a service that needs a route\'s data gets it as an ' +
        'argument; a job has no request).',
      severity: 'error',
      from: { path: GW, pathNot: [GW_ENTRY, `${GW}routes/`, TEST] },
      to: { path: `${GW}routes/` },
    },
    {
      name: 'gw-middleware-under-routes',
      comment:
        'Middleware is the Hono pipeline: app.ts orders it and routes attach their guards. Services, ' +
        'workers and the lower layers run outside a request and never import it.',
      severity: 'error',
      from: { path: GW, pathNot: [GW_ENTRY, `${GW}(routes|middleware)/`, TEST] },
      to: { path: `${GW}middleware/` },
    },
    {
      name: 'gw-workers-on-top',
      comment:
        'Jobs sit beside routes, on top of services: only server.ts (registers them), deps.ts (builds the ' +
        'scheduler) and routes (run or nudge a job) import workers/; services and middleware never do.',
      severity: 'error',
      from: { path: GW, pathNot: [GW_ENTRY, `${GW}deps\\.ts$`, `${GW}(routes|workers)/`, TEST] },
      to: { path: `${GW}workers/` },
    },
    {
      name: 'gw-db-imports-only-db',
      comment:
        'db/ is the bottom data layer: it takes plain values and returns rows, so it depends on nothing of ' +
        'the app above it (not even types: the session user type lives in db/queries/users.ts).',
      severity: 'error',
      from: { path: `${GW}db/`, pathNot: TEST },
      to: { path: GW, pathNot: `${GW}db/` },
    },
    {
      name: 'gw-lib-is-a-leaf',
      comment:
        'lib/ holds helpers without business logic that every layer uses, so it imports only node, packages, ' +
        'common/ and itself; plus errors/api-error.ts (the one error type every layer throws, itself a leaf) ' +
        'and env.ts (Hono context types; it exports types only).',
      severity: 'error',
      from: { path: `${GW}lib/`, pathNot: TEST },
      to: { path: GW, pathNot: [`${GW}lib/`, `${GW}errors/api-error\\.ts$`, `${GW}env\\.ts$`] },
    },
    {
      name: 'gw-errors-is-a-leaf',
      comment: 'Every layer throws ApiError and renders errors through errors/: it may only know the Hono context types.',
      severity: 'error',
      from: { path: `${GW}errors/`, pathNot: TEST },
      to: { path: GW, pathNot: [`${GW}errors/`, `${GW}env\\.ts$`] },
    },

    // ---- upstream: routes -> services -> driver / webhooks -> db -> lib --------------------------
    {
      name: 'up-postgres-only-in-db',
      comment:
        'As in the gateway: only upstream/src/db/ (the pool and the queries per table) imports the postgres ' +
        'package for real; everyone else gets `Sql` as a type (db/client.ts isUniqueViolation reads its errors).',
      severity: 'error',
      from: { path: UP, pathNot: [`${UP}db/`, TEST] },
      to: { path: `${NPM}postgres/`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'up-entries-on-top',
      comment: 'app.ts and server.ts assemble the upstream; a module below importing them would import all of it.',
      severity: 'error',
      from: { path: UP, pathNot: [UP_ENTRY, TEST] },
      to: { path: UP_ENTRY },
    },
    {
      name: 'up-routes-on-top',
      comment: 'Routes are the HTTP edge (Evolution\'s resources): only app.ts mounts them; nothing below imports them.',
      severity: 'error',
      from: { path: UP, pathNot: [UP_ENTRY, `${UP}routes/`, TEST] },
      to: { path: `${UP}routes/` },
    },
    {
      name: 'up-middleware-under-routes',
      comment: 'Middleware is the Hono pipeline of app.ts and the routes; services, drivers and the lower layers run outside a request.',
      severity: 'error',
      from: { path: UP, pathNot: [UP_ENTRY, `${UP}(routes|middleware)/`, TEST] },
      to: { path: `${UP}middleware/` },
    },
    {
      name: 'up-middleware-below-services',
      comment: 'Evolution\'s guards read the instance row and the key; they never call the flows in services/ or the drivers.',
      severity: 'error',
      from: { path: `${UP}middleware/`, pathNot: TEST },
      to: { path: [`${UP}services/`, `${UP}driver/`, `${UP}webhooks/`] },
    },
    {
      name: 'up-driver-below-services',
      comment:
        'A driver (sandbox, Baileys, Cloud API) only talks to WhatsApp and reports events; services/ turn ' +
        'those into DB writes and webhooks. A driver calling back up would bypass that translation (and ' +
        'fault injection is an HTTP concern, not a driver\'s).',
      severity: 'error',
      from: { path: `${UP}driver/`, pathNot: TEST },
      to: { path: [`${UP}services/`, `${UP}webhooks/`, `${UP}faults/`] },
    },
    {
      name: 'up-webhooks-below-services',
      comment:
        'Webhook delivery is fed events by services/; it knows nothing of drivers or flows. It may use ' +
        'services/outbound.ts, the upstream\'s entry to the shared outbound guard (a leaf over common/).',
      severity: 'error',
      from: { path: `${UP}webhooks/`, pathNot: TEST },
      to: { path: [`${UP}services/`, `${UP}driver/`], pathNot: `${UP}services/outbound\\.ts$` },
    },
    {
      name: 'up-db-imports-only-lib',
      comment: 'db/ holds the queries per table; it depends on lib/ at most, never on the flows that call it.',
      severity: 'error',
      from: { path: `${UP}db/`, pathNot: TEST },
      to: { path: UP, pathNot: `${UP}(db|lib)/` },
    },
    {
      name: 'up-faults-imports-only-lib',
      comment: 'Fault injection is a test aid wired in app.ts and the sandbox routes; it must not grow into the app.',
      severity: 'error',
      from: { path: `${UP}faults/`, pathNot: TEST },
      to: { path: UP, pathNot: `${UP}(faults|lib)/` },
    },
    {
      name: 'up-lib-is-a-leaf',
      comment: 'lib/ holds leaf helpers (Evolution\'s error envelope, ids, JIDs) used by every layer: it imports nothing of ours.',
      severity: 'error',
      from: { path: `${UP}lib/`, pathNot: TEST },
      to: { path: UP, pathNot: `${UP}lib/` },
    },
  ],
  options: {
    doNotFollow: { path: NPM },
    // The panel's bundle (gateway/public/admin/assets) is build output, not source.
    exclude: { path: ['^gateway/public/', '^dist/'] },
    // Type-only imports are dependencies too (see the header).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
  },
}
