/**
 * How one message of a Chats thread looks: its bubble (sender in groups, media preview button, text,
 * time, the ticks of our own messages, reactions underneath), its reaction menu, and the day
 * separators between messages. Rendering only: the thread decides what to do on open and react.
 */
import { useEffect, useRef } from 'preact/hooks'
import { Icon, type IconName } from '../components/icons.js'
import {
  jidLabel,
  mediaOf,
  mediaWord,
  messageStatus,
  messageText,
  recordDate,
  thumbnailSrc,
  ticksFor,
  typeWords,
  withLiveStatus,
  type MediaKind,
  type ThreadItem,
} from '../lib/chat-messages.js'

const EMOJIS = ['👍', '❤️', '😂', '😮', '😢', '🙏']
const MEDIA_ICONS: Record<MediaKind, IconName> = { image: 'image', sticker: 'image', video: 'video', ptv: 'video', audio: 'audio', document: 'document' }

const dayOf = (d: Date | null) => (d ? d.toDateString() : '')
const dayLabel = (d: Date) => {
  const today = new Date()
  const yesterday = new Date(today.getTime() - 86_400_000)
  if (d.toDateString() === today.toDateString()) return 'Today'
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday'
  return d.toLocaleDateString('en', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' })
}

/** "Today", "Yesterday" or the date, above the first message of a day (`prev` is the message before). */
export function DaySeparator(props: { date: Date | null; prev: Date | null }) {
  const d = props.date
  if (!d || dayOf(d) === dayOf(props.prev)) return null
  return (
    <p class="thread-day">
      <span>{dayLabel(d)}</span>
    </p>
  )
}

export function Bubble(props: {
  item: ThreadItem
  group: boolean
  reacting: boolean
  onReactMenu: (open: boolean) => void
  onReact: (emoji: string) => void
  onOpen: () => void
  /** The gateway's newest `message.status` for this message (sent, delivered, read, failed), if pushed. */
  pushed?: string | null
}) {
  const { rec, reactions } = props.item
  const mine = rec.key.fromMe
  const status = mine ? withLiveStatus(messageStatus(rec), props.pushed ?? null) : null
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
