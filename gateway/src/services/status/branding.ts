/**
 * @module services/status/branding
 * What the public status page calls things: the services' public names (STATUS_SERVICE_NAMES; internal
 * names such as the upstream's stay private) and the page's title and logo (STATUS_PAGE_TITLE,
 * STATUS_LOGO_URL). Admin screens keep the internal names; only the public report is renamed.
 */
import type { Config } from '../../config.js'

export type StatusBranding = { title: string; logo_url: string | null }

/** `Internal=Public` pairs to a lookup; blank entries are skipped (the config schema checked the shape). */
export function parseServiceNames(spec: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const pair of spec.split(',')) {
    const at = pair.indexOf('=')
    if (at <= 0) continue
    const internal = pair.slice(0, at).trim()
    const shown = pair.slice(at + 1).trim()
    if (internal && shown) out.set(internal, shown)
  }
  return out
}

export function publicNamer(config: Pick<Config, 'STATUS_SERVICE_NAMES'>): (internal: string) => string {
  const names = parseServiceNames(config.STATUS_SERVICE_NAMES)
  return (internal) => names.get(internal) ?? internal
}

export function statusBranding(config: Pick<Config, 'STATUS_PAGE_TITLE' | 'STATUS_LOGO_URL'>): StatusBranding {
  return { title: config.STATUS_PAGE_TITLE || 'TAGUATO-SEND', logo_url: config.STATUS_LOGO_URL || null }
}

/** The logo's origin for the page's CSP img-src when it lives elsewhere (an https URL); '' otherwise. */
export function logoOrigin(config: Pick<Config, 'STATUS_LOGO_URL'>): string {
  return /^https:\/\//i.test(config.STATUS_LOGO_URL) ? new URL(config.STATUS_LOGO_URL).origin : ''
}
