/**
 * @module upstream/routes/message
 * /message/send*: validate the v2 body, map it to driver content, run the shared send flow. 201 with
 * the messageRaw on success.
 */
import { Hono, type Context } from 'hono'
import type * as v from 'valibot'
import type { UpstreamDeps } from '../deps.js'
import type { InstanceRow } from '../db/instances.js'
import type { OutboundContent } from '../driver/types.js'
import type { UpstreamEnv } from '../env.js'
import { badRequest } from '../lib/errors.js'
import { jidUser } from '../lib/jid.js'
import { parseBody } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import { resolveMedia } from '../services/media.js'
import { textMentions } from '../services/mentions.js'
import { sendMessage } from '../services/send.js'
import * as S from './message-schemas.js'

type Mapped = { number: string; content: OutboundContent; delay?: number | undefined; skipCheck?: boolean }

export function messageRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  // Sends keep working through a PostgreSQL outage (middleware/auth.ts, services/deferred-writes.ts).
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY, { whileDbDown: 'lastKnown' })

  /** Registers POST /<action>/:instanceName with its schema and body -> content mapping. */
  function route<Sch extends v.GenericSchema>(action: string, schema: Sch, map: (b: v.InferOutput<Sch>, row: InstanceRow) => Mapped | Promise<Mapped>) {
    r.post(`/${action}/:instanceName`, guard, async (c: Context<UpstreamEnv>) => {
      const body = await parseBody(c, schema)
      const m = await map(body, c.var.instance)
      const raw = await sendMessage(deps, c.var.instance, { ...m, payload: body })
      return c.json(raw, 201)
    })
  }

  route('sendText', S.SendTextBody, async (b, row) => {
    if (b.text.trim() === '') throw badRequest('Text is required')
    return { number: b.number, delay: b.delay, content: { kind: 'text', text: b.text, mentions: await textMentions(deps, row, b) } }
  })

  route('sendMedia', S.SendMediaBody, (b) => {
    const { source, mimetype } = resolveMedia(b.media, b.mediatype, { fileName: b.fileName, mimetype: b.mimetype, guard: deps.outbound.rules })
    const fileName = b.fileName ?? (b.mediatype === 'image' ? 'image.jpg' : b.mediatype === 'video' ? 'video.mp4' : undefined)
    return {
      number: b.number,
      delay: b.delay,
      content: { kind: 'media', mediatype: b.mediatype, media: source, mimetype, fileName, caption: b.caption },
    }
  })

  route('sendWhatsAppAudio', S.SendAudioBody, (b) => {
    const { source } = resolveMedia(b.audio, 'audio', { guard: deps.outbound.rules })
    return { number: b.number, delay: b.delay, content: { kind: 'audio', media: source } }
  })

  route('sendLocation', S.SendLocationBody, (b) => ({
    number: b.number,
    delay: b.delay,
    content: { kind: 'location', latitude: b.latitude, longitude: b.longitude, name: b.name, address: b.address },
  }))

  route('sendContact', S.SendContactBody, (b) => ({
    number: b.number,
    delay: b.delay,
    content: {
      kind: 'contact',
      contacts: b.contact.map((ct) => ({ ...ct, wuid: jidUser(ct.wuid ?? ct.phoneNumber).replace(/\D/g, '') })),
    },
  }))

  route('sendReaction', S.SendReactionBody, (b) => {
    // Evolution's own check: anything that looks like plain text is not a reaction.
    if (b.reaction !== '' && !/[^()\w\sà-ú"-+]+/.test(b.reaction)) throw badRequest('"reaction" must be an emoji')
    return { number: b.key.remoteJid, skipCheck: true, content: { kind: 'reaction', key: b.key, reaction: b.reaction } }
  })

  route('sendPoll', S.SendPollBody, (b) => ({
    number: b.number,
    delay: b.delay,
    content: { kind: 'poll', name: b.name, selectableCount: b.selectableCount, values: b.values },
  }))

  route('sendList', S.SendListBody, (b) => ({
    number: b.number,
    delay: b.delay,
    content: {
      kind: 'list', title: b.title, description: b.description ?? '', buttonText: b.buttonText, footerText: b.footerText ?? '', sections: b.sections,
    },
  }))

  route('sendButtons', S.SendButtonsBody, (b) => ({
    number: b.number,
    delay: b.delay,
    content: { kind: 'buttons', title: b.title, description: b.description ?? '', footer: b.footer ?? '', buttons: b.buttons },
  }))

  // Evolution's sendTemplate (WHATSAPP-BUSINESS only): the one kind Meta accepts outside the 24-hour window.
  route('sendTemplate', S.SendTemplateBody, (b, row) => {
    if (row.integration !== 'WHATSAPP-BUSINESS') {
      throw badRequest(`Templates are only sent by WHATSAPP-BUSINESS (WhatsApp Cloud API) instances; "${row.name}" is ${row.integration}`)
    }
    return { number: b.number, delay: b.delay, content: { kind: 'template', name: b.name, language: b.language, components: b.components ?? [] } }
  })

  return r
}
