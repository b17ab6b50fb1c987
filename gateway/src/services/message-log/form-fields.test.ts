/** @module services/message-log/form-fields tests: the text fields of form-encoded sends (D13, docs/decisions.md#d13). */
import { describe, expect, it } from 'vitest'
import { formFields } from './form-fields.js'
import { messageTypeFor, recipientFor } from './message-type.js'

/** A multipart body as a browser or curl -F builds it: text fields and one file part of raw bytes. */
function multipart(boundary: string, fields: Record<string, string>, file?: { name: string; bytes: Buffer }): Buffer {
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`))
    parts.push(file.bytes, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(parts)
}

describe('formFields', () => {
  it('multipart: the text fields, the file part skipped (its bytes are never read as text)', () => {
    const bytes = Buffer.concat([Buffer.from('name="number"\r\n\r\n999'), Buffer.alloc(200_000, 0xff)])
    const raw = multipart('----x1', { number: '595981123456', notConvertSticker: 'true' }, { name: 's.webp', bytes })
    const f = formFields(raw, 'multipart/form-data; boundary=----x1')
    expect(f).toEqual({ number: '595981123456', notConvertSticker: 'true' })
    expect(messageTypeFor('sendSticker', f)).toBe('sticker')
    expect(recipientFor('sendSticker', f)).toBe('595981123456')
  })
  it('multipart: fields after the file, a quoted boundary, UTF-8 values, the first of repeated names', () => {
    const raw = Buffer.concat([
      multipart('b2', {}, { name: 'v.mp4', bytes: Buffer.from([0, 1, 13, 10, 45, 45]) }).subarray(0, -'--b2--\r\n'.length),
      Buffer.from('--b2\r\ncontent-disposition: form-data; name="number"\r\n\r\n+595 981 ñ\r\n'),
      Buffer.from('--b2\r\ncontent-disposition: form-data; name="number"\r\n\r\nsecond\r\n--b2--'),
    ])
    expect(formFields(raw, 'Multipart/Form-Data; charset=utf-8; boundary="b2"')).toEqual({ number: '+595 981 ñ' })
  })
  it('urlencoded bodies', () => {
    expect(formFields(Buffer.from('number=595981000001&type=text&content=hola+mundo'), 'application/x-www-form-urlencoded')).toEqual({
      number: '595981000001',
      type: 'text',
      content: 'hola mundo',
    })
  })
  it('anything else is not a form; broken forms give what could be read', () => {
    expect(formFields(Buffer.from('{"number":"1"}'), 'application/json')).toBeNull()
    expect(formFields(Buffer.from('x'), 'multipart/form-data')).toBeNull()
    expect(formFields(Buffer.from('--b\r\nContent-Disposition: form-data; name="number"\r\n\r\n12'), 'multipart/form-data; boundary=b')).toEqual({})
    expect(formFields(Buffer.from(`--b\r\nContent-Disposition: form-data; name="number"\r\n\r\n${'9'.repeat(5000)}\r\n--b--`), 'multipart/form-data; boundary=b')!.number).toHaveLength(1024)
  })
})
