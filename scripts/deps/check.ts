/**
 * @module scripts/deps/check
 * The structure's rules (.dependency-cruiser.cjs) run over the source folders with dependency-cruiser's
 * API, reported rule by rule. `npm run lint:deps` runs this file; `npm test` calls `checkDependencies`
 * as its first step (one test per rule); scripts/deps/dependency-rules.test.ts uses `cruiseDependencies`
 * on planted violations.
 *
 *   npm run lint:deps      every rule: `ok <rule>` or `FAIL <rule>` with its violations; exit 1 on any
 *
 * dependency-cruiser stays on 17.x: 18 needs Node 22 and the project runs on Node >= 20.19.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'
import { REPO_ROOT } from '../lib/paths.js'

export const CONFIG_FILE = path.join(REPO_ROOT, '.dependency-cruiser.cjs')
const TS_CONFIG = path.join(REPO_ROOT, 'tsconfig.json')

/** Every folder a rule speaks of (relative to the base directory of the cruise). */
export const SOURCE_DIRS = ['gateway/src', 'gateway/panel', 'upstream/src', 'common/src']

export type RuleOutcome = { rule: string; comment: string; violations: IViolation[] }

async function loadOptions(baseDir: string): Promise<ICruiseOptions> {
  const options = await extractDepcruiseOptions(CONFIG_FILE)
  // Absolute, so a cruise from another base directory (the fixtures) still reads the repository's tsconfig.
  return { ...options, tsConfig: { fileName: TS_CONFIG }, baseDir, validate: true, outputType: 'json' }
}

/** Cruises `dirs` under `baseDir` with the repository's rules; the result lists every violation. */
export async function cruiseDependencies(dirs: string[] = SOURCE_DIRS, baseDir: string = REPO_ROOT): Promise<ICruiseResult> {
  const options = await loadOptions(baseDir)
  const reported = await cruise(dirs, options, {}, { tsConfig: extractTSConfig(TS_CONFIG) })
  return typeof reported.output === 'string' ? (JSON.parse(reported.output) as ICruiseResult) : reported.output
}

/** One outcome per forbidden rule of the config, in its order (a rule with no violation passed). */
export async function checkDependencies(dirs: string[] = SOURCE_DIRS, baseDir: string = REPO_ROOT): Promise<RuleOutcome[]> {
  const result = await cruiseDependencies(dirs, baseDir)
  const rules = result.summary.ruleSetUsed?.forbidden ?? []
  return rules.map((r) => ({
    rule: r.name ?? '(unnamed)',
    comment: r.comment ?? '',
    violations: result.summary.violations.filter((v) => v.rule.name === r.name),
  }))
}

/** `from -> to`, or the whole loop of a cycle. */
export function describeViolation(v: IViolation): string {
  if (v.cycle?.length) return [v.from, ...v.cycle.map((c) => c.name)].join(' -> ')
  return `${v.from} -> ${v.to}`
}

/** Human-readable report: one line per rule, its violations indented under a failing one. */
export function formatOutcomes(outcomes: RuleOutcome[]): string {
  const lines: string[] = []
  for (const o of outcomes) {
    lines.push(`${o.violations.length === 0 ? 'ok  ' : 'FAIL'} ${o.rule}`)
    if (o.violations.length === 0) continue
    lines.push(`       why: ${o.comment}`)
    for (const v of o.violations) lines.push(`       ${describeViolation(v)}`)
  }
  return lines.join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const outcomes = await checkDependencies()
  const failed = outcomes.filter((o) => o.violations.length > 0).length
  process.stdout.write(`${formatOutcomes(outcomes)}\n${outcomes.length - failed} passed, ${failed} failed\n`)
  process.exit(failed > 0 ? 1 : 0)
}
