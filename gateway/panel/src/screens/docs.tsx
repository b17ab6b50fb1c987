/** API docs: rendered from /api/openapi.json when the gateway has it, else from a static list. */
import { useEffect, useState } from 'preact/hooks'
import { healthApi, type OpenApiDoc, type OpenApiOperation } from '../api/health.js'
import { PageHead } from '../components/page.js'
import { toast } from '../components/toast.js'
import { curlFor, STATIC_DOCS, type DocGroup } from './docs-data.js'
import type { ScreenProps } from './screen-props.js'

const HIDDEN_TAGS = new Set(['panel', 'internal', 'meta'])
const STATIC_BODIES = new Map(STATIC_DOCS.flatMap((g) => g.routes).filter((r) => r.body !== undefined).map((r) => [`${r.method} ${r.path}`, r.body]))

/** An example body from the request schema: the static example when there is one, else placeholders. */
function exampleBody(method: string, path: string, op: OpenApiOperation): unknown {
  const known = STATIC_BODIES.get(`${method} ${path}`)
  if (known !== undefined) return known
  const schema = (op.requestBody as { content?: Record<string, { schema?: { properties?: Record<string, { type?: string }> } }> } | undefined)?.content?.['application/json']?.schema
  if (!schema?.properties) return undefined
  return Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, v.type === 'array' ? [] : v.type === 'number' || v.type === 'integer' ? 0 : v.type === 'boolean' ? false : `<${k}>`]))
}

function fromOpenApi(doc: OpenApiDoc, isAdmin: boolean): DocGroup[] {
  const groups = new Map<string, DocGroup>()
  for (const [p, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue
      const tag = op.tags?.[0] ?? 'other'
      if (HIDDEN_TAGS.has(tag)) continue
      const admin = op['x-access'] === 'admin'
      if (admin && !isAdmin) continue
      const name = tag.charAt(0).toUpperCase() + tag.slice(1)
      const path = p.replace(/:(\w+)/g, '{$1}')
      const g = groups.get(name) ?? { name, routes: [] }
      g.routes.push({ method: method.toUpperCase(), path, summary: op.summary ?? '', admin, public: op['x-access'] === 'public', body: exampleBody(method.toUpperCase(), path, op) })
      groups.set(name, g)
    }
  }
  return [...groups.values()].sort((a, b) => Number(a.name.startsWith('Upstream')) - Number(b.name.startsWith('Upstream')) || a.name.localeCompare(b.name))
}

export function DocsScreen(props: ScreenProps) {
  const [groups, setGroups] = useState<DocGroup[]>(STATIC_DOCS)
  const [source, setSource] = useState('built-in list')
  useEffect(() => {
    healthApi.openapi().then(
      (doc) => {
        const g = fromOpenApi(doc, props.user.role === 'admin')
        if (g.length) (setGroups(g), setSource('/api/openapi.json'))
      },
      () => {},
    )
  }, [])
  const origin = location.origin
  return (
    <section>
      <PageHead title="API docs" sub={<>Base URL <code>{origin}</code> · send your session token in the <code>apikey</code> header · source: {source}</>} />
      {groups.map((g) => (
        <details class="card docs-group" key={g.name} open={g === groups[0]}>
          <summary>
            {g.name} <span class="muted small">({g.routes.length})</span>
          </summary>
          {g.routes.map((r) => (
            <details class="doc-route" key={`${r.method} ${r.path}`}>
              <summary>
                <span class={`method method-${r.method.toLowerCase()}`}>{r.method}</span> <code>{r.path}</code> <span class="muted">{r.summary}</span>
                {r.admin && <span class="badge badge-info">admin</span>}
              </summary>
              <div class="code-block">
                <pre>{curlFor(origin, r)}</pre>
                <button type="button" class="btn btn-xs" onClick={() => navigator.clipboard?.writeText(curlFor(origin, r)).then(() => toast.ok('Copied'), toast.err)}>
                  Copy
                </button>
              </div>
            </details>
          ))}
        </details>
      ))}
    </section>
  )
}
