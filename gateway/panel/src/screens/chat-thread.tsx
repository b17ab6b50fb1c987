/**
 * One conversation of the Chats screen: its messages from POST /chat/findMessages (newest at the
 * bottom, older pages on demand), sent messages with their ticks (PENDING, SERVER_ACK, DELIVERY_ACK,
 * READ from the record's MessageUpdate list), reactions under their message, media previews (the full
 * file fetched with POST /chat/getBase64FromMediaMessage when opened), and the reply box: text
 * (/message/sendText), a file (/message/sendMedia, base64) and reactions (/message/sendReaction).
 * Opening it sends read receipts (POST /chat/markMessageAsRead) for the unread incoming messages, and
 * for those that arrive while it is open. Page 1 is read again every 3 s while the page is visible.
 */
import { Fragment } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { chatsApi, type ChatRow, type MessageKey, type MessageRecord } from '../api/chats.js'
import { errorText } from '../api/client.js'
import type { MediaType } from '../api/messages.js'
import { Icon, type IconName } from '../components/icons.js'
import { toast } from '../components/toast.js'
import {
  isGroupJid,
  jidLabel,
  jidUser,
  mediaOf,
  mediaWord,
  mergeRecords,
  messageStatus,
  messageText,
  recordDate,
  thumbnailSrc,
  threadItems,
  ticksFor,
  typeWords,
  unreadKeys,
  type MediaKind,
  type ThreadItem,
} from '../lib/chat-messages.js'
import { fmtBytes, readFileAsDataUrl } from '../lib/format.js'
import { useInterval } from '../lib/use-load.js'
import { MediaViewer } from './chat-media.js'

const PAGE = 30
const POLL_MS = 3000
const MAX_FILE = 16 * 1024 * 1024
const EMOJIS = ['👍', '❤️', '😂', '😮', '😢', '🙏']
const MEDIA_ICONS: Record<MediaKind, IconName> = { image: 'image', sticker: 'image', video: 'video', ptv: 'video', audio: 'audio', document: 'document' }

type Props = {
  instance: string
  chat: ChatRow
  title: string
  onBack: () => void
  /** Read receipts went out for this chat. */
  onRead: (jid: string) => void
  /** Something was sent: the list may reorder. */
  onSent: () => void
}

/** What a send route's `number` should be: the digits for a phone JID (as the other screens send), else the JID. */
const numberFor = (jid: string) => (jid.endsWith('@s.whatsapp.net') ? jidUser(jid) : jid)
const readKey = (k: MessageKey) => ({ id: k.id, fromMe: k.fromMe, remoteJid: k.remoteJid })
const mediatypeOf = (mime: string): MediaType =>
  mime.startsWith('image/') ? 'image' : mime.startsWith('video/') ? 'video' : mime.startsWith('audio/') ? 'audio' : 'document'
