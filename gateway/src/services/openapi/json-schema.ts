/**
 * @module services/openapi/json-schema
 * The one valibot -> JSON Schema conversion of the document (and of the panel's generated types, which
 * read the document): request bodies and query strings are described as the client SENDS them (typeMode
 * input: before any transform), in draft 2020-12, the dialect OpenAPI 3.1 uses.
 *
 * errorMode ignore: a rule JSON Schema cannot say (`v.check`, a transform's second schema) is left out
 * instead of failing the whole document, so a schema never documents MORE than it enforces. What can be
 * said is kept (`overrideAction`): every regex of a pipe, not only the first, and the byte lengths of
 * the reference's rules. A rule that matters to clients says it in `v.metadata({...})` next to the check
 * (NumbersBody's `uniqueItems` in common/src/evolution/request-bodies), which the converter copies.
 */
import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema'
import type * as v from 'valibot'

type Action = { type: string; requirement?: unknown }

function keepWhatJsonSchemaCanSay({ valibotAction, jsonSchema }: { valibotAction: Action; jsonSchema: JsonSchema }): JsonSchema | undefined {
  const { type, requirement } = valibotAction
  // JSON Schema has one `pattern`: a further regex (PasswordRule has three) is an allOf member.
  if (type === 'regex' && requirement instanceof RegExp && jsonSchema.pattern !== undefined && jsonSchema.pattern !== requirement.source) {
    return { ...jsonSchema, allOf: [...(jsonSchema.allOf ?? []), { pattern: requirement.source }] }
  }
  // minLength/maxLength count characters, the reference counts UTF-8 bytes: an extension keyword says it exactly.
  if ((type === 'min_bytes' || type === 'max_bytes') && typeof requirement === 'number') {
    return { ...jsonSchema, [type === 'min_bytes' ? 'x-minBytes' : 'x-maxBytes']: requirement } as JsonSchema
  }
  return undefined
}

export function schemaOf(s: v.GenericSchema): JsonSchema {
  const { $schema: _drop, ...rest } = toJsonSchema(s, { target: 'draft-2020-12', errorMode: 'ignore', typeMode: 'input', overrideAction: keepWhatJsonSchemaCanSay })
  return rest
}
