/**
 * The `{{ key }}` placeholders of templates (docs/templates.md), read the way the gateway reads them
 * (gateway/src/services/templates/placeholders.ts; the panel bundle cannot import server code): a key
 * is 1-64 letters, digits, `_` or `-`, spaces inside the braces are ignored, keys match without case.
 * The single send fills them in the browser; bulk sends let the gateway fill them per recipient and
 * use these to preview and to say which value is missing before sending.
 */

const PLACEHOLDER = /\{\{[ \t]*([A-Za-z0-9_-]{1,64})[ \t]*\}\}/g

export type Vars = Record<string, string>

const key = (k: string): string => k.trim().toLowerCase()
const valueOf = (vars: Vars, k: string): string | undefined => (Object.hasOwn(vars, k) ? vars[k] : undefined)

/** The distinct keys a text uses, lower-cased, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => key(m[1] ?? '')))]
}

/** Keys lower-cased; later sources win. */
export function mergeVars(...sources: Array<Vars | null | undefined>): Vars {
  const out: Vars = {}
  for (const s of sources) for (const [k, v] of Object.entries(s ?? {})) if (key(k) !== '__proto__') out[key(k)] = v
  return out
}

/** The first key of `text` without a (non-blank) value, or null. */
export function firstMissing(text: string, vars: Vars): string | null {
  return placeholdersIn(text).find((k) => !valueOf(vars, k)?.trim()) ?? null
}

/** The text with each placeholder that has a value replaced (one pass: values are never expanded). */
export function fillText(text: string, vars: Vars): string {
  return text.replace(PLACEHOLDER, (whole, k: string) => valueOf(vars, key(k)) || whole)
}

/** A contact's values: its label as `name` (and `label`), its CSV fields, its number. */
export function contactVars(number: string, label: string | null | undefined, fields: Vars | null | undefined): Vars {
  return mergeVars({ number }, label ? { name: label, label } : null, fields)
}
