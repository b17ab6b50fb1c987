/** Password change: forced after an admin set the password, or from Security. */
import { useState } from 'preact/hooks'
import { authApi } from '../api/auth.js'
import { Field, Submit } from '../components/fields.js'
import { toast } from '../components/toast.js'
import { AuthCard } from './auth-card.js'

export const PASSWORD_HINT = 'At least 8 characters, with upper case, lower case and a digit.'

export function passwordProblem(pw: string, confirm: string): string | null {
  if (pw.length < 8) return 'The new password needs at least 8 characters'
  if (!/[A-Z]/.test(pw) || !/[a-z]/.test(pw) || !/[0-9]/.test(pw)) return 'The new password needs upper case, lower case and a digit'
  if (pw !== confirm) return 'The two new passwords do not match'
  return null
}

export function ChangePasswordForm(props: { onDone: (newPassword: string) => void }) {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [again, setAgain] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  const submit = async (e: Event) => {
    e.preventDefault()
    const problem = passwordProblem(next, again)
    if (problem) return setError(problem)
    setBusy(true)
    setError('')
    try {
      await authApi.changePassword(current, next)
      toast.ok('Password changed')
      props.onDone(next)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} class="stack" aria-label="Change password" data-testid="change-password-form">
      <Field label="Current password" name="current_password" type="password" autoComplete="current-password" required value={current} onInput={setCurrent} />
      <Field label="New password" name="new_password" type="password" autoComplete="new-password" required minLength={8} value={next} onInput={setNext} hint={PASSWORD_HINT} />
      <Field label="Repeat the new password" name="confirm_password" type="password" autoComplete="new-password" required minLength={8} value={again} onInput={setAgain} />
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <Submit busy={busy}>Change password</Submit>
    </form>
  )
}

export function ChangePasswordScreen(props: { forced?: boolean; username: string; onDone: (newPassword: string) => void; onCancel: () => void }) {
  return (
    <AuthCard subtitle={props.forced ? `Hello ${props.username}: choose a new password before you continue.` : 'Change your password'}>
      <ChangePasswordForm onDone={props.onDone} />
      <button type="button" class="link" onClick={props.onCancel}>
        Sign out
      </button>
    </AuthCard>
  )
}
