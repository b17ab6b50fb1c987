import makeWASocket, { initAuthCreds } from '@whiskeysockets/baileys'
import pino from 'pino'
import { WebSocketServer } from 'ws'
let attempts = 0
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_i, cb) => { attempts++; console.log('attempt', attempts); if (attempts === 1) cb(false, 503, 'x'); else cb(true) } })
await new Promise((r) => wss.once('listening', r))
const port = (wss.address() as any).port
const keys = { get: async () => ({}), set: async () => {} }
const sock = makeWASocket({ auth: { creds: initAuthCreds(), keys }, logger: pino({ level: 'debug' }) as any, waWebSocketUrl: `ws://127.0.0.1:${port}/ws/chat` })
sock.ev.on('connection.update', (u) => console.log('update', u.connection, (u.lastDisconnect?.error as any)?.output?.statusCode, u.lastDisconnect?.error?.message))
setTimeout(() => { console.log('timeout'); process.exit(0) }, 8000)
