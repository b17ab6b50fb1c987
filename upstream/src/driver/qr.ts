/**
 * @module upstream/driver/qr
 * QR strings shaped like Baileys' (`2@<ref>,<noiseKey>,<identityKey>,<advSecret>`) rendered to a PNG
 * data URL with npm `qrcode` using Evolution's exact options. Real images, not scannable by a phone.
 */
import { randomBytes } from 'node:crypto'
import QRCode from 'qrcode'

/** A fresh Baileys-looking QR payload. */
export function newQrString(): string {
  const ref = randomBytes(36).toString('base64')
  const b64 = () => randomBytes(32).toString('base64')
  return `2@${ref},${b64()},${b64()},${b64()}`
}

/** `data:image/png;base64,...` for the QR string (Evolution: margin 3, scale 4, level H). */
export function renderQr(code: string, dark: string): Promise<string> {
  return QRCode.toDataURL(code, { margin: 3, scale: 4, errorCorrectionLevel: 'H', color: { light: '#ffffff', dark } })
}
