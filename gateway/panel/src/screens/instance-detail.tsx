/**
 * One instance: the connection (integration, real state, last disconnect reason, Cloud API ids and
 * token), stats, a 7-day sent/failed chart, recent errors, reconnect history, and links to its chats,
 * replies, groups and profile (name, picture, privacy, proxy). Admins also get its send settings.
 */
import { instancesApi } from '../api/instances.js'
import { Badge } from '../components/badge.js'
import { lastDays, StackedChart } from '../components/chart.js'
import { PageHead, Stat } from '../components/page.js'
import { Loading, Table } from '../components/table.js'
import { errorSentence } from '../lib/errors.js'
import { fmtDate } from '../lib/format.js'
import { useInterval, useLoad } from '../lib/use-load.js'
import { navigate } from '../router/index.js'
import { groupsHref } from './groups.js'
import { ConnectionCard } from './instance-connection.js'
import { HealthCard } from './instance-health.js'
import { chatsHref, repliesHref, useInstanceActions } from './instances.js'
import { profileHref } from './profile.js'
import type { ScreenProps } from './screen-props.js'
import { SendSettingsCard } from './send-settings-card.js'

/** The instance's own pages, linked from its header. */
const PAGES = [
  { label: 'Chats', href: chatsHref, testid: 'chats-link' },
  { label: 'Replies', href: repliesHref, testid: 'replies-link' },
  { label: 'Groups', href: groupsHref, testid: 'groups-link' },
  { label: 'Profile', href: profileHref, testid: 'profile-link' },
] as const

export function InstanceDetailScreen(props: ScreenProps) {
  const name = props.params.name ?? ''
  const stats = useLoad(() => instancesApi.stats(name), [name])
  const state = useLoad(() => instancesApi.state(name).catch(() => ({ instance: { state: 'unknown' } })), [name])
  // Wrapped so that "not visible" (null) is told apart from "still loading".
  const row = useLoad(() => instancesApi.get(name).then((inst) => ({ inst })), [name])
  const reload = () => void (stats.reload(), state.reload(), row.reload())
  const actions = useInstanceActions(reload)
  useInterval(() => void (state.reload(), row.reload()), 15_000, !actions.connecting)
  const s = stats.data
  const st = state.data?.instance?.state ?? 'close'
  const integration = row.data?.inst?.integration

  return (
    <section>
      <PageHead title={name} sub={<a href="#/instances">← All instances</a>}>
        {st === 'open' ? (
          <button type="button" class="btn" onClick={() => actions.logout(name, integration)}>
            Disconnect
          </button>
        ) : (
          <>
            <button type="button" class="btn btn-primary" onClick={() => actions.connect(name, integration)} data-testid="connect">
              Connect
            </button>
            {integration !== 'WHATSAPP-BUSINESS' && (
              <button type="button" class="btn" onClick={() => actions.connect(name, integration, 'pairing')} data-testid="connect-pairing">
                Link with phone number
              </button>
            )}
          </>
        )}
        {PAGES.map((p) => (
          <a key={p.testid} class="btn" href={p.href(name)} data-testid={p.testid}>
            {p.label}
          </a>
        ))}
        <button type="button" class="btn" onClick={() => actions.restart(name)}>
          Restart
        </button>
        <button type="button" class="btn btn-danger" onClick={() => actions.remove(name, () => navigate('/instances'))}>
          Delete
        </button>
      </PageHead>
      {s?.registered_at && <p class="muted small">Registered {fmtDate(s.registered_at)}</p>}
      <ConnectionCard inst={row.data ? row.data.inst : undefined} state={state.data ? st : (row.data?.inst?.state ?? 'close')} onChanged={reload} />
      <HealthCard name={name} />
      {props.user.role === 'admin' && <SendSettingsCard name={name} />}
      {!s ? (
        <Loading />
      ) : (
        <>
          <div class="stats">
            <Stat label="Total" value={s.total} />
            <Stat label="Sent" value={s.sent} />
            <Stat label="Failed" value={s.failed} />
            <Stat label="Delivery" value={`${s.delivery_rate}%`} />
          </div>
          <div class="card">
            <StackedChart
              title="Messages per day (7 days)"
              data={lastDays(7).map((day) => {
                const d = s.daily.find((x) => x.day === day)
                return { label: day.slice(5), sent: Number(d?.sent ?? 0), failed: Number(d?.failed ?? 0) }
              })}
            />
          </div>
          <details class="card" open={s.recent_errors.length > 0}>
            <summary>Recent errors ({s.recent_errors.length})</summary>
            <Table
              rows={s.recent_errors}
              rowKey={(r) => `${r.created_at}${r.phone_number}`}
              empty="No failed sends."
              columns={[
                { label: 'When', cell: (r) => fmtDate(r.created_at) },
                { label: 'Number', cell: (r) => r.phone_number },
                { label: 'Type', cell: (r) => r.message_type },
                { label: 'Error', cell: (r) => errorSentence(r.error_message, { instance: name }) || '-' },
              ]}
            />
          </details>
          <details class="card">
            <summary>Reconnect history ({s.reconnections.length})</summary>
            <Table
              rows={s.reconnections}
              rowKey={(r) => `${r.created_at}${r.action}`}
              empty="The auto-reconnect worker has not touched this instance."
              columns={[
                { label: 'When', cell: (r) => fmtDate(r.created_at) },
                { label: 'Previous state', cell: (r) => r.previous_state ?? '-' },
                { label: 'Action', cell: (r) => r.action },
                { label: 'Result', cell: (r) => <Badge value={r.result} tone={/success|reconnected|ok/.test(r.result) ? 'ok' : 'bad'} /> },
                { label: 'Error', cell: (r) => r.error_message ?? '-' },
              ]}
            />
          </details>
        </>
      )}
      {actions.modal}
    </section>
  )
}
