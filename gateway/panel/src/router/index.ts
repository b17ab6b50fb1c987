/** Hash router: `#/instances`, `#/admin/users`... A tiny store any component can subscribe to. */
import { useEffect, useState } from 'preact/hooks'

export function currentPath(): string {
  const h = location.hash.replace(/^#/, '')
  return h.startsWith('/') ? h : '/'
}

export function navigate(path: string): void {
  if (currentPath() === path) window.dispatchEvent(new HashChangeEvent('hashchange'))
  else location.hash = path
}

export function useRoute(): string {
  const [path, setPath] = useState(currentPath())
  useEffect(() => {
    const on = () => setPath(currentPath())
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return path
}

/** `/instances/abc` against `/instances/:name` -> {name:'abc'} (or null when it does not match). */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/')
  const s = path.split('/')
  if (p.length !== s.length) return null
  const out: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    const a = p[i] ?? ''
    const b = s[i] ?? ''
    if (a.startsWith(':')) out[a.slice(1)] = decodeURIComponent(b)
    else if (a !== b) return null
  }
  return out
}
