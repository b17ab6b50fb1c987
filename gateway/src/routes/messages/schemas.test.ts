/** @module routes/messages/schemas tests: POST /api/messages/log keeps the reference's check order and messages. */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { LogBody } from './schemas.js'

const REQUIRED = 'instance_name and phone_number are required'

describe('LogBody', () => {
  it.each([
    [{ message_type: 'sticker' }, 'message_type must be one of: text, image, document, audio, video'],
    [{ status: 'queued' }, 'status must be one of: sent, failed, cancelled'],
    [{}, REQUIRED],
    [{ instance_name: 'shop' }, REQUIRED],
    [{ instance_name: '', phone_number: '595981000001' }, REQUIRED],
    [{ instance_name: 'shop', phone_number: 'p'.repeat(129) }, 'phone_number must be at most 128 characters'],
    [{ instance_name: 'shop', phone_number: '595981000001', error_message: 5 }, 'error_message must be a string'],
    [{ instance_name: 'shop', phone_number: '595981000001', message_id: 7 }, 'message_id must be a string'],
    [{ instance_name: 'shop', phone_number: '595981000001', wa_message_id: 'x'.repeat(129) }, 'wa_message_id must be at most 128 characters'],
  ])('%j -> %s', (body, message) => expect(ruleError(LogBody, body)).toBe(message))

  it('takes the send\'s message id under either name (D13: the gateway\'s row is then updated, not duplicated)', () => {
    expect(v.parse(LogBody, { instance_name: 'shop', phone_number: '1', message_id: '3EB0AB' })).toMatchObject({ message_id: '3EB0AB' })
    expect(v.parse(LogBody, { instance_name: 'shop', phone_number: '1', wa_message_id: '3EB0AB' })).toMatchObject({ wa_message_id: '3EB0AB' })
  })

  it('defaults type and status, also for null', () => {
    expect(v.parse(LogBody, { instance_name: 'shop', phone_number: '595981000001', message_type: null, status: null, error_message: null })).toEqual({
      message_type: 'text', status: 'sent', instance_name: 'shop', phone_number: '595981000001', error_message: null,
    })
  })
})
