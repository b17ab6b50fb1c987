/** The panel's reading of `{{ key }}` placeholders matches the gateway's (docs/templates.md). */
import { describe, expect, it } from 'vitest'
import { contactVars, fillText, firstMissing, mergeVars, placeholdersIn } from './placeholders.js'

describe('placeholders', () => {
  it('finds keys like the gateway: trimmed, case-insensitive, malformed braces are text', () => {
    expect(placeholdersIn('Hola {{nombre}} {{ Nombre }} {{x_1}} {{a b}} {{}}')).toEqual(['nombre', 'x_1'])
  })
  it('fills in one pass and names the first missing key (blank = missing)', () => {
    expect(fillText('Hola {{Name}} {{code}}', { name: '{{code}}' })).toBe('Hola {{code}} {{code}}')
    expect(firstMissing('{{a}} {{b}}', { a: '1', b: ' ' })).toBe('b')
    expect(firstMissing('{{constructor}}', {})).toBe('constructor')
    expect(firstMissing('{{a}}', { a: '1' })).toBeNull()
  })
  it('contact values: number < label as name < CSV fields', () => {
    expect(contactVars('595', 'Ana', { ciudad: 'Asu' })).toEqual({ number: '595', name: 'Ana', label: 'Ana', ciudad: 'Asu' })
    expect(mergeVars({ Name: 'a' }, { NAME: 'b' })).toEqual({ name: 'b' })
  })
})
