/**
 * @module tests/support/smtp-sink
 * A local SMTP receiver for recovery tests: `npx tsx tests/support/smtp-sink.ts <out.jsonl> <port-file>`
 * listens on a free 127.0.0.1 port (written to <port-file>), accepts any sender/recipient without
 * auth or TLS, and appends one JSON line per mail: {from, to, raw}, raw being the whole message.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { SMTPServer } from 'smtp-server'

const [out, portFile] = process.argv.slice(2)
if (!out || !portFile) {
  process.stderr.write('usage: smtp-sink.ts <out.jsonl> <port-file>\n')
  process.exit(2)
}
writeFileSync(out, '')

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => {
      const rcpt = session.envelope.rcptTo.map((r) => r.address)
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : null
      appendFileSync(out, `${JSON.stringify({ from, to: rcpt, raw: Buffer.concat(chunks).toString('utf8') })}\n`)
      callback()
    })
  },
})
server.listen(0, '127.0.0.1', () => {
  const addr = server.server.address()
  if (addr && typeof addr === 'object') writeFileSync(portFile, String(addr.port))
})
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)))
