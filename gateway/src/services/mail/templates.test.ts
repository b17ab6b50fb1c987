import { describe, expect, it } from 'vitest'
import { adminResetCodeMail, recoveryCodeMail, recoveryWhatsAppText } from './templates.js'

describe('mail templates', () => {
  it('recovery code: subject, text and html carry the code and expiry', () => {
    const m = recoveryCodeMail('012345')
    expect(m.subject).toBe('Recovery code - TAGUATO-SEND')
    expect(m.text).toContain('Your recovery code is: 012345')
    expect(m.text).toContain('15 minutes')
    expect(m.html).toContain('012345')
    expect(m.html).toContain('<html lang="en">')
  })
  it('admin reset names the admin, escaped in HTML', () => {
    const m = adminResetCodeMail('999999', 'root<b>')
    expect(m.subject).toBe('Password reset - TAGUATO-SEND')
    expect(m.text).toContain('An administrator (root<b>)')
    expect(m.html).toContain('root&#60;b&#62;')
    expect(m.html).not.toContain('root<b>')
  })
  it('whatsapp text is the reference wording', () => {
    expect(recoveryWhatsAppText('123456')).toBe('Your password recovery code is: *123456*\n\nThis code expires in 15 minutes. If you did not request this, ignore this message.')
  })
})
