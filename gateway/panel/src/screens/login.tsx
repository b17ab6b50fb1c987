/** Login, with the 2FA step when the account needs it (the whole request is repeated with the code). */
import { useState } from 'preact/hooks'
import { authApi } from '../api/auth.js'
import type { SessionUser } from '../api/client.js'
import { Field, Submit } from '../components/fields.js'
import { toast } from '../components/toast.js'
import { AuthCard } from './auth-card.js'

export function LoginScreen(props: { onLogin: (token: string, user: SessionUser) => void; onForgot: () => void }) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [needCode, setNeedCode] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      const r = await authApi.login(username.trim(), password, needCode ? code.trim() : undefined)
      if (r.requires_2fa) {
        setNeedCode(true)
        toast.info('Enter the code from your authenticator app')
        return
      }
      if (r.token && r.user) props.onLogin(r.token, r.user)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthCard subtitle="WhatsApp gateway panel">
      <form onSubmit={submit} class="stack" aria-label="Sign in" data-testid="login-form">
        {!needCode ? (
          <>
            <Field label="Username" name="username" autoComplete="username" required value={username} onInput={setUsername} autoFocus />
            <Field label="Password" name="password" type="password" autoComplete="current-password" required value={password} onInput={setPassword} />
          </>
        ) : (
          <Field
            label="Authenticator code"
            name="totp_code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            value={code}
            onInput={setCode}
            autoFocus
            hint="The 6-digit code your authenticator app shows for TAGUATO-SEND."
          />
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <Submit busy={busy}>{needCode ? 'Verify' : 'Sign in'}</Submit>
        {needCode ? (
          <button type="button" class="link" onClick={() => (setNeedCode(false), setCode(''))}>
            ← Back to sign in
          </button>
        ) : (
          <button type="button" class="link" onClick={props.onForgot}>
            Forgot your password?
          </button>
        )}
      </form>
    </AuthCard>
  )
}
