/**
 * @module services/mail/mailer
 * Sends one email through SMTP_* (R3, docs/decisions.md#r3): SMTP_SECURE `ssl` = implicit TLS, `tls`
 * = STARTTLS required, anything else = plain; AUTH only when SMTP_USER is set. "Configured" means
 * SMTP_HOST and SMTP_FROM are set. The transport is built once per process.
 */
import nodemailer, { type Transporter } from 'nodemailer'
import type { Config } from '../../config.js'
import type { MailContent } from './templates.js'

export const smtpReady = (c: Config): boolean => c.SMTP_HOST.trim() !== '' && c.SMTP_FROM.trim() !== ''

let cached: { key: string; transport: Transporter } | null = null

function transportFor(c: Config): Transporter {
  const key = [c.SMTP_HOST, c.SMTP_PORT, c.SMTP_SECURE, c.SMTP_USER].join('|')
  if (cached?.key === key) return cached.transport
  const mode = c.SMTP_SECURE.trim().toLowerCase()
  const transport = nodemailer.createTransport({
    host: c.SMTP_HOST,
    port: c.SMTP_PORT,
    secure: mode === 'ssl',
    requireTLS: mode === 'tls',
    ignoreTLS: mode !== 'ssl' && mode !== 'tls',
    auth: c.SMTP_USER ? { user: c.SMTP_USER, pass: c.SMTP_PASSWORD } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  })
  cached = { key, transport }
  return transport
}

/** Throws "SMTP not configured" or the transport's error. */
export async function sendMail(c: Config, to: string, mail: MailContent): Promise<void> {
  if (!smtpReady(c)) throw new Error('SMTP not configured')
  await transportFor(c).sendMail({ from: c.SMTP_FROM, to, subject: mail.subject, text: mail.text, html: mail.html })
}
