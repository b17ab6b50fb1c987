/** @module services/instances/integration tests: what a create body's `integration` is stored as. */
import { describe, expect, it } from 'vitest'
import { recordedIntegration } from './integration.js'

describe('recordedIntegration', () => {
  it.each([
    ['WHATSAPP-BUSINESS', 'WHATSAPP-BUSINESS'],
    ['WHATSAPP-BAILEYS', 'WHATSAPP-BAILEYS'],
    ['EVOLUTION', 'EVOLUTION'],
    [undefined, 'WHATSAPP-BAILEYS'],
    ['whatsapp-business', 'WHATSAPP-BAILEYS'],
    [42, 'WHATSAPP-BAILEYS'],
  ])('%j -> %s', (given, stored) => {
    expect(recordedIntegration(given)).toBe(stored)
  })
})
