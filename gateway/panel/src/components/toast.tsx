/** Toasts for outcomes: `toast.ok('Saved')`, `toast.err(e)`. Rendered by <Toasts/> once in the shell. */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api/client.js'

type Toast = { id: number; kind: 'ok' | 'err' | 'info'; text: string }
let items: Toast[] = []
let seq = 0
const subs = new Set<(t: Toast[]) => void>()
const emit = () => subs.forEach((f) => f(items))

function push(kind: Toast['kind'], text: string, ms = 4000): void {
  const id = ++seq
  items = [...items, { id, kind, text }].slice(-4)
  emit()
  setTimeout(() => {
    items = items.filter((t) => t.id !== id)
    emit()
  }, ms)
}

export const toast = {
  ok: (text: string) => push('ok', text),
  info: (text: string) => push('info', text),
  err: (e: unknown) => push('err', errorText(e), 6000),
}

export function Toasts() {
  const [list, setList] = useState<Toast[]>(items)
  useEffect(() => {
    subs.add(setList)
    return () => void subs.delete(setList)
  }, [])
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          {t.text}
        </div>
      ))}
    </div>
  )
}
