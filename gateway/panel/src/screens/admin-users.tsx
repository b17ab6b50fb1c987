/** Users: create, edit limits, deactivate, unlock, reset password, delete. */
import { useState } from 'preact/hooks'
import { adminApi, type AdminUser } from '../api/admin.js'
import { Badge } from '../components/badge.js'
import { Field, Submit } from '../components/fields.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { useLoad } from '../lib/use-load.js'
import { UserForm } from './admin-user-form.js'
import type { ScreenProps } from './screen-props.js'

export function AdminUsersScreen(props: ScreenProps) {
  const [page, setPage] = useState(1)
  const [search, setSearch] = useState('')
  const [applied, setApplied] = useState('')
  const { data, reload } = useLoad(() => adminApi.users(page, applied), [page, applied])
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null)

  // A new user may land beyond page 1 (the list is by id): filter the list to it so it is in view.
  const showUser = (username: string) => (setSearch(username), setPage(1), setApplied(username))

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
                <button type="button" class="btn btn-sm" onClick={() => act(null, () => adminApi.updateUser(u.id, { unlock: true }), `${u.username} unlocked`)}>Unlock</button>
                <button type="button" class="btn btn-sm" onClick={() => act(`Send a password reset code to ${u.username}'s email?`, () => adminApi.resetPassword(u.id), 'Reset code sent')}>Reset password</button>
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
      {editing && <UserForm user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={(created) => (setEditing(null), created ? showUser(created) : void reload())} />}
    </section>
  )
}
