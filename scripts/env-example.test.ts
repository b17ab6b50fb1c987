/**
 * @module scripts/env-example.test
 * .env.example documents every variable the services read: a variable added to a config schema
 * without a line there fails this test.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigSchema } from '../gateway/src/config.js'
import { UpstreamConfigSchema } from '../upstream/src/config.js'
import { REPO_ROOT } from './lib/paths.js'

const documented = new Set(
  [...fs.readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]),
)

describe('.env.example', () => {
  it('lists every gateway variable', () => {
    expect(Object.keys(ConfigSchema.entries).filter((k) => !documented.has(k))).toEqual([])
  })
  it('lists every upstream variable', () => {
    expect(Object.keys(UpstreamConfigSchema.entries).filter((k) => !documented.has(k))).toEqual([])
  })
})
