/**
 * @module upstream/driver/baileys/qr-pairing
 * The pairing side of a Baileys session, apart from the socket's life cycle: how many QRs this
 * connect attempt has shown (QRCODE_LIMIT refuses past it), and the optional pairing code asked once
 * per attempt for a phone number given to connect. Turns a socket's QR string into the seam's QrCode.
 */
import type { Logger } from 'pino'
import { renderQr } from '../qr.js'
import type { QrCode } from '../types.js'
import type { SessionOptions } from './session-options.js'
import type { WaSocket } from './socket-factory.js'

export class QrPairing {
  private number: string | null = null
  private code: string | null = null
  private shown = 0

  constructor(
    private readonly opts: Pick<SessionOptions, 'qrLimit' | 'qrColor'>,
    private readonly log: Logger,
  ) {}

  /** A new connect attempt: no QR shown yet; `number` (any punctuation dropped) also asks for a pairing code. */
  begin(number?: string): void {
    this.number = number ? number.replace(/\D/g, '') || null : null
    this.code = null
    this.shown = 0
  }

  /** A restart: fresh QRs and a fresh pairing code for the same number. */
  reset(): void {
    this.shown = 0
    this.code = null
  }

  /** This attempt showed a QR already (a close now is an expired QR socket, not a lost connection). */
  get started(): boolean {
    return this.shown > 0
  }

  /** QRCODE_LIMIT QRs went by unscanned. */
  get exhausted(): boolean {
    return this.shown >= this.opts.qrLimit
  }

  /** The pairing code for the number given to connect, once WhatsApp handed one out. */
  get pairingCode(): string | null {
    return this.code
  }

  /**
   * Counts the socket's next QR, asks for the pairing code the first time, and renders the image. The
   * caller builds the QrCode (with `pairingCode`) once it checked the socket is still the current one.
   */
  async next(sock: WaSocket, code: string): Promise<Pick<QrCode, 'base64' | 'count'>> {
    const count = ++this.shown
    if (this.number && !this.code) {
      try {
        this.code = await sock.requestPairingCode(this.number)
      } catch (err) {
        this.log.warn({ err }, 'requesting a pairing code failed; the QR still works')
      }
    }
    // Since rc10 the string is a wa.me link rather than `2@ref,...`: render whatever the socket gave.
    const base64 = await renderQr(code, this.opts.qrColor)
    return { base64, count }
  }
}
