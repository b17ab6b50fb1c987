/** My sessions: revoke one, or log out everywhere. */
import { authApi } from '../api/auth.js'
import { sessionsApi } from '../api/sessions.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

export function SessionsScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => sessionsApi.mine().then((r) => r.sessions))
  const revoke = async (id: number, current?: boolean) => {
    if (!(await confirm(current ? 'Revoke the session you are using now? You will be signed out.' : 'Revoke this session?', 'Revoke'))) return
    try {
      await sessionsApi.revoke(id)
    } catch (e) {
      return toast.err(e)
    }
    // This very session: the next request is a 401, whose handler returns to the login screen with one
    // message ("Your session ended"). No success toast, no reload that would fail twice more.
    if (current) return void authApi.me().catch(() => undefined)
    toast.ok('Session revoked')
    void reload()
  }
  const everywhere = async () => {
    if (!(await confirm('Sign out of every session, this one included?', 'Sign out everywhere'))) return
    await authApi.logoutAll().then(() => location.reload(), toast.err)
  }
  return (
    <section>
      <PageHead title="Sessions" sub="Where your account is signed in.">
        <button type="button" class="btn btn-danger" onClick={everywhere}>Sign out everywhere</button>
      </PageHead>
      <Table
        rows={data}
        rowKey={(s) => s.id}
        empty="No active sessions."
        columns={[
          { label: 'IP', cell: (s) => s.ip_address ?? '-' },
          { label: 'Browser', cell: (s) => <span class="truncate" title={s.user_agent ?? ''}>{s.device ?? s.user_agent ?? '-'}</span> },
          { label: 'Last active', cell: (s) => <>{fmtDate(s.last_active)} {s.current && <span class="badge badge-info">this session</span>}</> },
          { label: 'Signed in', cell: (s) => fmtDate(s.created_at) },
          { label: '', cell: (s) => <button type="button" class="btn btn-sm btn-danger" onClick={() => revoke(s.id, s.current)}>Revoke</button> },
        ]}
      />
    </section>
  )
}
