/** Every user's active sessions; revoke any. */
import { useState } from 'preact/hooks'
import { sessionsApi } from '../api/sessions.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

export function AdminSessionsScreen(_: ScreenProps) {
  const [page, setPage] = useState(1)
  const { data, reload } = useLoad(() => sessionsApi.all(page), [page])
  const revoke = async (id: number, who: string) => {
    if (!(await confirm(`Revoke this session of ${who}?`, 'Revoke'))) return
    await sessionsApi.adminRevoke(id).then(() => (toast.ok('Session revoked'), reload()), toast.err)
  }
  return (
    <section>
      <PageHead title="All sessions" />
      <Table
        rows={data?.sessions ?? null}
        rowKey={(s) => s.id}
        columns={[
          { label: 'User', cell: (s) => s.username ?? `#${s.user_id}` },
          { label: 'IP', cell: (s) => s.ip_address ?? '-' },
          { label: 'Browser', cell: (s) => <span class="truncate" title={s.user_agent ?? ''}>{s.device ?? s.user_agent ?? '-'}</span> },
          { label: 'Last active', cell: (s) => fmtDate(s.last_active) },
          { label: '', cell: (s) => <button type="button" class="btn btn-sm btn-danger" onClick={() => revoke(s.id, s.username ?? 'this user')}>Revoke</button> },
        ]}
      />
      {data && <Pager page={data.page} pages={data.pages} total={data.total} onPage={setPage} />}
    </section>
  )
}
