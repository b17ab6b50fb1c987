/** Password recovery in three steps: ask for a code, verify it, set the new password. */
import { useState } from 'preact/hooks'
import { authApi } from '../api/auth.js'
import { Field, Submit } from '../components/fields.js'
import { toast } from '../components/toast.js'
import { AuthCard } from './auth-card.js'
import { PASSWORD_HINT, passwordProblem } from './change-password.js'

export function RecoveryScreen(props: { onDone: () => void }) {
  const [step, setStep] = useState<1 | 2 | 3>(1)
  const [ident, setIdent] = useState('')
  const [code, setCode] = useState('')
  const [token, setToken] = useState('')
  const [pw, setPw] = useState('')
  const [pw2, setPw2] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  const run = async (e: Event, fn: () => Promise<void>) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      await fn()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  const send = () =>
    authApi.forgot(ident.trim()).then((r) => {
      toast.ok(r.message || 'If the account exists, a recovery code has been sent.')
      setStep(2)
    })

  return (
    <AuthCard subtitle={`Password recovery — step ${step} of 3`}>
      {step === 1 && (
        <form class="stack" onSubmit={(e) => run(e, send)}>
          <Field label="Username or email" name="identifier" required value={ident} onInput={setIdent} autoFocus hint="We send a 6-digit code by email or WhatsApp." />
          {error && <p class="form-error" role="alert">{error}</p>}
          <Submit busy={busy}>Send code</Submit>
        </form>
      )}
      {step === 2 && (
        <form
          class="stack"
          onSubmit={(e) =>
            run(e, async () => {
              const r = await authApi.verifyCode(ident.trim(), code.trim())
              setToken(r.reset_token)
              setStep(3)
            })
          }
        >
          <Field label="Recovery code" name="code" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} required value={code} onInput={setCode} autoFocus />
          {error && <p class="form-error" role="alert">{error}</p>}
          <Submit busy={busy}>Verify code</Submit>
          <button type="button" class="link" disabled={busy} onClick={(e) => run(e, send)}>
            Send the code again
          </button>
        </form>
      )}
      {step === 3 && (
        <form
          class="stack"
          onSubmit={(e) =>
            run(e, async () => {
              const problem = passwordProblem(pw, pw2)
              if (problem) throw new Error(problem)
              await authApi.reset(token, pw)
              toast.ok('Password reset. You can sign in now.')
              props.onDone()
            })
          }
        >
          <Field label="New password" name="new_password" type="password" autoComplete="new-password" required value={pw} onInput={setPw} hint={PASSWORD_HINT} autoFocus />
          <Field label="Repeat the new password" name="confirm_password" type="password" autoComplete="new-password" required value={pw2} onInput={setPw2} />
          {error && <p class="form-error" role="alert">{error}</p>}
          <Submit busy={busy}>Set new password</Submit>
        </form>
      )}
      <button type="button" class="link" onClick={props.onDone}>
        ← Back to sign in
      </button>
    </AuthCard>
  )
}
