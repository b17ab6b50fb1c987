/** @module services/templates/placeholders tests: the `{{ key }}` syntax, one-pass filling, media captions, the refusal text. */
import { describe, expect, it } from 'vitest'
import { fillContent, fillText, mergeVariables, missingKeys, missingMessage, placeholdersIn, templatedText } from './placeholders.js'

describe('placeholdersIn', () => {
  it('finds distinct keys, trims spaces, ignores case and leaves malformed braces alone', () => {
    expect(placeholdersIn('Hola {{name}}, {{ Name }} {{ order_id }} {{x-1}}')).toEqual(['name', 'order_id', 'x-1'])
    expect(placeholdersIn('{{}} {{a b}} {name} {{ é }} {{' + 'k'.repeat(65) + '}}')).toEqual([])
    expect(placeholdersIn('no placeholders')).toEqual([])
  })
})

describe('fillText / missingKeys', () => {
  it('replaces every occurrence, case-insensitively, in one pass', () => {
    const vars = mergeVariables({ NAME: 'Ana', city: '{{name}}' })
    expect(fillText('Hola {{name}} de {{ City }}, {{Name}}!', vars)).toBe('Hola Ana de {{name}}, Ana!')
  })

  it('keeps placeholders without a value and reports them (empty = missing)', () => {
    expect(fillText('Hi {{name}} {{code}}', { name: 'Ana' })).toBe('Hi Ana {{code}}')
    expect(missingKeys('Hi {{name}} {{code}} {{name}}', { name: 'Ana', code: '' })).toEqual(['code'])
  })

  it('never reads inherited properties', () => {
    expect(missingKeys('{{constructor}} {{__proto__}}', mergeVariables(JSON.parse('{"__proto__":"x"}') as Record<string, string>))).toEqual(['constructor', '__proto__'])
    expect(fillText('{{constructor}}', {})).toBe('{{constructor}}')
  })

  it('later sources win when merging', () => {
    expect(mergeVariables({ name: 'global', a: '1' }, null, { Name: 'contact' }, { NAME: 'own' })).toEqual({ name: 'own', a: '1' })
  })
})

describe('media content', () => {
  const media = JSON.stringify({ mediatype: 'image', media: 'https://x/{{name}}.png', caption: 'Para {{name}}' })
  it('fills the caption only', () => {
    expect(templatedText('image', media)).toBe('Para {{name}}')
    expect(JSON.parse(fillContent('image', media, { name: 'Ana' }))).toEqual({ mediatype: 'image', media: 'https://x/{{name}}.png', caption: 'Para Ana' })
    expect(fillContent('text', 'Hola {{name}}', { name: 'Ana' })).toBe('Hola Ana')
    expect(templatedText('image', 'not json')).toBe('')
  })
})

it('missingMessage names the placeholder and the recipient', () => {
  expect(missingMessage('name', '595981000001')).toBe('Missing value for {{name}} (recipient 595981000001)')
  expect(missingMessage('name')).toBe('Missing value for {{name}}')
})
