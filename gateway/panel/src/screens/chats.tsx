/**
 * Chats of one instance (`#/instances/{name}/chats`, and `/chats/{jid}` for one conversation): the
 * conversation list from POST /chat/findChats (name or number, last message, unread count, time; search
 * by number or text; a number that has no chat yet can be opened to write first) and the open thread
 * (chat-thread.tsx). Two panes on wide screens, one at a time on narrow ones. The list reloads every 5 s
 * while the page is visible. Replies (the inbound log) stays at `#/instances/{name}/replies`.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import { chatsApi, type ChatRow } from '../api/chats.js'
import { errorText } from '../api/client.js'
import { PageHead } from '../components/page.js'
import { Loading } from '../components/table.js'
import { chatDate, chatMatches, chatTitle, contactNames, fmtChatTime, jidLabel, jidOf, previewText } from '../lib/chat-messages.js'
import { useInterval } from '../lib/use-load.js'
import { ChatThread } from './chat-thread.js'
import { chatsHref, repliesHref } from './instances.js'
import type { ScreenProps } from './screen-props.js'

const PAGE = 50
const LIST_POLL_MS = 5000

/** The address follows the open chat without a hashchange (which would remount the screen). */
const setAddress = (href: string) => {
  if (location.hash !== href) history.replaceState(history.state, '', href)
}

export function ChatsScreen(props: ScreenProps) {
  const name = props.params.name ?? ''
  const [chats, setChats] = useState<ChatRow[] | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  const [take, setTake] = useState(PAGE)
  const [query, setQuery] = useState('')
  const [open, setOpen] = useState<string | null>(props.params.jid ?? null)
  const [names, setNames] = useState<Map<string, string>>(new Map())
  /**
   * Chats read here, with the id of their last message then: their unread count shows 0 until a newer
   * message arrives (the upstream may keep its count until WhatsApp confirms the receipts).
   */
  const [readHere, setReadHere] = useState<Map<string, string>>(new Map())

  const load = async () => {
    if (document.hidden && chats !== null) return
    try {
      const rows = await chatsApi.findChats(name, { take })
      setChats(Array.isArray(rows) ? rows : [])
      setListError(null)
    } catch (e) {
      setListError(errorText(e))
      setChats((c) => c ?? [])
    }
  }
  useEffect(() => void load(), [name, take])
  useInterval(() => void load(), LIST_POLL_MS)
  // Names for chats whose pushName the upstream left empty; the list works without them.
  useEffect(() => {
    chatsApi.findContacts(name).then((c) => setNames(contactNames(Array.isArray(c) ? c : [])), () => undefined)
  }, [name])

  const select = (jid: string | null) => {
    setOpen(jid)
    setAddress(chatsHref(name, jid ?? undefined))
  }

  const shown = useMemo(() => (chats ?? []).filter((c) => chatMatches(c, query, names)), [chats, query, names])
  const typed = jidOf(query)
  const canStart = typed !== null && !(chats ?? []).some((c) => c.remoteJid === typed)
  const current: ChatRow | null = open ? ((chats ?? []).find((c) => c.remoteJid === open) ?? { id: null, remoteJid: open }) : null
  const unread = (c: ChatRow) =>
    c.remoteJid === open || (readHere.has(c.remoteJid) && readHere.get(c.remoteJid) === (c.lastMessage?.key?.id ?? '')) ? 0 : Math.max(0, c.unreadCount ?? 0)

  return (
    <section class="chats-screen" data-testid="chats">
      <PageHead title={`Chats · ${name}`} sub={<a href={`#/instances/${encodeURIComponent(name)}`}>← {name}</a>}>
        <a class="btn" href={repliesHref(name)} data-testid="replies-link">
          Replies
        </a>
      </PageHead>
      <div class={`chats${current ? ' chats-open' : ''}`}>
        <div class="chat-list-pane card" role="region" aria-label="Conversations">
          <div class="chat-search">
            <label class="sr-only" for="chat-search">
              Search chats by number or text
            </label>
            <input
              id="chat-search"
              type="search"
              placeholder="Search by number or text"
              value={query}
              onInput={(e) => setQuery(e.currentTarget.value)}
              data-testid="chat-search"
              autoComplete="off"
            />
          </div>
          {listError && (
            <p class="form-error chat-error" role="alert">
              Could not load the chats: {listError}{' '}
              <button type="button" class="link" onClick={() => void load()}>
                Retry
              </button>
            </p>
          )}
          {chats === null ? (
            <Loading />
          ) : (
            <ul class="chat-list" data-testid="chat-list">
              {canStart && (
                <li>
                  <button type="button" class="chat-item chat-new" onClick={() => (select(typed), setQuery(''))} data-testid="start-chat">
                    <span class="chat-avatar" aria-hidden="true">
                      +
                    </span>
                    <span class="chat-main">
                      <span class="chat-name">Write to {jidLabel(typed)}</span>
                      <span class="chat-preview muted">No messages yet</span>
                    </span>
                  </button>
                </li>
              )}
              {shown.map((c) => {
                const title = chatTitle(c, names)
                const n = unread(c)
                return (
                  <li key={c.remoteJid}>
                    <button
                      type="button"
                      class={`chat-item${c.remoteJid === open ? ' on' : ''}`}
                      aria-current={c.remoteJid === open ? 'true' : undefined}
                      onClick={() => select(c.remoteJid)}
                      data-testid="chat-item"
                      data-jid={c.remoteJid}
                      title={c.remoteJid}
                    >
                      <span class="chat-avatar" aria-hidden="true">
                        {title.replace(/^\+/, '').slice(0, 1).toUpperCase()}
                      </span>
                      <span class="chat-main">
                        <span class="chat-top">
                          <span class="chat-name">{title}</span>
                          <span class="chat-time muted">{fmtChatTime(chatDate(c))}</span>
                        </span>
                        <span class="chat-bottom">
                          <span class="chat-preview muted">
                            {c.lastMessage?.key?.fromMe ? 'You: ' : ''}
                            {previewText(c.lastMessage) || ' '}
                          </span>
                          {n > 0 && (
                            <span class="chat-unread" aria-label={`${n} unread`} data-testid="unread">
                              {n}
                            </span>
                          )}
                        </span>
                      </span>
                    </button>
                  </li>
                )
              })}
              {shown.length === 0 && !canStart && (
                <li class="muted chat-empty">{query ? 'No chat matches this search.' : 'No conversations yet: messages sent and received by this number show up here.'}</li>
              )}
            </ul>
          )}
          {chats !== null && chats.length >= take && !query && (
            <button type="button" class="btn btn-sm chat-more" onClick={() => setTake(take + PAGE)}>
              Show more chats
            </button>
          )}
        </div>
        <div class="chat-thread-pane card">
          {current ? (
            <ChatThread
              key={current.remoteJid}
              instance={name}
              chat={current}
              title={chatTitle(current, names)}
              onBack={() => select(null)}
              onRead={(jid) => setReadHere((m) => new Map(m).set(jid, (chats ?? []).find((c) => c.remoteJid === jid)?.lastMessage?.key?.id ?? ''))}
              onSent={() => void load()}
            />
          ) : (
            <p class="muted chat-placeholder">Choose a conversation, or type a number in the search box to write to it.</p>
          )}
        </div>
      </div>
    </section>
  )
}
