/**
 * The instance screen's "Connection" card: the integration, the real state, the last disconnect reason
 * in words (lib/disconnect-reasons.ts), the linked phone; for the Cloud API the phone number id, the
 * business account id, the token as "set" (never its value) and a form to replace it.
 */
import { useState } from 'preact/hooks'
import { instancesApi, type Instance } from '../api/instances.js'
import { Badge, StateBadge } from '../components/badge.js'
import { Field, Submit } from '../components/fields.js'
import { confirm } from '../components/modal.js'
import { toast } from '../components/toast.js'
import { disconnectReason } from '../lib/disconnect-reasons.js'
import { fmtDate } from '../lib/format.js'
import { CLOUD_API, integrationLabel } from '../lib/instance-rules.js'

/** `inst`: undefined while loading, null when the instance is not in your list. */
export function ConnectionCard(props: { inst: Instance | null | undefined; state: string; onChanged: () => void }) {
  const { inst, state } = props
  if (inst === undefined) return <div class="card muted">Loading the connection…</div>
  if (inst === null) return <div class="card muted" data-testid="connection-card">This instance is not in your list.</div>
  const cloud = inst.integration === CLOUD_API
  const reason = state === 'open' ? null : disconnectReason(inst.disconnectCode, inst.integration)
  return (
    <div class="card connection" data-testid="connection-card">
      <h2>Connection</h2>
      <dl class="facts">
        <dt>Integration</dt>
        <dd data-testid="integration">{integrationLabel(inst.integration)}</dd>
        <dt>State</dt>
        <dd data-testid="instance-state">
          <StateBadge state={state} /> <span class="muted small">{state}</span>
        </dd>
        {reason && (
          <>
            <dt>Last disconnect</dt>
            <dd data-testid="disconnect-reason">
              <span class={`reason reason-${reason.tone}`}>{reason.words}</span>{' '}
              <span class="muted small">
                (code {reason.code}
                {inst.disconnectAt ? `, ${fmtDate(inst.disconnectAt)}` : ''})
              </span>
            </dd>
          </>
        )}
        <dt>{cloud ? 'Business phone' : 'Linked phone'}</dt>
        <dd>{inst.phone ? `+${inst.phone}` : 'none yet'}{inst.profileName ? ` · ${inst.profileName}` : ''}</dd>
        {cloud && (
          <>
            <dt>Phone number id</dt>
            <dd data-testid="phone-number-id">{inst.phoneNumberId ?? '-'}</dd>
            <dt>Business account id</dt>
            <dd>{inst.businessId ?? '-'}</dd>
            <dt>Access token</dt>
            <dd data-testid="token-state">{inst.tokenSet ? <Badge value="set" tone="ok" label="set (hidden)" /> : <Badge value="missing" tone="bad" label="missing" />}</dd>
          </>
        )}
      </dl>
      {cloud && <ReplaceToken inst={inst} onChanged={props.onChanged} />}
    </div>
  )
}

/**
 * Neither the upstream nor Evolution has a route that changes an instance's token, so a new token
 * means deleting the instance and creating it again with the same name and ids (what
 * docs/whatsapp-cloud-api.md tells API users to do). The confirm says what that costs.
 */
function ReplaceToken(props: { inst: Instance; onChanged: () => void }) {
  const { inst } = props
  const [token, setToken] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const t = token.trim()
    if (!t) return toast.err('Paste the new access token first')
    if (!inst.phoneNumberId) return toast.err('This instance has no phone number id: delete it and create it again')
    const ok = await confirm(
      `Replacing the token re-creates ${inst.name} with the same phone number id. Its webhooks and pending scheduled messages are removed; its history and replies stay.`,
      'Replace token',
    )
    if (!ok) return
    setBusy(true)
    try {
      await instancesApi.remove(inst.name)
      try {
        await instancesApi.create({ instanceName: inst.name, integration: CLOUD_API, token: t, number: inst.phoneNumberId, ...(inst.businessId ? { businessId: inst.businessId } : {}) })
      } catch (err) {
        toast.err(`${inst.name} was deleted but could not be created again: create it on the Instances screen (${err instanceof Error ? err.message : String(err)})`)
        return
      }
      setToken('')
      toast.ok(`Token of ${inst.name} replaced`)
      props.onChanged()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="inline-form" onSubmit={submit} aria-label="Replace the access token" data-testid="replace-token-form">
      <Field label="New access token" name="newToken" type="password" autoComplete="off" value={token} onInput={setToken} placeholder="EAAG…" />
      <Submit busy={busy} testid="replace-token">Replace token</Submit>
    </form>
  )
}
