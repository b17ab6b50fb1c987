/**
 * An action with its outcome kept beside the form that started it: a busy flag, and the error's own words
 * (a proxied Evolution 400 says what went wrong in `response.message`, client.ts reads it) shown in an
 * alert under the form, where keyboard and screen-reader users are, instead of a toast that fades away.
 * Success still goes to a toast.
 */
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { errorText } from '../api/client.js'
import { Submit } from './fields.js'
import { toast } from './toast.js'

export type Action = {
  busy: boolean
  error: string | null
  /** Runs fn; true when it went through (then `ok`, if given, is toasted). */
  run: (fn: () => Promise<unknown>, ok?: string) => Promise<boolean>
  fail: (text: string | null) => void
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async (fn: () => Promise<unknown>, ok?: string) => {
    setBusy(true)
    setError(null)
    try {
      await fn()
      if (ok) toast.ok(ok)
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, run, fail: setError }
}

/** The alert under a form; nothing when there is no error. */
export function ActionError(props: { error: string | null; testid?: string }) {
  if (!props.error) return null
  return (
    <p class="form-error" role="alert" data-testid={props.testid ?? 'action-error'}>
      {props.error}
    </p>
  )
}

/** The end of a form: the action's error, then its submit button. */
export function FormEnd(props: { act: Action; children: ComponentChildren; testid?: string }) {
  return (
    <>
      <ActionError error={props.act.error} />
      <div>
        <Submit busy={props.act.busy} testid={props.testid}>
          {props.children}
        </Submit>
      </div>
    </>
  )
}
