/**
 * @module scripts/docs/panel-types
 * Generates the panel's request-body types (gateway/panel/src/api/generated-types.ts) from the OpenAPI
 * document the gateway serves, which is itself converted from the valibot schemas its routes (and the
 * upstream's) validate with: so the panel cannot send a shape the server no longer accepts without a type
 * error. The document is built in-process exactly as GET /api/openapi.json builds it (createApp with
 * throwaway deps: nothing is queried, and the unreachable database and Redis are never needed), each
 * body's JSON Schema becomes a TypeScript type, and the file holds types only: the panel imports nothing
 * from the server at run time.
 *   npm run docs:panel-types            rewrite the file
 *   npm run docs:panel-types -- --check exit 1 when the file is out of date
 * scripts/docs/panel-types.test.ts runs the check (and type-checks the panel against it) in npm test.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createApp } from '../../gateway/src/app.js'
import { loadConfig } from '../../gateway/src/config.js'
import { buildDeps } from '../../gateway/src/deps.js'
import { createLogger } from '../../gateway/src/lib/logger.js'
import { REPO_ROOT } from '../lib/paths.js'

export const PANEL_TYPES = 'gateway/panel/src/api/generated-types.ts'
export const REGENERATE = 'npm run docs:panel-types'

/** The subset of JSON Schema (draft 2020-12) that @valibot/to-json-schema writes. */
export type Schema = {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  not?: Schema
  items?: Schema | boolean
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: Schema | boolean
  description?: string
  default?: unknown
  $ref?: string
}

type Operation = { summary?: string; requestBody?: { content?: Record<string, { schema?: Schema }> } }
export type OpenApiDoc = { paths: Record<string, Record<string, Operation>> }

/** GET /api/openapi.json of a gateway built in-process; no request reaches PostgreSQL or Redis. */
export async function openApiDocument(): Promise<OpenApiDoc> {
  const config = loadConfig({
    AUTHENTICATION_API_KEY: 'panel-types-generator-key-0123456789',
    // Never contacted: building the routes and the document queries nothing.
    DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    REDIS_URL: 'redis://127.0.0.1:1',
    LOG_LEVEL: 'silent',
  })
  const deps = buildDeps(config, createLogger('silent'))
  try {
    const res = await createApp(deps).app.request('/api/openapi.json')
    if (res.status !== 200) throw new Error(`GET /api/openapi.json: HTTP ${res.status}`)
    return (await res.json()) as OpenApiDoc
  } finally {
    await deps.close()
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/
const key = (k: string) => (IDENTIFIER.test(k) ? k : JSON.stringify(k))
const literal = (x: unknown) => JSON.stringify(x)
/** Members of a union, written as one type; `(...)` around it where it sits inside `[]` or `&`. */
const union = (parts: string[]) => [...new Set(parts)]
const joined = (parts: string[]) => parts.join(' | ')
const grouped = (parts: string[]) => (parts.length > 1 ? `(${joined(parts)})` : joined(parts))

function docComment(s: Schema, indent: string): string[] {
  const lines = [s.description, s.default !== undefined ? `Default: ${literal(s.default)}` : undefined].filter((x): x is string => !!x)
  return lines.length ? [`${indent}/** ${lines.join('. ')} */`] : []
}

function objectType(s: Schema, indent: string): string {
  const inner = `${indent}  `
  const required = new Set(s.required ?? [])
  const lines: string[] = []
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    lines.push(...docComment(prop, inner), `${inner}${key(name)}${required.has(name) ? '' : '?'}: ${tsType(prop, inner)}`)
  }
  const extra = s.additionalProperties
  const rest = extra === undefined || extra === false ? undefined : extra === true ? 'unknown' : tsType(extra, inner)
  if (lines.length === 0) return `Record<string, ${rest ?? 'never'}>`
  if (rest) lines.push(`${inner}[key: string]: ${rest}`)
  return `{\n${lines.join('\n')}\n${indent}}`
}

function byType(type: string, s: Schema, indent: string): string {
  switch (type) {
    case 'string':
    case 'boolean':
    case 'null':
    case 'number':
      return type
    case 'integer':
      return 'number'
    case 'array':
      return `${grouped(s.items === undefined ? ['unknown'] : members(s.items, indent))}[]`
    case 'object':
      return objectType(s, indent)
    default:
      throw new Error(`JSON Schema type ${type} has no TypeScript counterpart here`)
  }
}

/** The members of the union type accepting what the JSON Schema accepts (as far as TypeScript can say it). */
function members(s: Schema | boolean, indent: string): string[] {
  if (s === true) return ['unknown']
  if (s === false) return ['never']
  if (s.$ref) throw new Error(`$ref ${s.$ref}: the document inlines every schema, so a reference is unexpected`)
  if (s.not && Object.keys(s.not).length === 0) return ['never']
  if (s.const !== undefined) return [literal(s.const)]
  if (s.enum) return union(s.enum.map(literal))
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) return union(alternatives.flatMap((x) => members(x, indent)))
  if (s.allOf) {
    // The schema's own keywords and each allOf member all apply; members saying nothing TS can say
    // (a bare `pattern`) drop out.
    const { allOf, ...own } = s
    const parts = [own, ...allOf].map((x) => members(x, indent)).filter((m) => !(m.length === 1 && m[0] === 'unknown'))
    if (parts.length <= 1) return parts[0] ?? ['unknown']
    return [parts.map(grouped).join(' & ')]
  }
  const types = typeof s.type === 'string' ? [s.type] : (s.type ?? (s.properties ? ['object'] : []))
  return types.length ? union(types.map((t) => byType(t, s, indent))) : ['unknown']
}

