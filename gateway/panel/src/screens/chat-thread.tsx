/**
 * One conversation of the Chats screen: its messages from POST /chat/findMessages (newest at the
 * bottom, older pages on demand), sent messages with their ticks (PENDING, SERVER_ACK, DELIVERY_ACK,
 * READ from the record's MessageUpdate list, moved on at once by the gateway's live `message.status`
 * events), reactions under their message, media previews (the full
 * file fetched with POST /chat/getBase64FromMediaMessage when opened), and the reply box: text
 * (/message/sendText), a file (/message/sendMedia, base64) and reactions (/message/sendReaction).
 * Opening it sends read receipts (POST /chat/markMessageAsRead) for the unread incoming messages, and
 * for those that arrive while it is open. Page 1 is read again every 3 s while the page is visible.
 *
 * This file lays the thread out; the parts live next to it: the loading, polling and read receipts
 * in lib/use-chat-thread.ts, the sends in lib/chat-send.ts, a message's look in chat-bubble.tsx, the
 * reply box in chat-composer.tsx and the media viewer in chat-media.tsx.
 */
import { Fragment } from 'preact'
import { useState } from 'preact/hooks'
import type { ChatRow, MessageRecord } from '../api/chats.js'
import { toast } from '../components/toast.js'
import { isGroupJid, jidLabel, recordDate, threadItems } from '../lib/chat-messages.js'
import { sendReaction } from '../lib/chat-send.js'
import { useChatThread } from '../lib/use-chat-thread.js'
import { useLiveMessageStatus } from '../lib/use-live-status.js'
import { Bubble, DaySeparator } from './chat-bubble.js'
import { ChatComposer } from './chat-composer.js'
import { MediaViewer } from './chat-media.js'

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

export function ChatThread(props: Props) {
  const { instance, chat } = props
  const jid = chat.remoteJid
  const { records, pages, error, loadingOlder, logRef, older, add } = useChatThread(instance, chat, props.onRead)
  const [reacting, setReacting] = useState<string | null>(null)
  const [viewing, setViewing] = useState<MessageRecord | null>(null)
  const live = useLiveMessageStatus()

  const react = async (rec: MessageRecord, emoji: string) => {
    setReacting(null)
    try {
      add(await sendReaction(instance, rec, emoji))
    } catch (e) {
      toast.err(e)
    }
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
        {items.map((it, i) => (
          <Fragment key={it.rec.key.id}>
            <DaySeparator date={recordDate(it.rec)} prev={i > 0 ? recordDate(items[i - 1]!.rec) : null} />
            <Bubble
              item={it}
              group={group}
              reacting={reacting === it.rec.key.id}
              onReactMenu={(open) => setReacting(open ? it.rec.key.id : null)}
              onReact={(e) => void react(it.rec, e)}
              onOpen={() => setViewing(it.rec)}
              pushed={it.rec.key.fromMe ? live.byWaId(it.rec.key.id, null) : null}
            />
          </Fragment>
        ))}
      </div>
      <ChatComposer
        instance={instance}
        jid={jid}
        onSent={(rec) => {
          add(rec)
          props.onSent()
        }}
      />
      {viewing && <MediaViewer instance={instance} rec={viewing} onClose={() => setViewing(null)} />}
    </div>
  )
}
