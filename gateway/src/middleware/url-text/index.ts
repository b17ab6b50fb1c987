/**
 * @module middleware/url-text
 * The text rule (lib/text) for the request target, before any route: a path segment or query value
 * that does not percent-decode to valid UTF-8 (`/admin/%zz`, `?q=%ff`), or decodes to NUL (`?q=%00`),
 * is a 400 naming the query parameter (`Invalid path` for the path), instead of whatever a route or the database would
 * make of it. Targets without `%` cost one `includes` (Node's parser already refuses raw NUL).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'
import { assertUrlText } from '../../lib/text.js'

export const urlText = (): MiddlewareHandler<AppEnv> =>
  async function urlText(c, next) {
    const raw = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url ?? c.req.url.slice(new URL(c.req.url).origin.length)
    assertUrlText(raw)
    return next()
  }
