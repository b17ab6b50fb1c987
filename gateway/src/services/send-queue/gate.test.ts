import { describe, expect, it } from 'vitest'
import { ApiError } from '../../errors/api-error.js'
import { sendModeOf } from './gate.js'
import { queueEnvelope } from './notify.js'

describe('X-Send-Mode', () => {
  it('the header wins, then the instance setting, then sync', () => {
    expect(sendModeOf(undefined, null)).toBe('sync')
    expect(sendModeOf(undefined, 'queue')).toBe('queue')
    expect(sendModeOf('Queue', null)).toBe('queue')
    expect(sendModeOf(' sync ', 'queue')).toBe('sync')
    expect(() => sendModeOf('later', null)).toThrow(ApiError)
  })

  it('a queue move reaches webhooks as messages.update keyed by the 202 id', () => {
    const e = queueEnvelope({ instance: 'i', messageId: 'TQ1', remoteJid: '1@s.whatsapp.net', status: 'failed', error: 'expired' })
    expect(e).toMatchObject({ event: 'messages.update', instance: 'i', data: { keyId: 'TQ1', status: 'ERROR', queueStatus: 'failed', error: { message: 'expired' } } })
  })
})
