/**
 * The full media of a chat message, fetched only when the user opens it (POST
 * /chat/getBase64FromMediaMessage, by the message's key id: the answer can be tens of MB of base64).
 * Images and stickers are shown, audio and video play, anything else is a download. The bytes live in
 * a blob: URL for as long as the window is open.
 */
import { useEffect, useState } from 'preact/hooks'
import { chatsApi, type MediaAnswer, type MessageRecord } from '../api/chats.js'
import { errorText } from '../api/client.js'
import { Modal } from '../components/modal.js'
import { fmtBytes } from '../lib/format.js'
import { mediaOf, mediaWord } from '../lib/chat-messages.js'

/** base64 -> Blob, in slices (atob on tens of MB at once is fine; one giant byte loop per slice keeps it cheap). */
export function base64Blob(b64: string, type: string): Blob {
  const clean = b64.replace(/^data:[^,]*,/, '').replace(/\s/g, '')
  const parts: Uint8Array<ArrayBuffer>[] = []
  const SLICE = 4 * 1024 * 256 // a multiple of 4 characters: each slice decodes on its own
  for (let i = 0; i < clean.length; i += SLICE) {
    const bin = atob(clean.slice(i, i + SLICE))
    const bytes = new Uint8Array(bin.length)
    for (let j = 0; j < bin.length; j++) bytes[j] = bin.charCodeAt(j)
    parts.push(bytes)
  }
  return new Blob(parts, { type })
}

type Loaded = { answer: MediaAnswer; url: string; size: number }

export function MediaViewer(props: { instance: string; rec: MessageRecord; onClose: () => void }) {
  const found = mediaOf(props.rec.message)
  const word = found ? mediaWord(found.kind) : 'Media'
  const [state, setState] = useState<Loaded | { error: string } | null>(null)

  useEffect(() => {
    let url: string | null = null
    let alive = true
    chatsApi.media(props.instance, { id: props.rec.key.id }).then(
      (answer) => {
        if (!alive) return
        try {
          const mime = answer.mimetype || found?.media.mimetype || 'application/octet-stream'
          const blob = base64Blob(answer.base64 ?? '', mime)
          url = URL.createObjectURL(blob)
          setState({ answer: { ...answer, mimetype: mime }, url, size: blob.size })
        } catch {
          setState({ error: 'The upstream answered with media that is not valid base64' })
        }
      },
      (e) => alive && setState({ error: errorText(e) }),
    )
    return () => {
      alive = false
      if (url) URL.revokeObjectURL(url)
    }
  }, [props.rec.key.id])

  const name = state && 'answer' in state ? state.answer.fileName || `${word.toLowerCase()}` : word
  return (
    <Modal title={word} onClose={props.onClose} wide>
      <div class="media-view" data-testid="media-view">
        {state === null && <p class="muted">Loading the {word.toLowerCase()}…</p>}
        {state && 'error' in state && (
          <p class="form-error" role="alert">
            {state.error}
          </p>
        )}
        {state && 'answer' in state && (
          <>
            {/^image\//.test(state.answer.mimetype) ? (
              <img src={state.url} alt={state.answer.caption || name} data-testid="media-image" />
            ) : /^video\//.test(state.answer.mimetype) ? (
              <video src={state.url} controls />
            ) : /^audio\//.test(state.answer.mimetype) ? (
              <audio src={state.url} controls />
            ) : null}
            {state.answer.caption && <p class="pre">{state.answer.caption}</p>}
            <p class="muted small">
              {state.answer.mimetype} · {fmtBytes(state.size)}{' '}
              <a href={state.url} download={name} class="btn btn-sm">
                Download
              </a>
            </p>
          </>
        )}
      </div>
    </Modal>
  )
}
