/** Security: two-factor authentication (setup with a QR code of the otpauth URI) and password change. */
import QRCode from 'qrcode'
import { useEffect, useState } from 'preact/hooks'
import { authApi } from '../api/auth.js'
import { session } from '../api/client.js'
import { Badge } from '../components/badge.js'
import { Field, Submit } from '../components/fields.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Loading } from '../components/table.js'
import { toast } from '../components/toast.js'
import { useLoad } from '../lib/use-load.js'
import { ChangePasswordForm } from './change-password.js'
import type { ScreenProps } from './screen-props.js'

function Setup(props: { onDone: () => void; onCancel: () => void }) {
  const [setup, setSetup] = useState<{ secret: string; otpauth_uri: string } | null>(null)
  const [qr, setQr] = useState<string | null>(null)
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    authApi.setup2fa().then(async (s) => {
      setSetup(s)
      setQr(await QRCode.toDataURL(s.otpauth_uri, { errorCorrectionLevel: 'M', width: 200, margin: 1 }).catch(() => null))
    }, (e: unknown) => (toast.err(e), props.onCancel()))
  }, [])
  if (!setup) return <Loading />
  const enable = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      await authApi.enable2fa(setup.secret, code.trim())
      toast.ok('Two-factor authentication is on')
      props.onDone()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="stack" data-testid="totp-setup">
      <ol class="steps">
        <li>
          Scan this code with an authenticator app (Google Authenticator, Aegis, 1Password…).
          {qr ? <img class="qr qr-small" src={qr} alt="QR code of the authenticator secret" width={200} height={200} /> : <p class="muted">(QR code unavailable: use the key below.)</p>}
        </li>
        <li>
          Or type this key by hand: <code class="secret">{setup.secret}</code>
        </li>
        <li>
          <form class="inline-form" onSubmit={enable}>
            <Field label="The 6-digit code the app shows" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} required value={code} onInput={setCode} />
            <Submit busy={busy}>Confirm and turn on</Submit>
            <button type="button" class="btn" onClick={props.onCancel}>Cancel</button>
          </form>
        </li>
      </ol>
    </div>
  )
}

function Disable(props: { onDone: () => void }) {
  const [code, setCode] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    if (!(await confirm('Turn off two-factor authentication? Your account will be protected by the password alone.', 'Turn off'))) return
    setBusy(true)
    try {
      await authApi.disable2fa(code.trim(), password)
      toast.ok('Two-factor authentication is off')
      props.onDone()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="inline-form" onSubmit={submit}>
      <Field label="Current code" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} required value={code} onInput={setCode} />
      <Field label="Password" type="password" autoComplete="current-password" required value={password} onInput={setPassword} />
      <Submit busy={busy} class="btn-danger">Turn off 2FA</Submit>
    </form>
  )
}

export function SecurityScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => authApi.me().then((r) => r.user))
  const [settingUp, setSettingUp] = useState(false)
  return (
    <section>
      <PageHead title="Security" />
      <div class="card stack">
        <h2>
          Two-factor authentication {data && <Badge value={data.totp_enabled ? 'active' : 'inactive'} label={data.totp_enabled ? 'On' : 'Off'} />}
        </h2>
        {!data ? (
          <Loading />
        ) : data.totp_enabled ? (
          <Disable onDone={() => void reload()} />
        ) : settingUp ? (
          <Setup onDone={() => (setSettingUp(false), void reload())} onCancel={() => setSettingUp(false)} />
        ) : (
          <div>
            <p class="muted">Ask for a code from your phone at every sign-in.</p>
            <button type="button" class="btn btn-primary" onClick={() => setSettingUp(true)}>Turn on 2FA</button>
          </div>
        )}
      </div>
      <div class="card stack">
        <h2>Change password</h2>
        <p class="muted small">Changing the password signs out every session, this one included.</p>
        <ChangePasswordForm
          onDone={() => {
            session.clear()
            location.reload()
          }}
        />
      </div>
      <p class="muted small">Five failed sign-ins lock the account for 15 minutes; an operator can unlock it.</p>
    </section>
  )
}
