/**
 * @module scripts/lib/results.test
 * The counting rules of npm test's summary: skips are neither, crashes are failures.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tapComplete, tapResult, vitestResult } from './results.js'

describe('tapResult', () => {
  it('counts ok, not ok and skips', () => {
    const tap = ['1..4', 'ok 1 a', 'not ok 2 b', '# (details)', 'ok 3 c # skip no chromium', 'ok 4 d'].join('\n')
    expect(tapResult('bats', tap, 1)).toEqual({ suite: 'bats', passed: 2, failed: 1, skipped: 1 })
  })
  it('counts tests missing from the plan as failed', () => {
    const r = tapResult('bats', '1..3\nok 1 a\n', 1)
    expect(r.failed).toBe(2)
  })
  it('turns a non-zero exit with no failure into one failure', () => {
    expect(tapResult('bats', '', 2).failed).toBe(1)
  })
  it('a clean run is clean', () => {
    expect(tapResult('bats', '1..1\nok 1 a\n', 0)).toEqual({ suite: 'bats', passed: 1, failed: 0, skipped: 0 })
  })
})

describe('vitestResult', () => {
  const write = (obj: unknown) => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vt-')), 'r.json')
    fs.writeFileSync(f, JSON.stringify(obj))
    return f
  }
  it('reads passed, failed and pending', () => {
    const f = write({ numPassedTests: 5, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1, numFailedTestSuites: 1 })
    expect(vitestResult('vitest', f, 1)).toEqual({ suite: 'vitest', passed: 5, failed: 1, skipped: 3 })
  })
  it('a file that failed to import is a failure', () => {
    const f = write({ numPassedTests: 5, numFailedTests: 0, numFailedTestSuites: 1 })
    expect(vitestResult('vitest', f, 1).failed).toBe(1)
  })
  it('a missing report is a failure', () => {
    expect(vitestResult('vitest', '/nonexistent/report.json', 1).failed).toBe(1)
  })
})

describe('tapComplete', () => {
  it('is true once every planned result is in', () => {
    expect(tapComplete('1..2\nok 1 a\n')).toBe(false)
    expect(tapComplete('1..2\nok 1 a\nnot ok 2 b\n')).toBe(true)
    expect(tapComplete('ok 1 a\n')).toBe(false)
  })
})
