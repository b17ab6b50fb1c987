/**
 * The instance's outbound proxy (GET /proxy/find, POST /proxy/set with Evolution's body). The saved
 * password is never shown: the field starts empty, and left empty it keeps the saved one (held in memory
 * only to send it back, as the upstream replaces the whole row). The upstream tests a proxy before saving
 * it and the gateway refuses private addresses: their refusals are shown under the form. The proxy
 * applies from the instance's next connection.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { errorText } from '../api/client.js'
import { PROXY_PROTOCOLS, proxyApi, type ProxyBody, type ProxyRow } from '../api/proxy.js'
import { ActionError, FormEnd, useAction } from '../components/action.js'
import { Check, Field, Select } from '../components/fields.js'
import { Loading } from '../components/table.js'

type Form = { enabled: boolean; host: string; port: string; protocol: string; username: string; password: string }

const fromRow = (r: ProxyRow | null): Form => ({
  enabled: r?.enabled === true,
  host: r?.host ?? '',
  port: r?.port === undefined || r.port === null ? '' : String(r.port),
  protocol: r?.protocol || 'http',
  username: r?.username ?? '',
  password: '',
})

export function ProxyForm(props: { name: string }) {
  const [form, setForm] = useState<Form | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  /** The saved password, never rendered; sent back when the field is left empty. */
  const saved = useRef('')
  const act = useAction()

  const apply = (r: ProxyRow | null | undefined) => {
    saved.current = r?.password ?? ''
    setForm(fromRow(r ?? null))
  }
  useEffect(() => {
    proxyApi.find(props.name).then(apply, (e: unknown) => {
      setLoadError(errorText(e))
      setForm(fromRow(null))
    })
  }, [props.name])

  if (!form) return <div class="card"><h2>Proxy</h2><Loading /></div>
  const set = <K extends keyof Form>(k: K) => (v: Form[K]) => setForm({ ...form, [k]: v })

  const submit = async (e: Event) => {
    e.preventDefault()
    const password = form.password || saved.current
    const body: ProxyBody = {
      enabled: form.enabled,
      host: form.host.trim(),
      port: form.port.trim(),
      protocol: form.protocol,
      ...(form.username.trim() ? { username: form.username.trim() } : {}),
      ...(form.username.trim() && password ? { password } : {}),
    }
    await act.run(async () => {
      const r = await proxyApi.set(props.name, body)
      apply(r.proxy?.proxy ?? { ...body, password: body.password ?? '' })
      setLoadError(null)
    }, form.enabled ? 'Proxy saved: it applies from the next connection' : 'Proxy turned off')
  }

  return (
    <form class="card stack" onSubmit={submit} aria-label="Proxy" data-testid="proxy-form">
      <h2>Proxy</h2>
      <p class="muted small">Route this instance's WhatsApp connection through a proxy. It is tested before it is saved, and used from the next connection (restart the instance to apply it now).</p>
      <ActionError error={loadError} testid="proxy-load-error" />
      <Check label="Use a proxy" checked={form.enabled} onChange={set('enabled')} />
      <div class="row">
        <Select label="Protocol" name="protocol" value={form.protocol} onChange={set('protocol')} options={[...PROXY_PROTOCOLS]} />
        <Field label="Host" name="host" value={form.host} onInput={set('host')} required={form.enabled} placeholder="proxy.example.com" autoComplete="off" />
        <Field label="Port" name="port" inputMode="numeric" pattern="[0-9]{1,5}" value={form.port} onInput={set('port')} required={form.enabled} placeholder="3128" />
      </div>
      <div class="row">
        <Field label="Username (optional)" name="proxy-username" value={form.username} onInput={set('username')} autoComplete="off" />
        <Field
          label="Password (optional)"
          name="proxy-password"
          type="password"
          value={form.password}
          onInput={set('password')}
          autoComplete="new-password"
          hint={saved.current ? 'A password is saved; leave this empty to keep it.' : undefined}
        />
      </div>
      <FormEnd act={act} testid="save-proxy">
        Save proxy
      </FormEnd>
    </form>
  )
}