/** The reply box grows with its text, up to the CSS max-height (a style property, not an attribute: CSP). */
const fit = (el: HTMLTextAreaElement, value = el.value) => {
  el.style.height = 'auto'
  if (value) el.style.height = `${el.scrollHeight + 2}px`
}
const dayOf = (d: Date | null) => (d ? d.toDateString() : '')
const dayLabel = (d: Date) => {
  const today = new Date()
  const yesterday = new Date(today.getTime() - 86_400_000)
  if (d.toDateString() === today.toDateString()) return 'Today'
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday'
  return d.toLocaleDateString('en', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
}

export function ChatThread(props: Props) {
  const { instance, chat } = props
  const jid = chat.remoteJid
  const [records, setRecords] = useState<MessageRecord[] | null>(null)
  const [pages, setPages] = useState({ loaded: 0, total: 0 })
  const [error, setError] = useState<string | null>(null)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [draft, setDraft] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [sending, setSending] = useState(false)
  const [reacting, setReacting] = useState<string | null>(null)
  const [viewing, setViewing] = useState<MessageRecord | null>(null)
  const logRef = useRef<HTMLDivElement>(null)
  const fileRef = useRef<HTMLInputElement>(null)
  const textRef = useRef<HTMLTextAreaElement>(null)
  /** After the next render: stick to the bottom, or keep the view where it was (older page above). */
  const scroll = useRef<{ to: 'bottom' } | { keep: number } | null>({ to: 'bottom' })
  /** Ids read so far (an id not in it on a later poll is a new message), and whether a page 1 came in yet. */
  const known = useRef(new Set<string>())
  const loaded = useRef(false)
  const marked = useRef(new Set<string>())
  const unreadAtOpen = useRef(chat.unreadCount)

  const nearBottom = () => {
    const el = logRef.current
    return !el || el.scrollHeight - el.scrollTop - el.clientHeight < 120
  }

  const markRead = async (keys: MessageKey[]) => {
    const fresh = keys.filter((k) => !marked.current.has(k.id))
    if (fresh.length === 0) return
    for (const k of fresh) marked.current.add(k.id)
    try {
      await chatsApi.markAsRead(instance, fresh.map(readKey))
      props.onRead(jid)
    } catch (e) {
      toast.err(e)
    }
  }

  /**
   * Reads one page and merges it. Page 1 also sends the read receipts owed: on the first answer, for
   * the chat's unread messages; afterwards, for every incoming message that was not there before.
   */
  const fetchPage = async (page: number) => {
    const r = await chatsApi.findMessages(instance, { where: { key: { remoteJid: jid } }, page, offset: PAGE })
    const got = Array.isArray(r?.messages?.records) ? r.messages.records : []
    const newIncoming = got.filter((m) => m?.key && !m.key.fromMe && !known.current.has(m.key.id) && m.key.remoteJid === jid)
    for (const m of got) if (m?.key?.id) known.current.add(m.key.id)
    if (page === 1 && scroll.current === null && nearBottom()) scroll.current = { to: 'bottom' }
    setRecords((prev) => mergeRecords(prev ?? [], got, jid))
    setPages((p) => ({ loaded: Math.max(p.loaded, page), total: Number(r?.messages?.pages) || 0 }))
    setError(null)
    if (page !== 1) return
    const first = !loaded.current
    loaded.current = true
    await markRead(first ? unreadKeys(mergeRecords([], got, jid), unreadAtOpen.current, marked.current) : unreadKeys(newIncoming, newIncoming.length, marked.current))
  }

  useEffect(() => {
    fetchPage(1).catch((e) => {
      setError(errorText(e))
      setRecords((r) => r ?? [])
    })
  }, [])
  useInterval(() => {
    if (document.hidden || records === null) return
    fetchPage(1).catch((e) => setError(errorText(e)))
  }, POLL_MS)

  useLayoutEffect(() => {
    const el = logRef.current
    const s = scroll.current
    if (!el || !s || records === null) return
    if ('to' in s) el.scrollTop = el.scrollHeight
    else el.scrollTop = el.scrollHeight - s.keep
    scroll.current = null
  }, [records])

  const older = async () => {
    const el = logRef.current
    setLoadingOlder(true)
    try {
      scroll.current = { keep: el ? el.scrollHeight - el.scrollTop : 0 }
      await fetchPage(pages.loaded + 1)
    } catch (e) {
      scroll.current = null
      toast.err(e)
    } finally {
      setLoadingOlder(false)
    }
  }

  const add = (rec: MessageRecord | null | undefined) => {
    if (!rec?.key?.id) return
    known.current.add(rec.key.id)
    scroll.current = { to: 'bottom' }
    setRecords((prev) => mergeRecords(prev ?? [], [rec], jid))
  }

  const send = async () => {
    const text = draft.trim()
    if (sending || (!text && !file)) return
    setSending(true)
    try {
      let sent: MessageRecord
      if (file) {
        const dataUrl = await readFileAsDataUrl(file)
        const media = dataUrl.slice(dataUrl.indexOf(',') + 1)
        const mimetype = file.type || 'application/octet-stream'
        sent = await chatsApi.sendMedia(instance, {
          number: numberFor(jid),
          mediatype: mediatypeOf(mimetype),
          media,
          mimetype,
          fileName: file.name,
          ...(text ? { caption: text } : {}),
        })
      } else {
        sent = await chatsApi.sendText(instance, { number: numberFor(jid), text })
      }
      setDraft('')
      if (textRef.current) fit(textRef.current, '')
      setFile(null)
      if (fileRef.current) fileRef.current.value = ''
      add(sent)
      props.onSent()
    } catch (e) {
      toast.err(e)
    } finally {
      setSending(false)
    }
  }

  const react = async (rec: MessageRecord, emoji: string) => {
    setReacting(null)
    try {
      add(await chatsApi.sendReaction(instance, { key: readKey(rec.key), reaction: emoji }))
    } catch (e) {
      toast.err(e)
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

  const items = records ? threadItems(records) : []
  const group = isGroupJid(jid)

  return (
    <div class="thread" data-testid="chat-thread" data-jid={jid}>
      <header class="thread-head">
        <button type="button" class="btn btn-sm thread-back" onClick={props.onBack} aria-label="Back to the conversations">
          ←
        </button>
        <div class="thread-who">
          <h2 data-testid="thread-title">{props.title}</h2>
          <p class="muted small">{jidLabel(jid) === props.title ? jid : jidLabel(jid)}</p>
        </div>
      </header>
      <div class="thread-log" ref={logRef} role="log" aria-label={`Messages with ${props.title}`} tabIndex={0} data-testid="thread-log">
        {pages.loaded > 0 && pages.loaded < pages.total && (
          <div class="thread-older">
            <button type="button" class="btn btn-sm" onClick={() => void older()} disabled={loadingOlder} data-testid="load-older">
              {loadingOlder ? 'Loading…' : 'Load older messages'}
            </button>
          </div>
        )}
        {error && (
          <p class="form-error chat-error" role="alert">
            {records && records.length > 0 ? 'Not up to date: ' : 'Could not load the messages: '}
            {error}
          </p>
        )}
        {records === null && <p class="muted loading">Loading…</p>}
        {records !== null && items.length === 0 && !error && <p class="muted chat-placeholder">No messages yet. Write the first one below.</p>}
        {items.map((it, i) => {
          const d = recordDate(it.rec)
          const prev = i > 0 ? recordDate(items[i - 1]!.rec) : null
          return (
            <Fragment key={it.rec.key.id}>
              {d && dayOf(d) !== dayOf(prev) && (
                <p class="thread-day">
                  <span>{dayLabel(d)}</span>
                </p>
              )}
              <Bubble
                item={it}
                group={group}
                reacting={reacting === it.rec.key.id}
                onReactMenu={(open) => setReacting(open ? it.rec.key.id : null)}
                onReact={(e) => void react(it.rec, e)}
                onOpen={() => setViewing(it.rec)}
              />
            </Fragment>
          )
        })}
      </div>
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
      {viewing && <MediaViewer instance={instance} rec={viewing} onClose={() => setViewing(null)} />}
    </div>
  )
}

function Bubble(props: {
  item: ThreadItem
  group: boolean
  reacting: boolean
  onReactMenu: (open: boolean) => void
  onReact: (emoji: string) => void
  onOpen: () => void
}) {
  const { rec, reactions } = props.item
  const mine = rec.key.fromMe
  const status = mine ? messageStatus(rec) : null
  const ticks = mine ? ticksFor(status) : null
  const media = mediaOf(rec.message)
  const text = messageText(rec.message)
  const thumb = media ? thumbnailSrc(media.media) : null
  const d = recordDate(rec)
  const sender = props.group && !mine ? rec.pushName || jidLabel(rec.key.participant ?? '') : null
  const menu = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (props.reacting) menu.current?.querySelector('button')?.focus()
  }, [props.reacting])

  return (
    <div class={`bubble-row ${mine ? 'out' : 'in'}`} data-testid="message" data-id={rec.key.id} data-from-me={String(mine)} data-status={status ?? ''}>
      <div class="bubble">
        {sender && <p class="bubble-sender">{sender}</p>}
        {media && (
          <button type="button" class={`bubble-media${thumb ? ' has-thumb' : ''}`} onClick={props.onOpen} data-testid="open-media" aria-label={`Open ${mediaWord(media.kind).toLowerCase()}`}>
            {thumb ? <img src={thumb} alt="" /> : <Icon name={MEDIA_ICONS[media.kind]} size={26} class="bubble-media-icon" />}
            <span class="bubble-media-label">
              {media.kind === 'document' ? media.media.fileName || media.media.title || 'Document' : mediaWord(media.kind)}
              {media.media.seconds ? ` · ${Math.round(media.media.seconds)} s` : ''}
              <span class="muted"> · Open</span>
            </span>
          </button>
        )}
        {text && !rec.message?.reactionMessage ? (
          <p class="bubble-text">{text}</p>
        ) : (
          !media && <p class="bubble-text muted">({typeWords(rec.messageType)})</p>
        )}
        <p class="bubble-meta">
          <time dateTime={d?.toISOString()}>{d ? d.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' }) : ''}</time>
          {ticks && (
            <span class={`ticks ticks-${ticks.tone}`} title={ticks.label} data-testid="ticks">
              {ticks.tone === 'pending' ? <Icon name="clock" size={12} /> : <span aria-hidden="true">{ticks.mark}</span>}
              <span class="sr-only">{ticks.label}</span>
            </span>
          )}
        </p>
        {reactions.length > 0 && (
          <p class="bubble-reactions" aria-label="Reactions">
            {reactions.map((r, i) => (
              <span key={i} title={r.fromMe ? 'Your reaction' : 'Their reaction'}>
                {r.emoji}
              </span>
            ))}
          </p>
        )}
      </div>
      <div class="bubble-tools">
        <button
          type="button"
          class="btn btn-xs bubble-react"
          aria-label="React to this message"
          aria-expanded={props.reacting}
          onClick={() => props.onReactMenu(!props.reacting)}
          data-testid="react"
        >
          ☺
        </button>
        {props.reacting && (
          <div
            class="emoji-menu"
            role="group"
            aria-label="React with"
            ref={menu}
            onKeyDown={(e) => {
              if (e.key === 'Escape') props.onReactMenu(false)
            }}
          >
            {EMOJIS.map((e) => (
              <button key={e} type="button" class="btn btn-xs" onClick={() => props.onReact(e)} aria-label={`React with ${e}`}>
                {e}
              </button>
            ))}
            {reactions.some((r) => r.fromMe) && (
              <button type="button" class="btn btn-xs" onClick={() => props.onReact('')} aria-label="Remove your reaction">
                ✕
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  )
}
