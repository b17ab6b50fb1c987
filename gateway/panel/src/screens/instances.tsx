/**
 * Instances: create (WhatsApp Web or Cloud API), live state badges (the shared model of lib/instance-state,
 * pushed by the live stream), connect (QR / pairing code), restart, logout, delete.
 */
import { useState } from 'preact/hooks'
import { instancesApi, type Instance } from '../api/instances.js'
import { Badge, StateBadge } from '../components/badge.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Empty, Loading } from '../components/table.js'
import { toast } from '../components/toast.js'
import { BAILEYS, CLOUD_API, integrationLabel } from '../lib/instance-rules.js'
import { useInstances } from '../lib/instance-state.js'
import { ConnectModal, type ConnectTab, type ConnectTarget } from './connect-modal.js'
import { CreateInstanceForm } from './create-instance-form.js'
import type { ScreenProps } from './screen-props.js'

export const repliesHref = (name: string) => `#/instances/${encodeURIComponent(name)}/replies`
/** The Chats screen of an instance, or one conversation in it. */
export const chatsHref = (name: string, jid?: string) => `#/instances/${encodeURIComponent(name)}/chats${jid ? `/${encodeURIComponent(jid)}` : ''}`

/** Actions shared by the list and the detail screen. */
export function useInstanceActions(reload: () => void) {
  const [connecting, setConnecting] = useState<ConnectTarget | null>(null)
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
    connect: (name: string, integration: string = BAILEYS, tab: ConnectTab = 'qr') => setConnecting({ name, integration, tab }),
    modal: connecting && <ConnectModal key={connecting.name} {...connecting} onClose={() => setConnecting(null)} onConnected={reload} />,
    restart: (name: string) => act(() => instancesApi.restart(name), `${name} is restarting`),
    logout: async (name: string, integration: string = BAILEYS) => {
      const after = integration === CLOUD_API ? 'It stops sending until you connect it again.' : 'You will need to scan a QR code again.'
      if (await confirm(`Disconnect ${name} from WhatsApp? ${after}`, 'Disconnect')) void act(() => instancesApi.logout(name), `${name} disconnected`)
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
      <p class="muted small">
        <Badge value={inst.integration} tone="info" label={integrationLabel(inst.integration)} />{' '}
        {inst.phone ? `+${inst.phone}` : 'No phone linked'}
        {inst.profileName ? ` · ${inst.profileName}` : ''}
      </p>
      <div class="actions">
        {inst.state === 'open' ? (
          <button type="button" class="btn btn-sm" onClick={() => actions.logout(inst.name, inst.integration)}>
            Disconnect
          </button>
        ) : (
          <button type="button" class="btn btn-sm btn-primary" onClick={() => actions.connect(inst.name, inst.integration)}>
            Connect
          </button>
        )}
        <button type="button" class="btn btn-sm" onClick={() => actions.restart(inst.name)}>
          Restart
        </button>
        <a class="btn btn-sm" href={`#/instances/${encodeURIComponent(inst.name)}`}>
          Details
        </a>
        <a class="btn btn-sm" href={chatsHref(inst.name)}>
          Chats
        </a>
        <a class="btn btn-sm" href={repliesHref(inst.name)}>
          Replies
        </a>
        <button type="button" class="btn btn-sm btn-danger" onClick={() => actions.remove(inst.name)}>
          Delete
        </button>
      </div>
    </article>
  )
}

export function InstancesScreen(_: ScreenProps) {
  const { list: data, reload: reloadList } = useInstances()
  const reload = () => reloadList().catch((e: unknown) => toast.err(e))
  const actions = useInstanceActions(() => void reload())

  const created = async (name: string, integration: string) => {
    await reload()
    // WhatsApp Web needs a phone to link it; a Cloud API instance is already connected (or says why not).
    if (integration !== CLOUD_API) actions.connect(name, integration)
  }

  return (
    <section>
      <PageHead title="Instances" sub="Each instance is one WhatsApp number linked to the gateway.">
        <button type="button" class="btn" onClick={() => void reload()}>
          Refresh
        </button>
      </PageHead>
      <CreateInstanceForm onCreated={(n, i) => void created(n, i)} />
      {data === null ? (
        <Loading />
      ) : data.length === 0 ? (
        <Empty text="No instances yet: create one above, then link it with a QR code or a pairing code (or use the Cloud API)." />
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
