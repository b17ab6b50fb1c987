/**
 * @module services/openapi/upstream-bodies
 * Request bodies of the most used upstream routes (R6, docs/decisions.md#r6), for the
 * OpenAPI document. The upstream validates them; these are documentation, so other routes stay open.
 */
import type { JsonSchema } from '@valibot/to-json-schema'

const str = { type: 'string' } as const
const num = { type: 'number' } as const

const BODIES: Record<string, JsonSchema> = {
  '/instance/create': {
    type: 'object',
    required: ['instanceName'],
    properties: { instanceName: str, integration: { type: 'string', examples: ['WHATSAPP-BAILEYS'] }, qrcode: { type: 'boolean' } },
  },
  '/message/sendText/:instance': {
    type: 'object',
    required: ['number', 'text'],
    properties: { number: { type: 'string', examples: ['595981123456'] }, text: str, delay: num },
  },
  '/message/sendMedia/:instance': {
    type: 'object',
    required: ['number', 'mediatype', 'media'],
    properties: {
      number: str,
      mediatype: { enum: ['image', 'video', 'document', 'audio'] },
      media: { type: 'string', description: 'URL, base64 or data: URL' },
      caption: str,
      fileName: str,
      mimetype: str,
    },
  },
  '/message/sendLocation/:instance': {
    type: 'object',
    required: ['number', 'latitude', 'longitude', 'name', 'address'],
    properties: { number: str, latitude: num, longitude: num, name: str, address: str },
  },
  '/chat/whatsappNumbers/:instance': {
    type: 'object',
    required: ['numbers'],
    properties: { numbers: { type: 'array', items: str, minItems: 1, uniqueItems: true } },
  },
  '/webhook/set/:instance': {
    type: 'object',
    required: ['webhook'],
    properties: {
      webhook: {
        type: 'object',
        required: ['enabled', 'url'],
        properties: { enabled: { type: 'boolean' }, url: str, byEvents: { type: 'boolean' }, base64: { type: 'boolean' }, events: { type: 'array', items: str } },
      },
    },
  },
}

export function upstreamBody(path: string): JsonSchema {
  return BODIES[path] ?? { type: 'object', description: 'As Evolution API v2 defines for this route', additionalProperties: true }
}
