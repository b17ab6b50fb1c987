/**
 * @module scripts/docs/folder-docs.test
 * Every folder of gateway/src and upstream/src (recursively) says what lives there: a README.md, or an
 * `@module` JSDoc opening its index.ts. A new folder without either fails. What a folder may import is
 * not documented there but enforced by .dependency-cruiser.cjs (scripts/deps/).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../lib/paths.js'

const ROOTS = ['gateway/src', 'upstream/src']

function folders(dir: string): string[] {
  const subs = fs
    .readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'node_modules')
    .map((e) => path.posix.join(dir, e.name))
    .sort()
  return [dir, ...subs.flatMap(folders)]
}

/** Whether the file opens (after an optional shebang) with a JSDoc block carrying `@module`. */
function opensWithModuleComment(source: string): boolean {
  const match = /^(?:#![^\n]*\n)?\s*\/\*\*([\s\S]*?)\*\//.exec(source)
  return match !== null && /@module\b/.test(match[1] ?? '')
}

function documented(dir: string): boolean {
  const abs = path.join(REPO_ROOT, dir)
  const readme = path.join(abs, 'README.md')
  if (fs.existsSync(readme) && fs.readFileSync(readme, 'utf8').trim().split('\n').length >= 2) return true
  const index = path.join(abs, 'index.ts')
  return fs.existsSync(index) && opensWithModuleComment(fs.readFileSync(index, 'utf8'))
}

describe('every source folder says what lives there', () => {
  it('has a README.md or an @module comment at the top of its index.ts', () => {
    const missing = ROOTS.flatMap(folders).filter((d) => !documented(d))
    expect(missing, 'add a short README.md (what lives here) or an @module JSDoc at the top of index.ts').toEqual([])
  })

  it('recognises a module comment only at the top of the file', () => {
    expect(opensWithModuleComment('/**\n * @module x\n * What lives here.\n */\nexport {}')).toBe(true)
    expect(opensWithModuleComment('#!/usr/bin/env node\n/** @module x */')).toBe(true)
    expect(opensWithModuleComment('import x from "y"\n/** @module x */')).toBe(false)
    expect(opensWithModuleComment('/** A plain doc comment. */\nexport {}')).toBe(false)
  })
})