export const tsType = (s: Schema | boolean, indent = ''): string => joined(members(s, indent))

/** Routes documented without a schema of their own (upstream routes the gateway does not describe). */
const isOpenFallback = (s: Schema) => s.type === 'object' && s.additionalProperties === true && !s.properties

export function renderTypes(doc: OpenApiDoc): string {
  const entries: string[] = []
  for (const [p, item] of Object.entries(doc.paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const [method, op] of Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const schema = op.requestBody?.content?.['application/json']?.schema
      if (!schema || isOpenFallback(schema)) continue
      if (op.summary) entries.push(`  /** ${op.summary.replace(/\*\//g, '*\\/')} */`)
      entries.push(`  ${literal(`${method.toUpperCase()} ${p}`)}: ${tsType(schema, '  ')}`)
    }
  }
  return `/**
 * GENERATED by \`${REGENERATE}\` (scripts/docs/panel-types.ts) from GET /api/openapi.json, i.e. from the
 * valibot schemas the gateway's routes and the upstream validate request bodies with. Do not edit: change
 * the schema and regenerate (npm test fails while this file is out of date). Types only, so the panel
 * imports nothing from the server at run time.
 */

/** The JSON body each route accepts, as the client sends it (before defaults), keyed by \`METHOD /path\`. */
export type RequestBodies = {
${entries.join('\n')}
}

export type RequestBody<K extends keyof RequestBodies> = RequestBodies[K]
`
}

/** The file as it is and as it should be. */
export async function expectedFile(root = REPO_ROOT): Promise<{ current: string | null; expected: string }> {
  const file = path.join(root, PANEL_TYPES)
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null
  return { current, expected: renderTypes(await openApiDocument()) }
}

async function main(): Promise<void> {
  const { current, expected } = await expectedFile()
  if (process.argv.includes('--check')) {
    if (current !== expected) {
      console.error(`${PANEL_TYPES} is out of date with the route schemas: run \`${REGENERATE}\``)
      process.exit(1)
    }
    console.log(`${PANEL_TYPES} is up to date`)
    return
  }
  if (current !== expected) fs.writeFileSync(path.join(REPO_ROOT, PANEL_TYPES), expected)
  console.log(current === expected ? `${PANEL_TYPES} already up to date` : `${PANEL_TYPES} rewritten`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
