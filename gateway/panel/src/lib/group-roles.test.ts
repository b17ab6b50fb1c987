import { describe, expect, it } from 'vitest'
import { inviteLink, isAdminRole, jidUser, ownRole, participantCount, participantFailures, participantNumber } from './group-roles.js'

describe('group roles', () => {
  const group = {
    participants: [
      { id: '111@lid', phoneNumber: '595981000001@s.whatsapp.net', admin: 'superadmin' as const },
      { id: '595981000002@s.whatsapp.net', lid: '222@lid', admin: 'admin' as const },
      { id: '595981000003@s.whatsapp.net', admin: null },
    ],
  }

  it('reads a JID user part without its device suffix', () => {
    expect(jidUser('595981000001:12@s.whatsapp.net')).toBe('595981000001')
    expect(jidUser('120363000000000000@g.us')).toBe('120363000000000000')
    expect(jidUser(null)).toBe('')
  })

  it('shows the phone number of a LID participant', () => {
    expect(participantNumber(group.participants[0]!)).toBe('595981000001')
    expect(participantNumber({ id: '333@lid' })).toBe('333')
    expect(participantNumber(group.participants[2]!)).toBe('595981000003')
  })

  it("finds the instance's role by its own number, by id or by phoneNumber", () => {
    expect(ownRole(group, '595981000001')).toBe('superadmin')
    expect(ownRole(group, '595981000002')).toBe('admin')
    expect(ownRole(group, '595981000003')).toBe('member')
    expect(ownRole(group, '595981000009')).toBeNull()
    expect(ownRole(group, null)).toBeNull()
    expect(ownRole({}, '595981000001')).toBeNull()
    expect(isAdminRole('superadmin') && isAdminRole('admin') && !isAdminRole('member') && !isAdminRole(null)).toBe(true)
  })

  it('counts participants and builds the invite link', () => {
    expect(participantCount({ id: 'x@g.us', size: 7, participants: [] })).toBe(7)
    expect(participantCount({ id: 'x@g.us', ...group })).toBe(3)
    expect(inviteLink('AbC123')).toBe('https://chat.whatsapp.com/AbC123')
  })

  it("words updateParticipant's per-member failures and skips the successes", () => {
    const results = [
      { status: '200', jid: '595981000004@s.whatsapp.net' },
      { status: '404', jid: '595981230000@s.whatsapp.net' },
      { status: '409', jid: '595981000003@s.whatsapp.net' },
      { status: '500', jid: '595981000005@s.whatsapp.net' },
    ]
    expect(participantFailures('add', results)).toEqual([
      '+595981230000 is not on WhatsApp',
      '+595981000003 is already a member',
      '+595981000005 failed (WhatsApp answered 500)',
    ])
    expect(participantFailures('remove', [{ status: '404', jid: '595981000009@s.whatsapp.net' }])).toEqual(['+595981000009 is not a member of the group'])
    expect(participantFailures('add', undefined)).toEqual([])
  })
})
