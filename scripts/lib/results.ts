/**
 * @module scripts/lib/results
 * Counting test results the same way for every suite: vitest from its JSON report, bats from TAP.
 * Skips count as neither passed nor failed; a suite that crashed counts at least one failure.
 */
import fs from 'node:fs'
import * as v from 'valibot'

export type SuiteResult = { suite: string; passed: number; failed: number; skipped: number; note?: string }

/** The part of vitest's JSON reporter output we use (it is jest-compatible). */
const VitestReport = v.object({
  numPassedTests: v.number(),
  numFailedTests: v.number(),
  numPendingTests: v.optional(v.number(), 0),
  numTodoTests: v.optional(v.number(), 0),
  numFailedTestSuites: v.optional(v.number(), 0),
  success: v.optional(v.boolean(), false),
})

/** Reads a vitest JSON report; `exitCode` catches crashes the report cannot show (or a missing report). */
export function vitestResult(suite: string, reportFile: string, exitCode: number): SuiteResult {
  let parsed: v.InferOutput<typeof VitestReport> | null = null
  try {
    const r = v.safeParse(VitestReport, JSON.parse(fs.readFileSync(reportFile, 'utf8')))
    if (r.success) parsed = r.output
  } catch {
    parsed = null
  }
  if (!parsed) return { suite, passed: 0, failed: 1, skipped: 0, note: `no usable report (exit ${exitCode})` }
  const res: SuiteResult = {
    suite,
    passed: parsed.numPassedTests,
    failed: parsed.numFailedTests,
    skipped: parsed.numPendingTests + parsed.numTodoTests,
  }
  // A file that fails to import has no tests but fails its suite; a non-zero exit with nothing failed
  // is a crash (or an unhandled error vitest reports after the tests).
  if (res.failed === 0 && (exitCode !== 0 || parsed.numFailedTestSuites > 0)) {
    res.failed = Math.max(1, parsed.numFailedTestSuites)
    res.note = parsed.numFailedTestSuites > 0 ? `${parsed.numFailedTestSuites} file(s) failed to run` : `vitest exited ${exitCode}`
  }
  return res
}

/**
 * Counts TAP lines (`ok`, `not ok`, `# skip`). Tests planned but never reported (a setup_file that
 * failed, a crash) count as failures, unless `interrupted` (the user stopped the run on purpose).
 */
export function tapResult(suite: string, tap: string, exitCode: number, interrupted = false): SuiteResult {
  let passed = 0
  let failed = 0
  let skipped = 0
  let plan = -1
  for (const line of tap.split('\n')) {
    const planMatch = /^1\.\.(\d+)/.exec(line)
    if (planMatch) plan = Number(planMatch[1])
    else if (/^not ok\b/.test(line)) failed++
    else if (/^ok\b/.test(line)) {
      if (/#\s*skip\b/i.test(line)) skipped++
      else passed++
    }
  }
  const res: SuiteResult = { suite, passed, failed, skipped }
  const missing = plan >= 0 ? plan - (passed + failed + skipped) : 0
  if (missing > 0 && !interrupted) {
    res.failed += missing
    res.note = `${missing} planned test(s) never reported`
  }
  if (res.failed === 0 && exitCode !== 0) {
    res.failed = 1
    res.note = `bats exited ${exitCode}`
  }
  return res
}

/** True once a TAP stream has reported as many results as its plan announced. */
export function tapComplete(tap: string): boolean {
  const plan = /^1\.\.(\d+)/m.exec(tap)
  if (!plan) return false
  return (tap.match(/^(not )?ok\b/gm)?.length ?? 0) >= Number(plan[1])
}

export function crashed(suite: string, note: string): SuiteResult {
  return { suite, passed: 0, failed: 1, skipped: 0, note }
}
