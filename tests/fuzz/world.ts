/**
 * @module tests/fuzz/world
 * The fuzzer's own tenants, made through the API with well-formed requests: the admin (ADMIN_PASSWORD),
 * user A and "other user" B with one connected sandbox instance each and a few rows of every kind, and a
 * victim user the admin routes may edit. Tokens are re-made when a generated logout ends a session.
 */
import crypto from 'node:crypto'
import type { Actor, World } from './requests.js'

export type Env = { gatewayUrl: string; upstreamUrl: string | null; upstreamKey: string | null; adminUser: string; adminPassword: string }

type Json = Record<string, unknown>

async function call(env: Env, method: string, path: string, token: string | null, body?: unknown, base = env.gatewayUrl): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.apikey = token
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  let json: Json = {}
  try {
    json = JSON.parse(text) as Json
  } catch {
    json = { text }
  }
  return { status: res.status, json }
}

async function must(env: Env, method: string, path: string, token: string | null, body?: unknown): Promise<Json> {
  const r = await call(env, method, path, token, body)
  if (r.status >= 300) throw new Error(`setup: ${method} ${path} -> ${r.status} ${JSON.stringify(r.json)}`)
  return r.json
}

const id = (j: Json, key: string): number => Number((j[key] as Json | undefined)?.id)

export class Tenants {
  readonly tokens: Record<Actor, string | null> = { anon: null, bogus: 'f'.repeat(64), user: null, other: null, admin: null }
  private readonly creds: Partial<Record<Actor, [string, string]>> = {}
  constructor(private readonly env: Env) {}

  async login(actor: Actor): Promise<void> {
    const c = this.creds[actor]
    if (!c) return
    const j = await must(this.env, 'POST', '/api/auth/login', null, { username: c[0], password: c[1] })
    this.tokens[actor] = String(j.token)
  }

  private async makeUser(prefix: string, password: string): Promise<{ name: string; id: number }> {
    const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`
    const j = await must(this.env, 'POST', '/admin/users', this.tokens.admin, { username: name, password })
    return { name, id: id(j, 'user') }
  }

  private async ownRows(actor: 'user' | 'other', instance: string, ids: World['ids']): Promise<void> {
    const t = this.tokens[actor]
    const push = (k: string, v: number) => ((ids[k] ??= { user: [], other: [] })[actor].push(v))
    push('templates', id(await must(this.env, 'POST', '/api/templates', t, { name: 'fuzz', content: 'hola {{name}}' }), 'template'))
    const list = id(await must(this.env, 'POST', '/api/contacts', t, { name: 'fuzz list' }), 'list')
    push('contacts', list)
    const items = (await must(this.env, 'POST', `/api/contacts/${list}/items`, t, { items: [{ phone_number: '595981000001', label: 'a' }] })).items as Json[]
    push('items', Number(items[0]?.id))
    const future = new Date(Date.now() + 30 * 86_400_000).toISOString()
    push('scheduled', id(await must(this.env, 'POST', '/api/scheduled', t, { instance_name: instance, recipients: ['595981000002'], message_content: 'later', scheduled_at: future }), 'message'))
    const hook = await call(this.env, 'POST', '/api/webhooks', t, { instance_name: instance, webhook_url: 'https://93.184.215.14/fuzz-hook', events: ['MESSAGES_UPSERT'] })
    if (hook.status === 201) push('webhooks', id(hook.json, 'webhook'))
    const sessions = (await must(this.env, 'GET', '/api/sessions', t)).sessions as Json[] | undefined
    for (const s of sessions ?? []) push('sessions', Number(s.id))
  }

  async setUp(): Promise<World> {
    this.creds.admin = [this.env.adminUser, this.env.adminPassword]
    await this.login('admin')
    const password = `Fuzz_${crypto.randomBytes(6).toString('hex')}_9`
    const a = await this.makeUser('fuzz_a', password)
    const b = await this.makeUser('fuzz_b', password)
    const victim = await this.makeUser('fuzz_victim', password)
    this.creds.user = [a.name, password]
    this.creds.other = [b.name, password]
    await this.login('user')
    await this.login('other')
    const me = await must(this.env, 'GET', '/api/auth/me', this.tokens.admin)
    const world: World = {
      instances: { user: `fuzz_ia_${a.id}`, other: `fuzz_ib_${b.id}` },
      users: { user: a.id, other: b.id, admin: id(me, 'user'), victim: victim.id },
      ids: {},
    }
    for (const actor of ['user', 'other'] as const) {
      const inst = world.instances[actor]
      await must(this.env, 'POST', '/instance/create', this.tokens[actor], { instanceName: inst, integration: 'WHATSAPP-BAILEYS' })
      await call(this.env, 'GET', `/instance/connect/${inst}`, this.tokens[actor])
      if (this.env.upstreamUrl && this.env.upstreamKey) await call(this.env, 'POST', `/sandbox/instances/${inst}/scan`, this.env.upstreamKey, undefined, this.env.upstreamUrl)
      await this.ownRows(actor, inst, world.ids)
    }
    const incident = await must(this.env, 'POST', '/admin/incidents', this.tokens.admin, { title: 'fuzz', severity: 'minor', message: 'fuzz incident', service_ids: [1] })
    const start = new Date(Date.now() + 86_400_000)
    const maintenance = await must(this.env, 'POST', '/admin/maintenance', this.tokens.admin, {
      title: 'fuzz', scheduled_start: start.toISOString(), scheduled_end: new Date(start.getTime() + 3_600_000).toISOString(),
    })
    world.ids.incidents = { user: [id(incident, 'incident')], other: [] }
    world.ids.maintenance = { user: [id(maintenance, 'maintenance')], other: [] }
    return world
  }

  /** After a generated request that may have ended a session: log in again whoever lost theirs. */
  async revive(): Promise<boolean> {
    let any = false
    for (const actor of ['user', 'other', 'admin'] as const) {
      const r = await call(this.env, 'GET', '/api/auth/me', this.tokens[actor])
      if (r.status === 401) {
        await this.login(actor)
        any = true
      }
    }
    return any
  }
}
