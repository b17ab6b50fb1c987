/**
 * @module services/ssrf
 * The webhook URL check of D3 (docs/decisions.md#d3), run when a webhook is saved and again before each delivery: WHATWG
 * parsing (so 127.1, 0x7f000001, 2130706433 and 0177.0.0.1 are seen as the 127.0.0.1 they are), no
 * userinfo, no IPv6, no internal names, and every DNS answer must be a public IPv4 address. Deliveries
 * then go through the outbound guard's client (services/outbound), which checks the address again at
 * connect time, so a name that re-resolves to a private address (DNS rebinding) is refused there too. WEBHOOK_ALLOWED_HOSTS exempts listed host[:port] (test receivers).
 * Split in two for webhook create, which checks the syntax before ownership and the target after it
 * (`parseWebhookUrl`, `checkUrlTarget`); at save time a name that does not resolve is accepted.
 */
import dns from 'node:dns'
import { isIP } from 'node:net'
import { classifyIP, classifyIPv4, classifyName, isAllowedHost, mappedIPv4, MSG } from './classify.js'

export type Resolved = { address: string; family: number }
export type ResolveAll = (host: string) => Promise<Resolved[]>

export type UrlCheck = { ok: true; url: URL; exempt: boolean } | { ok: false; error: string }

const systemResolve: ResolveAll = (host) => dns.promises.lookup(host, { all: true, verbatim: true })

/**
 * URL syntax only (what webhook create checks before ownership, as the reference does): present, http(s),
 * parseable, no userinfo, a host. Says nothing about where the URL points (`checkUrlTarget`).
 */
export function parseWebhookUrl(raw: unknown, allowedHosts: readonly string[]): UrlCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, error: MSG.required }
  if (!/^https?:\/\//i.test(raw)) return { ok: false, error: MSG.scheme }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, error: MSG.invalid }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: MSG.scheme }
  if (url.username !== '' || url.password !== '') return { ok: false, error: MSG.credentials }
  if (url.hostname === '') return { ok: false, error: MSG.invalid }
  return { ok: true, url, exempt: isAllowedHost(url, allowedHosts) }
}

/** The target rules that need no DNS: literal addresses and internal names. */
function staticTargetError(url: URL): string | null {
  const host = url.hostname
  if (host.startsWith('[')) return classifyIP(host.slice(1, -1)) ?? MSG.ipv6
  if (isIP(host) === 4) return classifyIPv4(host)
  return classifyName(host)
}

/** The checks that need no DNS: syntax, then literal addresses and internal names. */
export function checkUrlSyntax(raw: unknown, allowedHosts: readonly string[]): UrlCheck {
  const parsed = parseWebhookUrl(raw, allowedHosts)
  if (!parsed.ok || parsed.exempt) return parsed
  const why = staticTargetError(parsed.url)
  return why ? { ok: false, error: why } : parsed
}

/** Why a set of DNS answers is unusable, or null. Any private answer condemns the name (round-robin tricks). */
export function judgeAnswers(answers: Resolved[]): string | null {
  let publicV4 = 0
  for (const a of answers) {
    const v4 = a.family === 4 ? a.address : mappedIPv4(a.address)
    if (!v4) continue // plain IPv6 answers are never used: deliveries connect over IPv4 only
    const why = classifyIP(v4)
    if (why) return why
    publicV4++
  }
  return publicV4 > 0 ? null : MSG.noPublic
}

export type TargetOptions = {
  resolve?: ResolveAll
  /**
   * A name that does not resolve: refused (delivery: nothing to connect to) or accepted (save time:
   * the host's DNS may be down or private; every delivery resolves again and records the failure).
   */
  unresolved?: 'refuse' | 'accept'
}

/** Where a syntactically valid URL points: literal addresses, internal names, then every DNS answer. */
export async function checkUrlTarget(parsed: UrlCheck, opts: TargetOptions = {}): Promise<UrlCheck> {
  if (!parsed.ok || parsed.exempt) return parsed
  const why = staticTargetError(parsed.url)
  if (why) return { ok: false, error: why }
  const host = parsed.url.hostname
  if (host.startsWith('[') || isIP(host) === 4) return parsed
  let answers: Resolved[]
  try {
    answers = await (opts.resolve ?? systemResolve)(host)
  } catch {
    return opts.unresolved === 'accept' ? parsed : { ok: false, error: MSG.unresolved }
  }
  const bad = judgeAnswers(answers)
  return bad ? { ok: false, error: bad } : parsed
}

/** Full check: syntax, names, then DNS (an unresolvable name is refused unless `unresolved: 'accept'`). */
export async function checkWebhookUrl(
  raw: unknown,
  opts: { allowedHosts: readonly string[] } & TargetOptions,
): Promise<UrlCheck> {
  return checkUrlTarget(parseWebhookUrl(raw, opts.allowedHosts), opts)
}
