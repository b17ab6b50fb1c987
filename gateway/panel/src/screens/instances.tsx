/** Instances: create, live state badges, connect (QR / pairing code), restart, logout, delete. */
import { useState } from 'preact/hooks'
import { instancesApi, type Instance } from '../api/instances.js'
import { StateBadge } from '../components/badge.js'
import { Field, Submit } from '../components/fields.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Empty, Loading } from '../components/table.js'
import { toast } from '../components/toast.js'
import { useInterval, useLoad } from '../lib/use-load.js'
import { ConnectModal } from './connect-modal.js'
import type { ScreenProps } from './routes.js'

/** Actions shared by the list and the detail screen. */
export function useInstanceActions(reload: () => void) {
  const [connecting, setConnecting] = useState<string | null>(null)
  const act = async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn()
      toast.ok(ok)
      reload()
    } catch (e) {
      toast.err(e)
    }
  }
  return {
    connecting,
    connect: (name: string) => setConnecting(name),
    modal: connecting && <ConnectModal name={connecting} onClose={() => setConnecting(null)} onConnected={reload} />,
    restart: (name: string) => act(() => instancesApi.restart(name), `${name} is restarting`),
    logout: async (name: string) => {
      if (await confirm(`Disconnect ${name} from WhatsApp? You will need to scan a QR code again.`, 'Disconnect')) void act(() => instancesApi.logout(name), `${name} disconnected`)
    },
    remove: async (name: string, after?: () => void) => {
      if (!(await confirm(`Delete the instance ${name}? Its webhooks and pending scheduled messages go too.`, 'Delete'))) return
      try {
        await instancesApi.remove(name)
        toast.ok(`${name} deleted`)
        after ? after() : reload()
      } catch (e) {
        toast.err(e)
      }
    },
  }
}

export function InstanceCard(props: { inst: Instance; actions: ReturnType<typeof useInstanceActions> }) {
  const { inst, actions } = props
  return (
    <article class="card instance-card" data-testid={`instance-${inst.name}`}>
      <header>
        <a href={`#/instances/${encodeURIComponent(inst.name)}`} class="instance-name">
          {inst.name}
        </a>
        <StateBadge state={inst.state} />
      </header>
      <p class="muted small">{inst.phone ? `+${inst.phone}` : 'No phone linked'}{inst.profileName ? ` · ${inst.profileName}` : ''}</p>
      <div class="actions">
        {inst.state === 'open' ? (
          <button type="button" class="btn btn-sm" onClick={() => actions.logout(inst.name)}>
            Disconnect
          </button>
        ) : (
          <button type="button" class="btn btn-sm btn-primary" onClick={() => actions.connect(inst.name)}>
            Connect
          </button>
        )}
        <button type="button" class="btn btn-sm" onClick={() => actions.restart(inst.name)}>
          Restart
        </button>
        <a class="btn btn-sm" href={`#/instances/${encodeURIComponent(inst.name)}`}>
          Details
        </a>
        <button type="button" class="btn btn-sm btn-danger" onClick={() => actions.remove(inst.name)}>
          Delete
        </button>
      </div>
    </article>
  )
}

export function InstancesScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => instancesApi.list())
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const actions = useInstanceActions(() => void reload())
  useInterval(() => void reload(), 10_000, !actions.connecting)

  const create = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      await instancesApi.create(name.trim())
      toast.ok(`Instance ${name.trim()} created`)
      const created = name.trim()
      setName('')
      await reload()
      actions.connect(created)
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section>
      <PageHead title="Instances" sub="Each instance is one WhatsApp number linked to the gateway.">
        <button type="button" class="btn" onClick={() => void reload()}>
          Refresh
        </button>
      </PageHead>
      <form class="card inline-form" onSubmit={create} aria-label="Create instance">
        <Field label="New instance name" name="instanceName" required maxLength={100} title="Letters, digits, - and _; starts with a letter or digit" value={name} onInput={setName} placeholder="sales-team" />
        <Submit busy={busy} testid="create-instance">Create instance</Submit>
      </form>
      {data === null ? (
        <Loading />
      ) : data.length === 0 ? (
        <Empty text="No instances yet: create one above, then connect it with a QR code." />
      ) : (
        <div class="grid">
          {data.map((i) => (
            <InstanceCard key={i.name} inst={i} actions={actions} />
          ))}
        </div>
      )}
      {actions.modal}
    </section>
  )
}
