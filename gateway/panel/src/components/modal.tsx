/** Modal dialog (Escape and the × close it, focus moves inside) and a promise-based confirm(). */
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean; footer?: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.modal-close)')
    ;(first ?? ref.current)?.focus()
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose()
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('keydown', onKey)
      prev?.focus?.()
    }
  }, [])
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class={`modal${props.wide ? ' modal-wide' : ''}`} role="dialog" aria-modal="true" aria-label={props.title} ref={ref} tabIndex={-1}>
        {/* Plain divs: a <header>/<footer> outside <main> would be a second banner/contentinfo landmark. */}
        <div class="modal-head">
          <h2>{props.title}</h2>
          <button type="button" class="modal-close" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </div>
        <div class="modal-body">{props.children}</div>
        {props.footer && <div class="modal-foot">{props.footer}</div>}
      </div>
    </div>
  )
}

type Ask = { text: string; action: string; danger: boolean; resolve: (ok: boolean) => void }
let setAsk: ((a: Ask | null) => void) | null = null

/** Asks before a destructive action; resolves true when confirmed. */
export function confirm(text: string, action = 'Confirm', danger = true): Promise<boolean> {
  return new Promise((resolve) => {
    if (!setAsk) return resolve(window.confirm(text))
    setAsk({ text, action, danger, resolve })
  })
}

export function ConfirmHost() {
  const [ask, set] = useState<Ask | null>(null)
  useEffect(() => {
    setAsk = set
    return () => void (setAsk = null)
  }, [])
  if (!ask) return null
  const done = (ok: boolean) => {
    set(null)
    ask.resolve(ok)
  }
  return (
    <Modal
      title="Please confirm"
      onClose={() => done(false)}
      footer={
        <>
          <button type="button" class="btn" onClick={() => done(false)}>
            Cancel
          </button>
          <button type="button" class={`btn ${ask.danger ? 'btn-danger' : 'btn-primary'}`} data-testid="confirm-ok" onClick={() => done(true)}>
            {ask.action}
          </button>
        </>
      }
    >
      <p class="confirm-text">{ask.text}</p>
    </Modal>
  )
}
