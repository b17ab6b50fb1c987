/** Operator dashboard: users, instances, messages, uptime; refreshed every 30 s. */
import { adminApi } from '../api/admin.js'
import { Badge } from '../components/badge.js'
import { PageHead, Stat } from '../components/page.js'
import { Loading } from '../components/table.js'
import { fmtDate, fmtDuration } from '../lib/format.js'
import { useInterval, useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

const ICON: Record<string, string> = { user_created: 'U', instance_created: 'I', message_sent: 'M', message_failed: 'M', message_unconfirmed: 'M', user_login: 'L' }

export function AdminDashboardScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => adminApi.dashboard())
  useInterval(() => void reload(), 30_000)
  return (
    <section>
      <PageHead title="Operations dashboard" sub="Refreshes every 30 seconds.">
        <button type="button" class="btn" onClick={() => void reload()}>Refresh</button>
      </PageHead>
      {!data ? (
        <Loading />
      ) : (
        <>
          <div class="stats" data-testid="admin-dashboard">
            <Stat label="Users" value={data.users.total} sub={`${data.users.active} active`} />
            <Stat label="Instances connected" value={`${data.instances.connected} / ${data.instances.total_evolution}`} sub={`${data.instances.total_registered} registered`} />
            <Stat label="Messages today" value={data.messages.today} sub={`${data.messages.sent} sent · ${data.messages.failed} failed in total`} />
            <Stat label="Delivery rate" value={`${data.messages.delivery_rate}%`} sub={`of ${data.messages.total} messages`} />
            <Stat label="Uptime (30 d)" value={`${data.uptime_30d}%`} sub={data.uptime_seconds !== undefined ? `gateway up ${fmtDuration(data.uptime_seconds)}` : undefined} />
          </div>
          <div class="row">
            <div class="card grow">
              <h2>Recent activity</h2>
              <ul class="activity">
                {data.recent_activity.length === 0 && <li class="muted">Nothing yet.</li>}
                {data.recent_activity.map((a, i) => (
                  <li key={i}>
                    <span class={`icon icon-${a.type}`}>{ICON[a.type] ?? '•'}</span> {a.type.replace(/_/g, ' ')} <strong>{a.name}</strong> <span class="muted small">{fmtDate(a.created_at)}</span>
                  </li>
                ))}
              </ul>
            </div>
            <div class="card grow">
              <h2>Recent reconnections</h2>
              <ul class="activity">
                {data.recent_reconnections.length === 0 && <li class="muted">None.</li>}
                {data.recent_reconnections.map((r, i) => (
                  <li key={i}>
                    <span class="icon">R</span> <strong>{r.instance_name}</strong> <Badge value={r.result} /> <span class="muted small">{fmtDate(r.created_at)}</span>
                  </li>
                ))}
              </ul>
            </div>
          </div>
        </>
      )}
    </section>
  )
}
