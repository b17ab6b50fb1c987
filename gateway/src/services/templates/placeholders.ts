/**
 * @module services/templates/placeholders
 * The `{{ key }}` placeholders of templates and message texts (docs/templates.md): a key is 1-64 letters,
 * digits, `_` or `-`, spaces around it are ignored, and keys match case-insensitively (`{{Name}}` and a
 * CSV column `NAME` are the same key). Anything else between braces (`{{a b}}`, `{{}}`) is plain text.
 * Substitution is one pass: a value that itself contains `{{x}}` is inserted as it is, never expanded.
 * Pure functions: the scheduled routes check a send with them, the worker fills each recipient's text.
 */

/** One placeholder: `{{`, optional spaces, the key, optional spaces, `}}`. */
const PLACEHOLDER = /\{\{[ \t]*([A-Za-z0-9_-]{1,64})[ \t]*\}\}/g

/** What a key must look like (variables' names are checked with it). */
export const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export type Variables = Record<string, string>

export const normalizeKey = (key: string): string => key.trim().toLowerCase()

/** The distinct keys a text uses (normalized), in order of first use. */
export function placeholdersIn(text: string): string[] {
  const keys = new Set<string>()
  for (const m of text.matchAll(PLACEHOLDER)) keys.add(normalizeKey(m[1]!))
  return [...keys]
}

/** Variables with normalized keys; later sources win (global < contact < recipient). */
export function mergeVariables(...sources: Array<Record<string, string> | null | undefined>): Variables {
  const out: Variables = {}
  for (const s of sources) {
    if (!s) continue
    for (const [k, val] of Object.entries(s)) if (normalizeKey(k) !== '__proto__') out[normalizeKey(k)] = val
  }
  return out
}

/** A variable's own value (never one inherited from Object.prototype, e.g. `constructor`). */
const valueOf = (vars: Variables, key: string): string | undefined => (Object.hasOwn(vars, key) ? vars[key] : undefined)

/** The keys of `text` without a value in `vars` (an empty string counts as missing). */
export function missingKeys(text: string, vars: Variables): string[] {
  return placeholdersIn(text).filter((k) => !valueOf(vars, k))
}

/** The text with every placeholder that has a value replaced; the others stay as written. */
export function fillText(text: string, vars: Variables): string {
  return text.replace(PLACEHOLDER, (whole, key: string) => valueOf(vars, normalizeKey(key)) || whole)
}

/**
 * The text of a scheduled message's content that placeholders live in: the content itself for text,
 * the caption for media (the rest of a media body is a URL/base64 and a file name, never templated).
 */
export function templatedText(type: string, content: string): string {
  if (type === 'text') return content
  try {
    const o = JSON.parse(content) as { caption?: unknown }
    return typeof o.caption === 'string' ? o.caption : ''
  } catch {
    return ''
  }
}

/** A scheduled message's content for one recipient: the text filled, or the media body with its caption filled. */
export function fillContent(type: string, content: string, vars: Variables): string {
  if (type === 'text') return fillText(content, vars)
  try {
    const o = JSON.parse(content) as Record<string, unknown>
    if (typeof o.caption !== 'string') return content
    return JSON.stringify({ ...o, caption: fillText(o.caption, vars) })
  } catch {
    return content
  }
}

/** The refusal text for a placeholder without a value. */
export function missingMessage(key: string, recipient?: string): string {
  return `Missing value for {{${key}}}${recipient ? ` (recipient ${recipient})` : ''}`
}
