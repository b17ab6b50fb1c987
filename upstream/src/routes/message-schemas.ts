/**
 * @module upstream/routes/message-schemas
 * Bodies of the /message/* routes as v2 declares them. `number` carries v2's description
 * "Invalid format", which is what any problem with it reports.
 */
import * as v from 'valibot'

export const NumberField = v.string('Invalid format')
const delay = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(300_000)))
const strOpt = v.optional(v.string())

export const SendTextBody = v.object({
  number: NumberField,
  text: v.string(),
  delay,
  linkPreview: v.optional(v.boolean()),
  quoted: v.optional(v.record(v.string(), v.unknown())),
  mentionsEveryOne: v.optional(v.boolean()),
  mentioned: v.optional(v.array(v.string())),
})

export const SendMediaBody = v.object({
  number: NumberField,
  mediatype: v.picklist(['image', 'document', 'video', 'audio']),
  media: v.string(),
  mimetype: strOpt,
  fileName: strOpt,
  caption: strOpt,
  delay,
})

export const SendAudioBody = v.object({ number: NumberField, audio: v.string(), encoding: v.optional(v.boolean()), delay })

export const SendLocationBody = v.object({
  number: NumberField,
  latitude: v.number(),
  longitude: v.number(),
  name: v.string(),
  address: v.string(),
  delay,
})

export const SendContactBody = v.object({
  number: NumberField,
  contact: v.pipe(
    v.array(
      v.object({
        fullName: v.string(),
        wuid: strOpt,
        phoneNumber: v.string(),
        organization: strOpt,
        email: strOpt,
        url: strOpt,
      }),
    ),
    v.minLength(1),
  ),
  delay,
})

export const SendReactionBody = v.object({
  key: v.object({ id: v.string(), remoteJid: v.string(), fromMe: v.boolean() }),
  reaction: v.string(),
})

export const SendPollBody = v.object({
  number: NumberField,
  name: v.string(),
  selectableCount: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(12)),
  values: v.pipe(v.array(v.string()), v.minLength(2), v.maxLength(12)),
  delay,
})

export const SendListBody = v.object({
  number: NumberField,
  title: v.string(),
  description: strOpt,
  buttonText: v.string(),
  footerText: strOpt,
  sections: v.pipe(
    v.array(
      v.object({
        title: v.string(),
        rows: v.pipe(v.array(v.object({ title: v.string(), description: strOpt, rowId: strOpt })), v.minLength(1)),
      }),
    ),
    v.minLength(1),
  ),
  delay,
})

export const SendButtonsBody = v.object({
  number: NumberField,
  title: v.string(),
  description: strOpt,
  footer: strOpt,
  buttons: v.pipe(
    v.array(v.object({ type: v.picklist(['reply', 'copy', 'url', 'call', 'pix']), displayText: strOpt, id: strOpt, copyCode: strOpt, url: strOpt, phoneNumber: strOpt })),
    v.minLength(1),
  ),
  delay,
})

/** Evolution's sendTemplate body: Meta template name, language code (`en_US`, `es`), optional components. */
export const SendTemplateBody = v.object({
  number: NumberField,
  name: v.pipe(v.string(), v.minLength(1, 'name does not meet minimum length of 1')),
  language: v.pipe(v.string(), v.minLength(1, 'language does not meet minimum length of 1')),
  components: v.optional(v.array(v.record(v.string(), v.unknown()))),
  delay,
})
