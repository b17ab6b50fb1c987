import { api, request, type SessionUser } from './client.js'
import type { RequestBody } from './generated-types.js'

export type LoginResult = { requires_2fa?: boolean; token?: string; user?: SessionUser }
export type Me = SessionUser & { created_at?: string; totp_enabled?: boolean; instances?: { instance_name: string; created_at: string }[] }

export const authApi = {
  login: (username: string, password: string, totp_code?: string) =>
    request<LoginResult>('POST', '/api/auth/login', (totp_code ? { username, password, totp_code } : { username, password }) satisfies RequestBody<'POST /api/auth/login'>, { auth: false }),
  me: () => api.get<{ user: Me }>('/api/auth/me'),
  changePassword: (current_password: string, new_password: string) =>
    api.post<{ message: string }>('/api/auth/change-password', { current_password, new_password } satisfies RequestBody<'POST /api/auth/change-password'>),
  logout: () => api.post<{ message: string }>('/api/auth/logout'),
  logoutAll: () => api.post<{ message: string }>('/api/auth/logout-all'),
  forgot: (username: string) => request<{ message: string }>('POST', '/api/auth/forgot-password', { username } satisfies RequestBody<'POST /api/auth/forgot-password'>, { auth: false }),
  verifyCode: (username: string, code: string) =>
    request<{ reset_token: string }>('POST', '/api/auth/verify-reset-code', { username, code } satisfies RequestBody<'POST /api/auth/verify-reset-code'>, { auth: false }),
  reset: (reset_token: string, new_password: string) =>
    request<{ message: string }>('POST', '/api/auth/reset-password', { reset_token, new_password } satisfies RequestBody<'POST /api/auth/reset-password'>, { auth: false }),
  setup2fa: () => api.get<{ secret: string; otpauth_uri: string }>('/api/auth/2fa/setup'),
  enable2fa: (secret: string, code: string) => api.post<{ message: string }>('/api/auth/2fa/enable', { secret, code } satisfies RequestBody<'POST /api/auth/2fa/enable'>),
  disable2fa: (code: string, password: string) => api.post<{ message: string }>('/api/auth/2fa/disable', { code, password } satisfies RequestBody<'POST /api/auth/2fa/disable'>),
}
