/**
 * The data side of one Chats thread, apart from its markup: pages of POST /chat/findMessages merged
 * into one list (older pages on demand), page 1 polled every 3 s while the page is visible, read
 * receipts (POST /chat/markMessageAsRead) for the unread messages at open and for new incoming ones,
 * and the log's scroll position (stick to the bottom, or keep the view when an older page lands above).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import { chatsApi, type ChatRow, type MessageKey, type MessageRecord } from '../api/chats.js'
import { errorText } from '../api/client.js'
import { toast } from '../components/toast.js'
import { mergeRecords, unreadKeys } from './chat-messages.js'
import { readKey } from './chat-send.js'
import { useInterval } from './use-load.js'

const PAGE = 30
const POLL_MS = 3000

export type ChatThreadData = {
  /** null until page 1 answered (or failed). */
  records: MessageRecord[] | null
  pages: { loaded: number; total: number }
  error: string | null
  loadingOlder: boolean
  /** The scrolling message log. */
  logRef: { current: HTMLDivElement | null }
  /** Loads the next older page, keeping the view where it was. */
  older: () => Promise<void>
  /** Adds a message we just sent (or reacted with) and scrolls to the bottom. */
  add: (rec: MessageRecord | null | undefined) => void
}

/** `onRead` is called after read receipts went out for the chat. */
export function useChatThread(instance: string, chat: ChatRow, onRead: (jid: string) => void): ChatThreadData {
  const jid = chat.remoteJid
  const [records, setRecords] = useState<MessageRecord[] | null>(null)
  const [pages, setPages] = useState({ loaded: 0, total: 0 })
  const [error, setError] = useState<string | null>(null)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const logRef = useRef<HTMLDivElement>(null)
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
      onRead(jid)
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

  return { records, pages, error, loadingOlder, logRef, older, add }
}
