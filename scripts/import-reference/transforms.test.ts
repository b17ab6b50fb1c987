// What the import does to a reference row: sessions kept or skipped, webhooks through the URL rule,
// audit details scrubbed, interrupted scheduled messages resumed, NULLs the reference allowed filled.
import { describe, expect, it } from 'vitest'
import { auditLog, scheduledMessages, sessions, userWebhooks, users, type Ctx } from './transforms.js'

const NOW = new Date('2026-03-01T12:00:00Z')
const ctx = (over: Partial<Ctx> = {}): Ctx => ({
  zone: 'UTC', now: NOW, revokeSessions: false, services: new Map(), integrations: new Map(),
  webhookRefusal: async (url) => (url.includes('127.0.0.1') ? 'webhook_url cannot point to localhost' : null),
  ...over,
})
const hash = 'ab'.repeat(32)

describe('sessions', () => {
  const live = { id: 1, user_id: 2, token_hash: hash, is_active: true, created_at: '2026-03-01T11:00:00', expires_at: '2026-03-02T11:00:00' }

  it('keeps a live session with its token hash as it is', async () => {
    const o = await sessions(live, ctx())
    expect(o).toMatchObject({ row: { id: 1, token_hash: hash, is_active: true, expires_at: '2026-03-02T11:00:00.000Z' } })
  })

  it('skips revoked, expired, malformed ones, or all with --revoke-sessions', async () => {
    expect(await sessions({ ...live, is_active: false }, ctx())).toEqual({ skip: 'revoked or expired in the reference (nothing to keep)' })
    expect(await sessions({ ...live, expires_at: '2026-03-01T11:59:00' }, ctx())).toMatchObject({ skip: expect.stringMatching(/expired/) })
    // No expires_at (before the reference's migration 3): created_at + 24 h.
    expect(await sessions({ ...live, expires_at: null, created_at: '2026-02-27T10:00:00' }, ctx())).toMatchObject({ skip: expect.stringMatching(/expired/) })
    expect(await sessions({ ...live, token_hash: 'x' }, ctx())).toMatchObject({ skip: expect.stringMatching(/SHA-256/) })
    expect(await sessions(live, ctx({ revokeSessions: true }))).toEqual({ skip: '--revoke-sessions: everyone logs in again' })
  })

  it("judges expiry in the reference's zone", async () => {
    // 11:59 in Bogota is 16:59Z: still alive at 12:00Z.
    expect(await sessions({ ...live, expires_at: '2026-03-01T11:59:00' }, ctx({ zone: 'America/Bogota' }))).toHaveProperty('row')
  })
})

describe('webhooks', () => {
  const base = { id: 7, user_id: 2, instance_name: 'shop', webhook_url: 'https://hooks.example.com/x', events: ['MESSAGES_UPSERT'], is_active: true, last_error: null }

  it('an accepted active one is queued for our v2 sync', async () => {
    expect(await userWebhooks(base, ctx())).toMatchObject({ row: { is_active: true, needs_sync: true, retry_count: 0, last_error: null } })
  })

  it('a refused URL is kept, disabled and listed', async () => {
    const o = await userWebhooks({ ...base, webhook_url: 'http://127.0.0.1/x' }, ctx())
    expect(o).toMatchObject({ row: { is_active: false, needs_sync: false, last_error: 'disabled at import: webhook_url cannot point to localhost' } })
    expect('note' in o && o.note).toContain('http://127.0.0.1/x disabled')
  })

  it("enables again one only the reference's failing sync disabled; a user's choice stands", async () => {
    const gaveUp = await userWebhooks({ ...base, is_active: false, last_error: 'status 400 (deactivated after max retries)' }, ctx())
    expect(gaveUp).toMatchObject({ row: { is_active: true, needs_sync: true, last_error: null }, adjusted: expect.stringMatching(/enabled again/) })
    expect(await userWebhooks({ ...base, is_active: false }, ctx())).toMatchObject({ row: { is_active: false, needs_sync: false } })
  })
})

describe('other tables', () => {
  it('audit details lose the secrets the reference stored', () => {
    const o = auditLog({ id: 1, action: 'user_updated', details: { password: 'Secret_1', nested: { api_token: 'abc' }, role: 'user' } }, ctx())
    expect(o).toMatchObject({ row: { details: { password_changed: true, nested: { api_token: '[redacted]' }, role: 'user' } }, adjusted: expect.any(String) })
    expect(auditLog({ id: 2, action: 'user_login', details: null }, ctx())).not.toHaveProperty('adjusted')
  })

  it('a message being sent when the old gateway stopped is pending again; scheduled_at is kept as written', () => {
    const o = scheduledMessages({ id: 3, status: 'processing', scheduled_at: '2026-03-01T09:00:00', recipients: '["1"]' }, ctx())
    expect(o).toMatchObject({ row: { status: 'pending', scheduled_at: '2026-03-01T09:00:00' }, adjusted: expect.stringMatching(/pending again/) })
  })

  it("users: the reference's NULLs get our defaults, bcrypt hashes are kept", () => {
    const o = users({ id: 1, username: 'u', password_hash: '$2a$06$abc', api_token: 't', role: null, is_active: null, totp_enabled: null, created_at: null }, ctx())
    expect(o).toMatchObject({
      row: { role: 'user', is_active: true, totp_enabled: false, password_hash: '$2a$06$abc', created_at: NOW.toISOString(), updated_at: NOW.toISOString() },
      adjusted: expect.stringMatching(/bcrypt/),
    })
  })
})
