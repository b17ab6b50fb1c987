/**
 * @module common/outbound-guard/url-check
 * Judging a URL before anything is fetched: syntax (http/https, parseable, no user:password@), then
 * where it points, first without DNS (IP literals in every spelling the WHATWG parser accepts, internal
 * names), then with DNS (every answer must pass: one private answer condemns the name, so round-robin
 * tricks fail). The connection itself is checked again at connect time (./lookup, ./client), which is
 * what stops DNS rebinding; these checks exist to give the caller a clear 400 at request time.
 */
import { isIP } from 'node:net'
import { addressRefusal, describeRefusal, type AddressPolicy, type AddressRefusal } from './address-policy.js'
import { isExemptHost, nameRefusal, urlPort, type NameRefusal } from './host-policy.js'
import { systemResolver, type Resolved, type Resolver } from './resolve.js'

export type Refusal = AddressRefusal | NameRefusal | 'scheme' | 'syntax' | 'credentials' | 'unresolved' | 'no-usable-address' | 'redirect'

export type GuardRules = AddressPolicy & {
  /** host or host:port entries exempt from the address rules (tests, operator-configured destinations). */
  allowedHosts: readonly string[]
  resolve?: Resolver | undefined
}

export type UrlVerdict = { ok: true; url: URL; exempt: boolean } | { ok: false; reason: Refusal; message: string }

/** Thrown by the client when a request is refused; `message` is safe to show the caller. */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUNDREFUSED'
  constructor(
    readonly reason: Refusal,
    message: string,
  ) {
    super(message)
    this.name = 'OutboundRefusedError'
  }
}

const refuse = (reason: Refusal, message: string): UrlVerdict => ({ ok: false, reason, message })

/** The message for a refused target, naming the host as the caller wrote it. */
export function targetMessage(host: string, why: AddressRefusal | NameRefusal, via: 'literal' | 'name' | 'dns'): string {
  if (via === 'dns') return `${host} resolves to ${describeRefusal(why as AddressRefusal)}`
  if (via === 'literal') return `${host} is ${describeRefusal(why as AddressRefusal)}`
  const kind = why === 'loopback' ? 'a loopback' : why === 'metadata' ? 'a cloud metadata' : 'an internal'
  return `${host} is ${kind} host name`
}

/** Syntax only: http(s), parseable, no credentials, a host. Says nothing about where it points. */
export function parseOutboundUrl(raw: unknown): UrlVerdict {
  if (typeof raw !== 'string' || raw.trim() === '') return refuse('syntax', 'the URL is empty')
  if (!/^https?:\/\//i.test(raw.trim())) return refuse('scheme', 'the URL must start with http:// or https://')
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return refuse('syntax', 'the URL is not valid')
  }
  if (url.username || url.password) return refuse('credentials', 'the URL must not contain credentials')
  if (url.hostname === '') return refuse('syntax', 'the URL has no host')
  return { ok: true, url, exempt: false }
}

/** Where a parsed URL points, without DNS: IP literals and internal names. */
export function staticTargetRefusal(url: URL, rules: AddressPolicy): { reason: AddressRefusal | NameRefusal; message: string } | null {
  const host = url.hostname
  const literal = host.startsWith('[') || isIP(host) !== 0
  const why = literal ? addressRefusal(host, rules) : nameRefusal(host)
  return why ? { reason: why, message: targetMessage(host, why, literal ? 'literal' : 'name') } : null
}

/** Syntax and the rules that need no DNS; exempt hosts skip the address rules (never the syntax ones). */
export function checkUrlStatic(raw: unknown, rules: GuardRules): UrlVerdict {
  const parsed = parseOutboundUrl(raw)
  if (!parsed.ok) return parsed
  if (isExemptHost(parsed.url.hostname, urlPort(parsed.url), rules.allowedHosts)) return { ...parsed, exempt: true }
  const bad = staticTargetRefusal(parsed.url, rules)
  return bad ? refuse(bad.reason, bad.message) : parsed
}

/** Why a set of DNS answers is unusable, or null. Every answer must pass. */
export function answersRefusal(host: string, answers: Resolved[], rules: AddressPolicy): { reason: Refusal; message: string } | null {
  let usable = 0
  for (const a of answers) {
    const why = addressRefusal(a.address, rules)
    if (why === 'ipv6') continue // not usable here, but not a reason to distrust the name
    if (why) return { reason: why, message: targetMessage(host, why, 'dns') }
    usable++
  }
  if (usable === 0) return { reason: 'no-usable-address', message: `${host} has no public ${rules.allowIPv6 ? '' : 'IPv4 '}address` }
  return null
}

export type TargetOptions = {
  /** A name that does not resolve: refused (default) or accepted (save time: DNS may be down; delivery checks again). */
  unresolved?: 'refuse' | 'accept'
}

/** The full request-time check: static rules, then every DNS answer of a name. */
export async function checkUrl(raw: unknown, rules: GuardRules, opts: TargetOptions = {}): Promise<UrlVerdict> {
  const verdict = checkUrlStatic(raw, rules)
  if (!verdict.ok || verdict.exempt) return verdict
  const host = verdict.url.hostname
  if (host.startsWith('[') || isIP(host) !== 0) return verdict
  let answers: Resolved[]
  try {
    answers = await (rules.resolve ?? systemResolver)(host)
  } catch {
    return opts.unresolved === 'accept' ? verdict : refuse('unresolved', `${host} could not be resolved`)
  }
  const bad = answersRefusal(host, answers, rules)
  return bad ? refuse(bad.reason, bad.message) : verdict
}
