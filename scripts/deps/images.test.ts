/**
 * @module scripts/deps/images.test
 * Each deployable ships only what it runs. No Docker engine here, so this reads what the images would
 * install: the Dockerfiles' runtime install commands and npm's own view of each workspace's production
 * tree (`npm ls --omit=dev --workspace <name>`), and checks every package imports only what its own
 * manifest declares (so a workspace cannot lean on a neighbour's dependency by hoisting luck).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../lib/paths.js'

type Manifest = { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; workspaces?: string[] }
const manifest = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Manifest

type LsNode = { dependencies?: Record<string, LsNode> }

/** Every package name in a workspace's production dependency tree. */
function productionTree(workspace: string): Set<string> {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--workspace', workspace, '--all', '--json'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const names = new Set<string>()
  const walk = (deps: Record<string, LsNode> | undefined) => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      if (names.has(name)) continue
      names.add(name)
      walk(node.dependencies)
    }
  }
  walk((JSON.parse(out) as LsNode).dependencies)
  return names
}

/** Bare package names imported by the non-test TypeScript under `dir`. */
function importedPackages(dir: string): Set<string> {
  const found = new Set<string>()
  const visit = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name)
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'testing') visit(full)
      } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
        const text = fs.readFileSync(full, 'utf8')
        const specs = [
          // import ... from '…' (over several lines for a { } list) and re-exports: export * / export { } from '…'
          ...text.matchAll(/^(?:import\s|export\s+(?:type\s+)?[*{])(?:[^\n]|\n[\s}])*?\bfrom\s*'([^']+)'/gm),
          ...text.matchAll(/^import\s*'([^']+)'/gm),
          ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
        ].map((m) => m[1]!)
        for (const spec of specs) {
          if (spec.startsWith('node:') || spec.startsWith('.')) continue
          found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!)
        }
      }
    }
  }
  visit(path.join(REPO_ROOT, dir))
  return found
}

describe('workspaces', () => {
  it('the root holds tools only; the three packages hold the runtime dependencies', () => {
    const root = manifest('.')
    expect(root.workspaces).toEqual(['common', 'gateway', 'upstream'])
    expect(root.dependencies ?? {}).toEqual({})
    for (const tool of ['vitest', 'tsx', 'typescript', 'fast-check', 'dotenv', 'bats']) expect(Object.keys(root.devDependencies ?? {})).toContain(tool)
  })

  it.each([
    ['common', 'common/src', []],
    ['gateway', 'gateway/src', []],
    ['upstream', 'upstream/src', []],
    // The panel is bundled by vite at image build time: its packages are the gateway's dev dependencies.
    ['gateway', 'gateway/panel/src', ['dev']],
  ] as const)('%s declares every package %s imports', (pkg, dir, extra) => {
    const m = manifest(pkg)
    const declared = new Set([...Object.keys(m.dependencies ?? {}), ...(extra.length ? Object.keys(m.devDependencies ?? {}) : [])])
    const missing = [...importedPackages(dir)].filter((name) => !declared.has(name))
    expect(missing).toEqual([])
  })
})

describe('images', () => {
  it.each(['gateway', 'upstream'])('the %s image installs only its workspace, without dev dependencies', (svc) => {
    const dockerfile = fs.readFileSync(path.join(REPO_ROOT, svc, 'Dockerfile'), 'utf8')
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
    expect(runtime).toContain(`npm ci --omit=dev --workspace ${svc} `)
    // npm ci needs every workspace manifest to match the lock file.
    for (const w of ['common', 'gateway', 'upstream']) expect(runtime).toContain(`COPY ${w}/package.json ${w}/`)
  })

  it('the gateway image has no Baileys, no Meta/JWT client and no test or script tools', () => {
    const tree = productionTree('gateway')
    for (const absent of ['@whiskeysockets/baileys', 'jose', 'qrcode', 'vitest', 'tsx', 'fast-check', 'dotenv', 'bats', 'playwright-core']) expect(tree, absent).not.toContain(absent)
    for (const present of ['hono', 'argon2', 'ioredis', 'ipaddr.js']) expect(tree, present).toContain(present)
  })

  it('the upstream image has Baileys but none of the gateway-only packages', () => {
    const tree = productionTree('upstream')
    for (const present of ['@whiskeysockets/baileys', 'jose', 'ipaddr.js']) expect(tree, present).toContain(present)
    for (const absent of ['argon2', 'ioredis', 'http-proxy-3', 'nodemailer', 'vitest', 'tsx']) expect(tree, absent).not.toContain(absent)
  })
})
