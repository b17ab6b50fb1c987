/**
 * One text with its own small form and Save button (a group's subject or description, the profile's
 * name or "about"): follows the saved value when it reloads, refuses an empty text before asking the
 * server, and shows the server's refusal under the field (components/action.tsx).
 */
import { useEffect, useId, useState } from 'preact/hooks'
import { ActionError, useAction } from './action.js'
import { Submit } from './fields.js'

export type TextFormProps = {
  label: string
  value: string
  maxLength: number
  testid: string
  /** A textarea instead of a one-line field. */
  multiline?: boolean
  submitLabel?: string
  /** The toast once saved. */
  saved: string
  save: (text: string) => Promise<unknown>
  onSaved: () => void
}

export function TextForm(props: TextFormProps) {
  const id = useId()
  const [value, setValue] = useState(props.value)
  const act = useAction()
  useEffect(() => setValue(props.value), [props.value])
  const submit = async (e: Event) => {
    e.preventDefault()
    const text = value.trim()
    if (!text) return act.fail(`The ${props.label.toLowerCase()} cannot be empty.`)
    if (await act.run(() => props.save(text), props.saved)) props.onSaved()
  }
  const input = { id, value, maxLength: props.maxLength, required: true }
  return (
    <form class="stack" onSubmit={submit} data-testid={props.testid}>
      <div class={props.multiline ? 'stack' : 'inline-form'}>
        <div class="field">
          <label for={id}>{props.label}</label>
          {props.multiline ? (
            <textarea {...input} rows={3} onInput={(e) => setValue(e.currentTarget.value)} />
          ) : (
            <input {...input} onInput={(e) => setValue(e.currentTarget.value)} />
          )}
        </div>
        <div>
          <Submit busy={act.busy}>{props.submitLabel ?? 'Save'}</Submit>
        </div>
      </div>
      <ActionError error={act.error} />
    </form>
  )
}
