/**
 * The app: boots from the stored session (GET /api/auth/me), shows the pre-login screens, the forced
 * password change, or the shell with the hash-routed screens. Any 401 returns to the login screen.
 */
import { useEffect, useState } from 'preact/hooks'
import { authApi } from './api/auth.js'
import { session, setUnauthorizedHandler, type SessionUser } from './api/client.js'
import { ConfirmHost } from './components/modal.js'
import { toast, Toasts } from './components/toast.js'
import { navigate } from './router/index.js'
import { ChangePasswordScreen } from './screens/change-password.js'
import { LoginScreen } from './screens/login.js'
import { RecoveryScreen } from './screens/recovery.js'
import { Shell } from './screens/shell.js'

type Stage = 'boot' | 'login' | 'recovery' | 'change-password' | 'app'

export function App() {
  const [stage, setStage] = useState<Stage>('boot')
  const [user, setUser] = useState<SessionUser | null>(session.user())

  const enter = (u: SessionUser) => {
    setUser(u)
    setStage(u.must_change_password ? 'change-password' : 'app')
  }

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setUser(null)
      setStage('login')
      toast.info('Your session ended. Please sign in again.')
    })
    if (!session.token()) return setStage('login')
    authApi.me().then(
      (r) => {
        const token = session.token()
        if (!token) return setStage('login')
        session.set(token, r.user)
        enter(r.user)
      },
      () => {
        session.clear()
        setStage('login')
      },
    )
  }, [])

  const onLogin = (token: string, u: SessionUser) => {
    session.set(token, u)
    if (!u.must_change_password) navigate(u.role === 'admin' ? '/admin/dashboard' : '/dashboard')
    enter(u)
  }

  const logout = async () => {
    try {
      await authApi.logout()
    } catch {
      /* the session may already be gone */
    }
    session.clear()
    setUser(null)
    setStage('login')
    toast.ok('Signed out')
  }

  return (
    <>
      {stage === 'boot' && <p class="boot muted">Loading…</p>}
      {stage === 'login' && <LoginScreen onLogin={onLogin} onForgot={() => setStage('recovery')} />}
      {stage === 'recovery' && <RecoveryScreen onDone={() => setStage('login')} />}
      {stage === 'change-password' && (
        <ChangePasswordScreen
          forced
          username={user?.username ?? ''}
          onDone={async (newPassword) => {
            // The change revokes every session (the current one too): sign in again with the new password.
            const name = user?.username ?? ''
            session.clear()
            try {
              const r = await authApi.login(name, newPassword)
              if (r.token && r.user) return onLogin(r.token, { ...r.user, must_change_password: false })
            } catch {
              /* fall back to the login screen */
            }
            setUser(null)
            setStage('login')
          }}
          onCancel={logout}
        />
      )}
      {stage === 'app' && user && <Shell user={user} onLogout={logout} />}
      <Toasts />
      <ConfirmHost />
    </>
  )
}
