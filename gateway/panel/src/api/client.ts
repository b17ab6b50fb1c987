/**
 * The one HTTP client of the panel: every call sends the session token in the `apikey` header, parses
 * JSON, throws ApiFailure on non-2xx whose message is the panel's sentence for the answer (one vocabulary
 * for gateway and proxied Evolution errors: lib/errors.ts), and on any 401 drops the session and returns to the login screen.
 */
import { apiErrorSentence } from '../lib/errors.js'

const TOKEN_KEY = 'taguato_token'
const USER_KEY = 'taguato_user'

export type SessionUser = {
  id: number
  username: string
  role: 'admin' | 'user'
  max_instances: number
  must_change_password: boolean
  email?: string | null
  phone_number?: string | null
  totp_enabled?: boolean
}

export class ApiFailure extends Error {
  constructor(readonly status: number, message: string, readonly body: Record<string, unknown> = {}) {
    super(message)
  }
}

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  user(): SessionUser | null {
    try {
      return JSON.parse(sessionStorage.getItem(USER_KEY) ?? 'null') as SessionUser | null
    } catch {
      return null
    }
  },
  set(token: string, user: SessionUser): void {
    sessionStorage.setItem(TOKEN_KEY, token)
    sessionStorage.setItem(USER_KEY, JSON.stringify(user))
  },
  setUser(user: SessionUser): void {
    sessionStorage.setItem(USER_KEY, JSON.stringify(user))
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY)
    sessionStorage.removeItem(USER_KEY)
  },
}

type UnauthorizedListener = () => void
let onUnauthorized: UnauthorizedListener = () => {}
/** The app registers how a 401 returns to the login screen. */
export function setUnauthorizedHandler(fn: UnauthorizedListener): void {
  onUnauthorized = fn
}

export type Query = Record<string, string | number | boolean | null | undefined>

export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v))
  const s = qs.toString()
  return s ? `${path}?${s}` : path
}

/** Path segment encoding for instance names and other user-chosen ids. */
export const seg = (s: string | number): string => encodeURIComponent(String(s))

async function raw(method: string, path: string, body?: unknown, opts: { auth?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  const token = session.token()
  if (token && opts.auth !== false) headers.apikey = token
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' })
  } catch {
    throw new ApiFailure(0, apiErrorSentence({ status: 0, body: null, path }))
  }
  if (res.status === 401 && token && opts.auth !== false) {
    session.clear()
    onUnauthorized()
  }
  return res
}

async function failure(res: Response, path: string, requestBody?: unknown): Promise<ApiFailure> {
  const text = await res.text().catch(() => '')
  let data: Record<string, unknown> = {}
  try {
    data = JSON.parse(text) as Record<string, unknown>
  } catch {
    /* not JSON */
  }
  const retry = Number(res.headers.get('Retry-After') ?? '')
  const msg = apiErrorSentence({ status: res.status, body: data, retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null, path, requestBody })
  return new ApiFailure(res.status, msg, data)
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { auth?: boolean } = {}): Promise<T> {
  const res = await raw(method, path, body, opts)
  if (!res.ok) throw await failure(res, path, body)
  const text = await res.text()
  if (!text) return {} as T
  try {
    return JSON.parse(text) as T
  } catch {
    throw new ApiFailure(res.status, 'The gateway answered with something that is not JSON')
  }
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
}

/** Fetches a file with the apikey header and saves it as a download. */
export async function downloadBlob(path: string, fallbackName: string): Promise<void> {
  const res = await raw('GET', path)
  if (!res.ok) throw await failure(res, path)
  const cd = res.headers.get('Content-Disposition') ?? ''
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd)
  const name = m?.[1] ? decodeURIComponent(m[1]) : fallbackName
  const blob = await res.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The message to show for any thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

export type Paged<K extends string, T> = { [key in K]: T[] } & { total?: number; page?: number; limit?: number; pages?: number }
