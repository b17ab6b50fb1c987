/** The app shell: navigation (a sidebar; a top bar with a menu button on narrow screens), theme, logout, routes. */
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { SessionUser } from '../api/client.js'
import { Logo } from '../components/logo.js'
import { match, navigate, useRoute } from '../router/index.js'
import { ROUTES, type RouteEntry } from './routes.js'

const NAV: { section: string; admin: boolean; items: { path: string; label: string }[] }[] = [
  {
    section: 'Workspace',
    admin: false,
    items: [
      { path: '/dashboard', label: 'My dashboard' },
      { path: '/instances', label: 'Instances' },
      { path: '/messages', label: 'Messages' },
      { path: '/templates', label: 'Templates' },
      { path: '/contacts', label: 'Contacts' },
      { path: '/history', label: 'History' },
      { path: '/scheduled', label: 'Scheduled' },
      { path: '/webhooks', label: 'Webhooks' },
    ],
  },
  {
    section: 'Account',
    admin: false,
    items: [
      { path: '/sessions', label: 'Sessions' },
      { path: '/security', label: 'Security' },
      { path: '/docs', label: 'API docs' },
    ],
  },
  {
    section: 'Operations',
    admin: true,
    items: [
      { path: '/admin/dashboard', label: 'Dashboard' },
      { path: '/admin/users', label: 'Users' },
      { path: '/admin/instances', label: 'Instance access' },
      { path: '/admin/sessions', label: 'All sessions' },
      { path: '/admin/incidents', label: 'Incidents' },
      { path: '/admin/maintenance', label: 'Maintenance' },
      { path: '/admin/audit', label: 'Audit log' },
      { path: '/admin/backups', label: 'Backups' },
      { path: '/admin/health', label: 'System health' },
    ],
  },
]

function resolve(path: string): { entry: RouteEntry; params: Record<string, string> } | null {
  for (const entry of ROUTES) {
    const params = match(entry.path, path)
    if (params) return { entry, params }
  }
  return null
}

function NotAllowed() {
  return (
    <section class="card not-allowed" data-testid="not-allowed">
      <h1>Not allowed</h1>
      <p>This screen is for operators only.</p>
      <a href="#/dashboard">Go to my dashboard</a>
    </section>
  )
}

export function Shell(props: { user: SessionUser; onLogout: () => void }) {
  const path = useRoute()
  const isAdmin = props.user.role === 'admin'
  const [menuOpen, setMenuOpen] = useState(false)
  const [dark, setDark] = useState(document.documentElement.dataset.theme === 'dark')

  useEffect(() => {
    if (path === '/' || path === '') navigate(isAdmin ? '/admin/dashboard' : '/dashboard')
    setMenuOpen(false)
    window.scrollTo(0, 0)
  }, [path])

  const toggleTheme = () => {
    const next = !dark
    setDark(next)
    if (next) document.documentElement.dataset.theme = 'dark'
    else delete document.documentElement.dataset.theme
    localStorage.setItem('taguato_theme', next ? 'dark' : 'light')
  }

  const found = resolve(path)
  let body: ComponentChildren
  if (path.startsWith('/admin/') && !isAdmin) body = <NotAllowed />
  else if (!found) body = path === '/' ? null : <section class="card"><h1>Not found</h1><p>No screen at {path}.</p></section>
  else body = <found.entry.screen params={found.params} user={props.user} key={path} />

  return (
    <div class={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="topbar">
        <button type="button" class="btn btn-icon menu-btn" aria-label="Menu" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
          ☰
        </button>
        <span class="brand">
          <Logo size={26} /> TAGUATO-SEND
        </span>
      </header>
      <aside class="sidebar" aria-label="Navigation">
        <div class="sidebar-brand">
          <Logo size={32} />
          <div>
            <strong>TAGUATO-SEND</strong>
            <small data-testid="whoami">
              {props.user.username} · {props.user.role}
            </small>
          </div>
        </div>
        <nav>
          {NAV.filter((g) => !g.admin || isAdmin).map((g) => (
            <div class="nav-group" key={g.section}>
              <p class="nav-title">{g.section}</p>
              {g.items.map((i) => (
                <a key={i.path} href={`#${i.path}`} class={`nav-link${path === i.path || path.startsWith(`${i.path}/`) ? ' active' : ''}`} aria-current={path === i.path ? 'page' : undefined}>
                  {i.label}
                </a>
              ))}
            </div>
          ))}
        </nav>
        <div class="sidebar-foot">
          <button type="button" class="btn btn-ghost" onClick={toggleTheme} aria-pressed={dark}>
            {dark ? '☀ Light mode' : '☾ Dark mode'}
          </button>
          <button type="button" class="btn btn-ghost" onClick={props.onLogout} data-testid="logout">
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" class="content" tabIndex={-1}>
        {body}
      </main>
    </div>
  )
}
