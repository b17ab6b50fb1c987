/**
 * @module tests/fuzz/openapi-walk
 * Turns GET /api/openapi.json into the list of operations the generator attacks: method, path
 * template, path/query parameters and body fields with their JSON Schemas, and who may call it.
 */

export type Schema = {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  items?: Schema
  properties?: Record<string, Schema>
  required?: string[]
  anyOf?: Schema[]
  oneOf?: Schema[]
  format?: string
  pattern?: string
}

export type Field = { name: string; schema: Schema; required: boolean }

export type Operation = {
  method: string
  /** OpenAPI path template, e.g. /api/templates/{id}. */
  path: string
  pathParams: string[]
  query: Field[]
  /** null: the route documents no JSON body. */
  body: Field[] | null
  access: 'public' | 'session' | 'admin' | 'inline'
  proxied: boolean
}

type RawOperation = {
  'x-access'?: Operation['access']
  'x-proxied'?: boolean
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
}

export type OpenApiDoc = { paths: Record<string, Record<string, RawOperation>> }

const METHODS = new Set(['get', 'post', 'put', 'delete', 'patch'])

function bodyFields(op: RawOperation): Field[] | null {
  const schema = op.requestBody?.content?.['application/json']?.schema
  if (!schema) return null
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, schema: s, required: required.has(name) }))
}

export function operations(doc: OpenApiDoc): Operation[] {
  const out: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!METHODS.has(m)) continue
      const params = op.parameters ?? []
      out.push({
        method: m.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required ?? false })),
        body: bodyFields(op),
        access: op['x-access'] ?? 'public',
        proxied: op['x-proxied'] === true,
      })
    }
  }
  return out
}

/** Fetches and walks the live document. */
export async function fetchOperations(gatewayUrl: string): Promise<Operation[]> {
  const res = await fetch(`${gatewayUrl}/api/openapi.json`)
  if (!res.ok) throw new Error(`GET /api/openapi.json: HTTP ${res.status}`)
  return operations((await res.json()) as OpenApiDoc)
}
