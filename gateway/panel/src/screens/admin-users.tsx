/**
 * Users: create, edit limits, send settings (budgets and default send mode), deactivate, unlock (locked
 * users only), email reset or temporary password, delete.
 */
import { useState } from 'preact/hooks'
import { adminApi, type AdminUser } from '../api/admin.js'
import { Badge } from '../components/badge.js'
import { Field, Submit } from '../components/fields.js'
import { confirm, Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { useLoad } from '../lib/use-load.js'
import { UserForm } from './admin-user-form.js'
import { UserSendSettingsWindow } from './admin-user-send-settings.js'
import type { ScreenProps } from './screen-props.js'

export function AdminUsersScreen(props: ScreenProps) {
  const [page, setPage] = useState(1)
  const [search, setSearch] = useState('')
  const [applied, setApplied] = useState('')
  const { data, reload } = useLoad(() => adminApi.users(page, applied), [page, applied])
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null)
  const [temporary, setTemporary] = useState<{ username: string; password: string } | null>(null)
  const [sendSettingsOf, setSendSettingsOf] = useState<AdminUser | null>(null)

  // A new user lands on the last page (the list is by id): go there, unless the admin had set a filter,
  // which stays as it was (a filter the admin did not ask for would hide everyone else).
  const showUser = (_username: string) => {
    if (applied || !data) return void reload()
    const last = Math.max(1, Math.ceil((data.total + 1) / 50))
    if (last === page) void reload()
    else setPage(last)
  }
  const locked = (u: AdminUser) => !!u.locked_until && new Date(u.locked_until) > new Date()
  const setTemporaryPassword = async (u: AdminUser) => {
    if (!(await confirm(`Set a temporary password for ${u.username}? Their sessions end now, and they must choose a new password at the next login.`, 'Set temporary password'))) return
    try {
      const r = await adminApi.temporaryPassword(u.id)
      setTemporary({ username: u.username, password: r.temporary_password })
      void reload()
    } catch (e) {
      toast.err(e)
    }
  }

  const act = async (question: string | null, fn: () => Promise<unknown>, ok: string) => {
    if (question && !(await confirm(question, 'Confirm'))) return
    try {
      await fn()
      toast.ok(ok)
      void reload()
    } catch (e) {
      toast.err(e)
    }
  }

  return (
    <section>
      <PageHead title="Users">
        <button type="button" class="btn btn-primary" onClick={() => setEditing('new')} data-testid="new-user">New user</button>
      </PageHead>
      <form class="card inline-form" onSubmit={(e) => (e.preventDefault(), setPage(1), setApplied(search))}>
        <Field label="Search by username" value={search} onInput={setSearch} />
        <Submit busy={false}>Search</Submit>
      </form>
      <Table
        testid="users-table"
        rows={data?.users ?? null}
        rowKey={(u) => u.id}
        columns={[
          { label: 'ID', cell: (u) => u.id },
          { label: 'Username', cell: (u) => <strong>{u.username}</strong> },
          { label: 'Role', cell: (u) => <Badge value={u.role} /> },
          { label: 'Max inst.', cell: (u) => (u.max_instances < 0 ? 'unlimited' : u.max_instances) },
          { label: 'Rate limit', cell: (u) => (u.rate_limit ? `${u.rate_limit}/min` : 'default') },
          { label: 'Email', cell: (u) => u.email ?? '-' },
          { label: 'State', cell: (u) => <>{u.is_active ? <Badge value="active" /> : <Badge value="inactive" />} {u.locked_until && new Date(u.locked_until) > new Date() && <Badge value="locked" tone="bad" />}</> },
          {
            label: 'Actions',
            cell: (u) => (
              <div class="actions">
                <button type="button" class="btn btn-sm" onClick={() => setEditing(u)}>Edit</button>
                <button type="button" class="btn btn-sm" onClick={() => setSendSettingsOf(u)} data-testid="send-settings">Send settings</button>
                {locked(u) && <button type="button" class="btn btn-sm" onClick={() => act(null, () => adminApi.updateUser(u.id, { unlock: true }), `${u.username} unlocked`)}>Unlock</button>}
                {u.email && <button type="button" class="btn btn-sm" onClick={() => act(`Email a password reset code to ${u.email}?`, () => adminApi.resetPassword(u.id), 'Reset code sent')}>Email reset</button>}
                <button type="button" class="btn btn-sm" onClick={() => void setTemporaryPassword(u)}>Temporary password</button>
                {u.is_active && u.id !== props.user.id && (
                  <button type="button" class="btn btn-sm" onClick={() => act(`Deactivate ${u.username}? Their sessions end now.`, () => adminApi.updateUser(u.id, { is_active: false }), `${u.username} deactivated`)}>Deactivate</button>
                )}
                {!u.is_active && <button type="button" class="btn btn-sm" onClick={() => act(null, () => adminApi.updateUser(u.id, { is_active: true }), `${u.username} activated`)}>Activate</button>}
                {u.id !== props.user.id && (
                  <button type="button" class="btn btn-sm btn-danger" onClick={() => act(`Delete ${u.username}, their instances and all their data? This cannot be undone.`, () => adminApi.deleteUser(u.id), `${u.username} deleted`)}>Delete</button>
                )}
              </div>
            ),
          },
        ]}
      />
      {data && <Pager page={data.page} pages={data.pages} total={data.total} onPage={setPage} />}
      {temporary && (
        <Modal title={`Temporary password for ${temporary.username}`} onClose={() => setTemporary(null)}>
          <p>Give it to {temporary.username} through a channel you trust. It is shown only now; at the next login they must choose their own.</p>
          <p><code class="code" data-testid="temporary-password">{temporary.password}</code></p>
          <button type="button" class="btn" onClick={() => void navigator.clipboard?.writeText(temporary.password).then(() => toast.ok('Copied'), () => undefined)}>Copy</button>
        </Modal>
      )}
      {sendSettingsOf && <UserSendSettingsWindow user={sendSettingsOf} onClose={() => setSendSettingsOf(null)} />}
      {editing && <UserForm user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={(created) => (setEditing(null), created ? showUser(created) : void reload())} />}
    </section>
  )
}
