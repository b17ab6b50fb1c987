/**
 * @module scripts/docs/config-table.test
 * The configuration reference cannot drift: docs/configuration.md must equal what the generator makes
 * from the schemas, every key must carry a `/** *\/` comment, and every variable a script or the compose
 * file reads must be listed somewhere.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { INTERNAL_VARIABLES } from '../lib/launcher-variables.js'
import { REPO_ROOT } from '../lib/paths.js'
import { CONFIG_DOC, docComments, expectedDocument, REGENERATE, SECTIONS, sectionRows, spliceBlock, undocumented } from './config-table.js'

const documented = new Set(SECTIONS.flatMap((s) => Object.keys(s.entries)))

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(full)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : []
  })
}

describe('configuration reference (docs/configuration.md)', () => {
  it('every config key has a /** */ comment (its documentation)', () => {
    expect(undocumented(), 'add a /** ... */ comment above each listed key, then run ' + REGENERATE).toEqual([])
  })

  it(`matches the schemas (regenerate with \`${REGENERATE}\`)`, () => {
    const { current, expected } = expectedDocument()
    expect(current === expected, `${CONFIG_DOC} is out of date with the config schemas: run \`${REGENERATE}\` and commit the result`).toBe(true)
  })

  it('lists every variable the scripts read from process.env', () => {
    const internal = new Set<string>(INTERNAL_VARIABLES)
    const read = new Set<string>()
    for (const file of sourceFiles(path.join(REPO_ROOT, 'scripts'))) {
      const text = fs.readFileSync(file, 'utf8')
      for (const m of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) read.add(m[1] ?? m[2] ?? '')
    }
    const missing = [...read].filter((k) => !documented.has(k) && !internal.has(k)).sort()
    expect(missing, `document these in scripts/lib/launcher-variables.ts (or mark them internal there), then run ${REGENERATE}`).toEqual([])
  })

  it('lists every variable docker-compose.yml interpolates', () => {
    const compose = fs
      .readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n')
    // `$${X}` is the container shell's, not compose's.
    const used = new Set([...compose.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? ''))
    const missing = [...used].filter((k) => !documented.has(k)).sort()
    expect(missing, `document these in COMPOSE_VARIABLES (scripts/lib/launcher-variables.ts), then run ${REGENERATE}`).toEqual([])
  })
})

describe('the generator', () => {
  it('reads multi-line doc comments and leaves keys without one undocumented', () => {
    const source = `export const S = v.object({
      /**
       * First line,
       * second | line.
       */
      A: str('x'),
      // a line comment is not documentation
      B: int(1),
      /** C's doc. */ C: bool(true),
    })`
    const docs = docComments(source, 'S')
    expect(docs.get('A')).toBe('First line, second | line.')
    expect(docs.get('B')).toBeUndefined()
    expect(docs.get('C')).toBe("C's doc.")
  })

  it('takes defaults from the schemas and marks required keys', () => {
    const gateway = sectionRows(SECTIONS[0]!)
    expect(gateway.find((r) => r.key === 'GATEWAY_PORT')?.defaultValue).toBe('8080')
    expect(gateway.find((r) => r.key === 'AUTHENTICATION_API_KEY')?.defaultValue).toBeUndefined()
    expect(gateway.find((r) => r.key === 'LOG_LEVEL')?.defaultValue).toBe('info')
  })

  it('is deterministic and only touches the text between the markers', () => {
    const { expected } = expectedDocument()
    const before = 'intro\n<!-- config:start -->\nstale\n<!-- config:end -->\noutro\n'
    const once = spliceBlock(before, 'TABLE')
    expect(once).toBe('intro\nTABLE\noutro\n')
    const block = expected.slice(expected.indexOf('<!-- config:start'), expected.indexOf('<!-- config:end -->') + '<!-- config:end -->'.length)
    expect(spliceBlock(expected, block)).toBe(expected)
  })

  it('covers the upstream schema', () => {
    expect(sectionRows(SECTIONS[1]!).find((r) => r.key === 'UPSTREAM_DRIVER')?.defaultValue).toBe('sandbox')
  })
})
