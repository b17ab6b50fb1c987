/** API docs: rendered from /api/openapi.json when the gateway has it, else from a static list. */
import { useEffect, useState } from 'preact/hooks'
import { healthApi, type OpenApiDoc } from '../api/health.js'
import { PageHead } from '../components/page.js'
import { toast } from '../components/toast.js'
import { curlFor, STATIC_DOCS, type DocGroup } from './docs-data.js'
import type { ScreenProps } from './routes.js'

function fromOpenApi(doc: OpenApiDoc, isAdmin: boolean): DocGroup[] {
  const groups = new Map<string, DocGroup>()
  for (const [p, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue
      const access = op['x-access']
      const admin = access === 'admin' || (op.tags ?? []).includes('admin')
      if (admin && !isAdmin) continue
      if ((op.tags ?? []).includes('panel')) continue
      const name = op.tags?.find((t) => t !== 'admin') ?? 'other'
      const g = groups.get(name) ?? { name, routes: [] }
      g.routes.push({ method: method.toUpperCase(), path: p.replace(/:(\w+)/g, '{$1}'), summary: op.summary ?? '', admin, public: access === 'public' || (Array.isArray(op.security) && op.security.length === 0) })
      groups.set(name, g)
    }
  }
  return [...groups.values()].sort((a, b) => a.name.localeCompare(b.name))
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
