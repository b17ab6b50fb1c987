/**
 * The reply box under a Chats thread: a growing text area (Enter sends, Shift+Enter breaks the line)
 * and one attached file (photo, video, audio or document, up to 16 MB) whose caption is the text.
 * It owns the draft and the sending state; the thread only hears about the message that went out.
 */
import { useRef, useState } from 'preact/hooks'
import type { MessageRecord } from '../api/chats.js'
import { Icon } from '../components/icons.js'
import { toast } from '../components/toast.js'
import { sendReply } from '../lib/chat-send.js'
import { fmtBytes } from '../lib/format.js'

const MAX_FILE = 16 * 1024 * 1024

/** The reply box grows with its text, up to the CSS max-height (a style property, not an attribute: CSP). */
const fit = (el: HTMLTextAreaElement, value = el.value) => {
  el.style.height = 'auto'
  if (value) el.style.height = `${el.scrollHeight + 2}px`
}

type Props = {
  instance: string
  jid: string
  /** The message that was sent (the draft is cleared by then). */
  onSent: (rec: MessageRecord) => void
}

export function ChatComposer(props: Props) {
  const { instance, jid } = props
  const [draft, setDraft] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [sending, setSending] = useState(false)
  const fileRef = useRef<HTMLInputElement>(null)
  const textRef = useRef<HTMLTextAreaElement>(null)

  const send = async () => {
    const text = draft.trim()
    if (sending || (!text && !file)) return
    setSending(true)
    try {
      const sent = await sendReply(instance, jid, text, file)
      setDraft('')
      if (textRef.current) fit(textRef.current, '')
      setFile(null)
      if (fileRef.current) fileRef.current.value = ''
      props.onSent(sent)
    } catch (e) {
      toast.err(e)
    } finally {
      setSending(false)
    }
  }

  const pickFile = (f: File | null) => {
    if (f && f.size > MAX_FILE) {
      toast.err(new Error(`${f.name} is ${fmtBytes(f.size)}: files up to ${fmtBytes(MAX_FILE)} can be sent from here`))
      if (fileRef.current) fileRef.current.value = ''
      return
    }
    setFile(f)
  }

  return (
    <form
      class="composer"
      aria-label="Reply"
      onSubmit={(e) => {
        e.preventDefault()
        void send()
      }}
    >
      {file && (
        <p class="composer-file" data-testid="attachment">
          <Icon name="clip" size={15} /> {file.name} <span class="muted">({fmtBytes(file.size)})</span>
          <button type="button" class="link" onClick={() => pickFile(null)} aria-label={`Remove ${file.name}`}>
            Remove
          </button>
        </p>
      )}
      <div class="composer-row">
        <label class="btn btn-icon composer-attach" title="Attach a photo, video, audio or document">
          <Icon name="clip" />
          <span class="sr-only">Attach a file</span>
          <input ref={fileRef} type="file" class="sr-only" onChange={(e) => pickFile(e.currentTarget.files?.[0] ?? null)} data-testid="attach" />
        </label>
        <label class="sr-only" for={`reply-${jid}`}>
          {file ? 'Caption' : 'Message'}
        </label>
        <textarea
          id={`reply-${jid}`}
          rows={1}
          placeholder={file ? 'Add a caption (optional)' : 'Type a message'}
          value={draft}
          ref={textRef}
          onInput={(e) => {
            setDraft(e.currentTarget.value)
            fit(e.currentTarget)
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              void send()
            }
          }}
          data-testid="reply-text"
        />
        <button type="submit" class="btn btn-primary" disabled={sending || (!draft.trim() && !file)} data-testid="send-reply">
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  )
}
