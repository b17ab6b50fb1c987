/**
 * @module services/mail/templates
 * The two account emails (R3, docs/decisions.md#r3, in English): the recovery code and the
 * admin-initiated reset code. Each has a plain-text and an HTML part; values are HTML-escaped.
 */

export type MailContent = { subject: string; text: string; html: string }

const BRAND = 'TAGUATO-SEND'
export const CODE_TTL_MINUTES = 15

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

function layout(heading: string, introHtml: string, code: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(heading)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2937">
<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.08);overflow:hidden">
<div style="background:#1a1a2e;padding:20px 32px"><h1 style="margin:0;color:#ffffff;font-size:22px">${BRAND}</h1></div>
<div style="padding:32px">
<h2 style="margin-top:0;font-size:20px">${esc(heading)}</h2>
<p>${introHtml}</p>
<div style="margin:24px 0;padding:16px;border:2px dashed #9ca3af;border-radius:8px;text-align:center;font-family:'Courier New',monospace;font-size:32px;font-weight:bold;letter-spacing:8px">${esc(code)}</div>
<p>This code expires in <strong>${CODE_TTL_MINUTES} minutes</strong>.</p>
<p style="color:#dc2626">Do not share this code with anyone.</p>
</div>
<div style="background:#f8f9fa;padding:16px 32px;font-size:12px;color:#6b7280">This is an automated message from ${BRAND}. Please do not reply to this email.</div>
</div></body></html>`
}

export function recoveryCodeMail(code: string): MailContent {
  return {
    subject: `Recovery code - ${BRAND}`,
    text: `Your recovery code is: ${code}\n\nThis code expires in ${CODE_TTL_MINUTES} minutes.\nIf you did not request this, ignore this email.\n`,
    html: layout('Password recovery', 'A code was requested to reset your password. Enter the following code:', code),
  }
}

export function adminResetCodeMail(code: string, adminUsername: string): MailContent {
  return {
    subject: `Password reset - ${BRAND}`,
    text:
      `An administrator (${adminUsername}) has requested a reset of your password.\n` +
      `Your recovery code is: ${code}\n\nThis code expires in ${CODE_TTL_MINUTES} minutes.\n` +
      `If you were not expecting this email, contact your administrator.\n`,
    html: layout('Password reset', `An administrator (<strong>${esc(adminUsername)}</strong>) has requested a reset of your password. Enter the following code:`, code),
  }
}

/** The WhatsApp text of the reference (R3), already in English. */
export const recoveryWhatsAppText = (code: string) =>
  `Your password recovery code is: *${code}*\n\nThis code expires in ${CODE_TTL_MINUTES} minutes. If you did not request this, ignore this message.`
