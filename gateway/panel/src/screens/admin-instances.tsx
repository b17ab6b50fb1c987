/** Instance access grants: every registered instance with its owner; grant or revoke access for other users. */
import { useState } from 'preact/hooks'
import { adminApi, type InstanceGrants } from '../api/admin.js'
import { Badge } from '../components/badge.js'
import { Select, Submit } from '../components/fields.js'
import { confirm, Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Empty, Loading } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

function GrantModal(props: { inst: InstanceGrants; onClose: () => void; onSaved: () => void }) {
  const users = useLoad(() => adminApi.users(1).then((r) => r.users))
  const [userId, setUserId] = useState('')
  const [busy, setBusy] = useState(false)
  const taken = new Set([props.inst.owner_id, ...props.inst.grants.map((g) => g.user_id)])
  const options = (users.data ?? []).filter((u) => !taken.has(u.id))
  const save = async (e: Event) => {
    e.preventDefault()
    const id = Number(userId || options[0]?.id)
    if (!id) return
    setBusy(true)
    try {
      await adminApi.grant(props.inst.instance_name, id)
      toast.ok('Access granted')
      props.onSaved()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal title={`Give access to ${props.inst.instance_name}`} onClose={props.onClose}>
      {!users.data ? <Loading /> : options.length === 0 ? <Empty text="Every user already has access." /> : (
        <form class="stack" onSubmit={save}>
          <Select label="User" value={userId || String(options[0]?.id ?? '')} onChange={setUserId} options={options.map((u) => ({ value: String(u.id), label: `${u.username} (#${u.id})` }))} />
          <Submit busy={busy}>Grant access</Submit>
        </form>
      )}
    </Modal>
  )
}

export function AdminInstancesScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => adminApi.instances().then((r) => r.instances))
  const [granting, setGranting] = useState<InstanceGrants | null>(null)
  const revoke = async (i: InstanceGrants, userId: number, username: string) => {
    if (!(await confirm(`Remove ${username}'s access to ${i.instance_name}?`, 'Remove access'))) return
    await adminApi.revokeGrant(i.instance_name, userId).then(() => (toast.ok('Access removed'), reload()), toast.err)
  }
  return (
    <section>
      <PageHead title="Instance access" sub="A grant lets another user send through an instance they do not own." />
      {data === null ? <Loading /> : data.length === 0 ? <Empty text="No instances registered." /> : (
        <div class="grid">
          {data.map((i) => (
            <article class="card" key={i.instance_name}>
              <header class="card-head">
                <h2>{i.instance_name}</h2>
                <Badge value={i.channel_type} tone="info" />
              </header>
              <p class="small">Owner: <strong>{i.owner_username}</strong> (#{i.owner_id}) · <span class="muted">{fmtDate(i.created_at)}</span></p>
              <div class="tags">
                {i.grants.length === 0 && <span class="muted small">No grants.</span>}
                {i.grants.map((g) => (
                  <span class="tag" key={g.user_id}>
                    {g.username}
                    <button type="button" aria-label={`Remove ${g.username}`} onClick={() => revoke(i, g.user_id, g.username)}>×</button>
                  </span>
                ))}
              </div>
              <button type="button" class="btn btn-sm" onClick={() => setGranting(i)}>+ Give access</button>
            </article>
          ))}
        </div>
      )}
      {granting && <GrantModal inst={granting} onClose={() => setGranting(null)} onSaved={() => (setGranting(null), void reload())} />}
    </section>
  )
}
