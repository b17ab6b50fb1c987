/**
 * @module lib/body-schema
 * `fields(entries)`: a body schema that validates exactly like reading each field through its own rule,
 * in key order, and stopping at the first failure (`validate`/`parseBody` run with abortEarly). It is what
 * lets one valibot object be both what a handler enforces (with the reference's messages and check order)
 * and what GET /api/openapi.json shows.
 *
 * Why not a plain `v.object`: valibot reports a MISSING key with the object's message, not the field's,
 * so `{"severity":"minor"}` would answer "Invalid key: ..." instead of the title rule's "title and
 * severity are required". Here a missing key answers what the field's own schema says about `undefined`.
 */
import * as v from 'valibot'

export function fields<const E extends v.ObjectEntries>(entries: E): v.ObjectSchema<E, (issue: v.ObjectIssue) => string> {
  return v.object(entries, (issue) => {
    const at = issue.path?.[0]
    if (at?.type === 'object' && at.origin === 'key' && Object.hasOwn(entries, at.key)) {
      const r = v.safeParse(entries[at.key]!, undefined, { abortEarly: true })
      if (!r.success && r.issues[0]) return r.issues[0].message
    }
    return issue.message // valibot's default wording: a non-object (lib/body refuses those first)
  })
}
