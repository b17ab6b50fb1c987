/**
 * @module scripts/docs/decision-links.test
 * The repository explains itself: every decisions.md anchor a file cites exists in docs/decisions.md,
 * every decision and reference behaviour token (D1-D18, R1-R10) has its section, and no tracked file
 * points at a specification outside the repository (a path into the spec folder beside the checkout,
 * or the spec's numbered sections).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../lib/paths.js'

const DECISIONS = path.join(REPO_ROOT, 'docs/decisions.md')
const SELF = 'scripts/docs/decision-links.test.ts'
const TEXT = /\.(ts|tsx|sql|bats|bash|sh|md|yml|css|html)$|Dockerfile$|\.example$/

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
  return out.split('\n').filter((f) => f !== SELF && TEXT.test(f) && fs.existsSync(path.join(REPO_ROOT, f)))
}

const anchors = new Set([...fs.readFileSync(DECISIONS, 'utf8').matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!))

describe('docs/decisions.md is the one place decisions are explained', () => {
  it('has a section for every decision D1-D18 and reference behaviour R1-R10', () => {
    for (let i = 1; i <= 18; i++) expect(anchors, `D${i}`).toContain(`d${i}`)
    for (let i = 1; i <= 10; i++) expect(anchors, `R${i}`).toContain(`r${i}`)
  })

  it('every decisions.md#anchor cited in the repository exists', () => {
    const broken: string[] = []
    for (const f of trackedTextFiles()) {
      const text = fs.readFileSync(path.join(REPO_ROOT, f), 'utf8')
      for (const m of text.matchAll(/decisions\.md#([a-z0-9-]+)/g)) if (!anchors.has(m[1]!)) broken.push(`${f}: #${m[1]}`)
    }
    expect(broken).toEqual([])
  })

  it('no file points at a specification outside the repository', () => {
    const outside: string[] = []
    // Built from parts so this file does not match itself.
    const pattern = new RegExp(['\\.\\./' + 'shared', 'shared/' + 'spec', '(?<!RFC \\d+ )' + '\u00a7'].join('|'))
    for (const f of trackedTextFiles()) {
      if (f === 'docs/decisions.md') continue
      const lines = fs.readFileSync(path.join(REPO_ROOT, f), 'utf8').split('\n')
      lines.forEach((line, i) => {
        if (pattern.test(line)) outside.push(`${f}:${i + 1}: ${line.trim().slice(0, 100)}`)
      })
    }
    expect(outside).toEqual([])
  })
})
