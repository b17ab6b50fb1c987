/** @module services/message-log/message-text tests: what History shows of each kind of send. */
import { describe, expect, it } from 'vitest'
import { clip, MAX_TEXT, messageTextFor } from './message-text.js'

describe('messageTextFor', () => {
  it('keeps a text send as written', () => {
    expect(messageTextFor('sendText', { number: '1', text: 'Hola, ¿cómo estás?' })).toBe('Hola, ¿cómo estás?')
  })
  it('reads an old textMessage body too', () => {
    expect(messageTextFor('sendText', { number: '1', textMessage: { text: 'legacy' } })).toBe('legacy')
  })
  it('gives a media send its type and caption, else its file name', () => {
    expect(messageTextFor('sendMedia', { mediatype: 'image', media: 'http://x/a.png', caption: 'Our menu' })).toBe('[image] Our menu')
    expect(messageTextFor('sendMedia', { mediatype: 'document', media: 'x', fileName: 'invoice.pdf' })).toBe('[document] invoice.pdf')
    expect(messageTextFor('sendWhatsAppAudio', { audio: 'x' })).toBe('[audio]')
  })
  it('summarises other types', () => {
    expect(messageTextFor('sendLocation', { name: 'Office', address: 'Asunción', latitude: 1, longitude: 2 })).toBe('Location: Office Asunción')
    expect(messageTextFor('sendContact', { contact: [{ fullName: 'Ana' }, { fullName: 'Luis' }] })).toBe('Contact: Ana, Luis')
    expect(messageTextFor('sendPoll', { name: 'Lunch?', values: ['yes', 'no'] })).toBe('Poll: Lunch? (yes / no)')
    expect(messageTextFor('sendReaction', { key: {}, reaction: '👍' })).toBe('Reaction: 👍')
    expect(messageTextFor('sendTemplate', { name: 'welcome', language: 'es' })).toBe('Template: welcome (es)')
    expect(messageTextFor('sendStatus', { type: 'text', content: 'Open today' })).toBe('Status: Open today')
  })
  it('is null when there is nothing to show', () => {
    expect(messageTextFor('sendText', null)).toBeNull()
    expect(messageTextFor('sendText', { number: '1', text: '' })).toBeNull()
  })
  it('cuts long text to the column with an ellipsis', () => {
    const out = messageTextFor('sendText', { text: 'a'.repeat(MAX_TEXT + 10) })!
    expect(out).toHaveLength(MAX_TEXT)
    expect(out.endsWith('…')).toBe(true)
    expect(clip('short')).toBe('short')
  })
})
