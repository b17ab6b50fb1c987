/**
 * @module scripts/docs/panel-types.test
 * The panel's request-body types cannot drift: gateway/panel/src/api/generated-types.ts must equal what
 * the generator makes from the route schemas, and the panel must type-check against it (nothing else
 * type-checks the panel: Vite only strips the types).
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../lib/paths.js'
import { expectedFile, PANEL_TYPES, REGENERATE, renderTypes, tsType } from './panel-types.js'

describe('panel request-body types (gateway/panel/src/api/generated-types.ts)', () => {
  it(`match the route schemas (regenerate with \`${REGENERATE}\`)`, async () => {
    const { current, expected } = await expectedFile()
    expect(current === expected, `${PANEL_TYPES} is out of date with the route schemas: run \`${REGENERATE}\` and commit the result`).toBe(true)
    // The bodies the panel sends are there, with the server's enums.
    expect(expected).toContain(`"POST /admin/incidents": {`)
    expect(expected).toContain(`severity: "minor" | "major" | "critical"`)
    expect(expected).toContain(`"POST /message/sendMedia/{instance}": {`)
  })

  it('the panel type-checks against them', () => {
    const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc')
    let output = ''
    try {
      execFileSync(tsc, ['--noEmit', '-p', 'gateway/panel/tsconfig.json'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: 'pipe' })
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err)
    }
    expect(output, 'the panel no longer type-checks (a body it sends is not what the server accepts?)').toBe('')
  }, 120_000)
})

describe('the generator', () => {
  it('writes a TypeScript type for each JSON Schema shape the converter emits', () => {
    expect(tsType({ type: 'string' })).toBe('string')
    expect(tsType({ type: 'integer', minimum: 1 } as never)).toBe('number')
    expect(tsType({ enum: ['a', 'b'], type: 'string' })).toBe('"a" | "b"')
    expect(tsType({ anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'null' }] })).toBe('number | string | null')
    expect(tsType({ type: 'array', items: { anyOf: [{ type: 'number' }, { type: 'string' }] } })).toBe('(number | string)[]')
    expect(tsType({ type: 'object', additionalProperties: {} })).toBe('Record<string, unknown>')
    expect(tsType({})).toBe('unknown')
    expect(tsType({ not: {} })).toBe('never')
    expect(tsType({ type: 'object', properties: { a: { type: 'string', description: 'Why' }, 'b-c': { type: 'boolean', default: false } }, required: ['a'] })).toBe(
      '{\n  /** Why */\n  a: string\n  /** Default: false */\n  "b-c"?: boolean\n}',
    )
    // & binds tighter than |: a union inside an intersection keeps its parentheses.
    expect(tsType({ allOf: [{ anyOf: [{ type: 'string' }, { type: 'number' }] }, { type: 'boolean' }] })).toBe('(string | number) & boolean')
    // A second regex of a rule is an allOf member: the type stays the schema's own.
    expect(tsType({ type: 'string', allOf: [{ pattern: '[a-z]' } as never] })).toBe('string')
  })

  it('keys bodies by METHOD /path, sorted, and leaves out routes documented without a schema', () => {
    const out = renderTypes({
      paths: {
        '/b': { post: { summary: 'B', requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } } } } } },
        '/a': { put: { requestBody: { content: { 'application/json': { schema: { type: 'object', additionalProperties: true, description: 'open' } } } } } },
        '/c': { get: { summary: 'no body' } },
      },
    })
    expect(out).toContain('  /** B */\n  "POST /b": {\n    x: number\n  }\n')
    expect(out).not.toContain('"PUT /a"')
    expect(out).not.toContain('"GET /c"')
  })
})
