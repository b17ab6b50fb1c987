/** Labelled form fields and the message editor with the WhatsApp formatting toolbar and templates. */
import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef, useState } from 'preact/hooks'
import { templatesApi, type Template } from '../api/templates.js'

type InputProps = {
  label: string
  value: string
  onInput: (v: string) => void
  hint?: ComponentChildren
  name?: string
  type?: string
  required?: boolean
  placeholder?: string
  autoComplete?: string
  autoFocus?: boolean
  inputMode?: 'text' | 'tel' | 'numeric' | 'email' | 'url' | 'decimal' | 'search'
  pattern?: string
  maxLength?: number
  minLength?: number
  min?: number
  max?: number
  title?: string
  list?: string
  disabled?: boolean
  testid?: string
}

export function Field({ label, value, onInput, hint, testid, ...rest }: InputProps) {
  const id = useId()
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
        data-testid={testid}
        aria-describedby={hint ? `${id}-hint` : undefined}
        {...(rest as Record<string, unknown>)}
      />
      {hint && (
        <small class="hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
    </div>
  )
}

export function Select(props: {
  label: string
  value: string
  onChange: (v: string) => void
  options: (string | { value: string; label: string; disabled?: boolean })[]
  required?: boolean
  name?: string
  /** A note under the field (why an option is disabled, ...). */
  hint?: ComponentChildren
  testid?: string
}) {
  const id = useId()
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        required={props.required}
        data-testid={props.testid}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.options.map((o) => {
          const opt = typeof o === 'string' ? { value: o, label: o } : o
          return (
            <option key={opt.value} value={opt.value} disabled={opt.disabled}>
              {opt.label}
            </option>
          )
        })}
      </select>
      {props.hint && (
        <small class="hint" id={`${id}-hint`}>
          {props.hint}
        </small>
      )}
    </div>
  )
}

export function Check(props: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label class="check">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.currentTarget.checked)} /> {props.label}
    </label>
  )
}

const FORMATS = [
  { label: 'B', title: 'Bold (*text*)', mark: '*', cls: 'fmt-b' },
  { label: 'I', title: 'Italic (_text_)', mark: '_', cls: 'fmt-i' },
  { label: 'S', title: 'Strikethrough (~text~)', mark: '~', cls: 'fmt-s' },
  { label: '</>', title: 'Monospace (```text```)', mark: '```', cls: 'fmt-m' },
]

/** Textarea with the formatting toolbar (wraps the selection, or inserts a pair and puts the caret inside). */
export function MessageEditor(props: { label: string; value: string; onInput: (v: string) => void; templates?: boolean; required?: boolean; rows?: number; name?: string }) {
  const id = useId()
  const ref = useRef<HTMLTextAreaElement>(null)
  const [templates, setTemplates] = useState<Template[]>([])
  useEffect(() => {
    if (props.templates) templatesApi.list().then((r) => setTemplates(r.templates), () => setTemplates([]))
  }, [props.templates])

  const wrap = (mark: string) => {
    const ta = ref.current
    if (!ta) return
    const { selectionStart: s, selectionEnd: e, value } = ta
    const next = value.slice(0, s) + mark + value.slice(s, e) + mark + value.slice(e)
    props.onInput(next)
    requestAnimationFrame(() => {
      ta.focus()
      if (s === e) ta.setSelectionRange(s + mark.length, s + mark.length)
      else ta.setSelectionRange(s + mark.length, e + mark.length)
    })
  }

  return (
    <div class="field">
      <div class="editor-head">
        <label for={id}>{props.label}</label>
        <div class="toolbar" role="toolbar" aria-label="Formatting">
          {FORMATS.map((f) => (
            <button key={f.mark} type="button" class={`btn btn-xs ${f.cls}`} title={f.title} aria-label={f.title} onClick={() => wrap(f.mark)}>
              {f.label}
            </button>
          ))}
          {props.templates && templates.length > 0 && (
            <select
              aria-label="Insert template"
              class="template-pick"
              value=""
              onChange={(e) => {
                const t = templates.find((x) => String(x.id) === e.currentTarget.value)
                if (t) props.onInput(props.value ? `${props.value}\n${t.content}` : t.content)
                e.currentTarget.value = ''
              }}
            >
              <option value="">Insert template…</option>
              {templates.map((t) => (
                <option key={t.id} value={String(t.id)}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </div>
      </div>
      <textarea id={id} name={props.name} ref={ref} rows={props.rows ?? 4} required={props.required} value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
    </div>
  )
}

/** The form's submit button: it shows it is busy; `blocked` disables it and shows why beside it. */
export function Submit(props: { busy: boolean; children: ComponentChildren; class?: string; testid?: string; blocked?: string | null }) {
  const id = useId()
  const button = (
    <button
      type="submit"
      class={`btn btn-primary ${props.class ?? ''}`}
      disabled={props.busy || !!props.blocked}
      data-testid={props.testid}
      aria-describedby={props.blocked ? id : undefined}
    >
      {props.busy ? 'Working…' : props.children}
    </button>
  )
  if (!props.blocked) return button
  return (
    <span class="submit-blocked">
      {button}{' '}
      <small class="hint" id={id} data-testid={props.testid ? `${props.testid}-blocked` : undefined}>
        {props.blocked}
      </small>
    </span>
  )
}

/** Runs an async action with a busy flag; errors become toasts through the caller's catch. */
export function useBusy(): [boolean, <T>(fn: () => Promise<T>) => Promise<T | undefined>] {
  const [busy, setBusy] = useState(false)
  const run = async <T,>(fn: () => Promise<T>) => {
    setBusy(true)
    try {
      return await fn()
    } finally {
      setBusy(false)
    }
  }
  return [busy, run]
}
