/** My dashboard: message counts, delivery rate, instances used with each one's state, and a 7-day chart. */
import { dashboardApi } from '../api/dashboard.js'
import { StateBadge } from '../components/badge.js'
import { BarChart, lastDays, shortDay } from '../components/chart.js'
import { PageHead, Stat } from '../components/page.js'
import { Loading } from '../components/table.js'
import { useLoad } from '../lib/use-load.js'
import { useInstanceStates } from '../lib/send-readiness.js'
import type { ScreenProps } from './screen-props.js'

/** Each instance with its connection state, from the panel's shared (live) state model. */
function InstanceStates() {
  const { list } = useInstanceStates()
  if (!list || list.length === 0) return null
  return (
    <section class="card" aria-labelledby="dash-instances">
      <h2 id="dash-instances">Instances</h2>
      <ul class="instance-states" data-testid="dashboard-instances">
        {list.map((i) => (
          <li key={i.name} data-instance={i.name}>
            <a href={`#/instances/${encodeURIComponent(i.name)}`}>{i.name}</a> <StateBadge state={i.state ?? 'close'} />
          </li>
        ))}
      </ul>
    </section>
  )
}

export function DashboardScreen(props: ScreenProps) {
  const { data, reload } = useLoad(() => dashboardApi.mine())
  return (
    <section>
      <PageHead title="My dashboard" sub={`Signed in as ${props.user.username}`}>
        <button type="button" class="btn" onClick={() => void reload()}>
          Refresh
        </button>
      </PageHead>
      {!data ? (
        <Loading />
      ) : (
        <>
          <div class="stats" data-testid="user-dashboard">
            <Stat label="Today" value={data.messages_today} sub="last 24 h" testid="stat-today" />
            <Stat label="7 days" value={data.messages_week} />
            <Stat label="30 days" value={data.messages_month} />
            <Stat label="Delivery rate" value={`${data.delivery_rate}%`} sub={`${data.messages_total} messages in total`} />
            {(data.unconfirmed ?? 0) > 0 && <Stat label="Unconfirmed" value={data.unconfirmed} sub="no server ack in time: see History" testid="stat-unconfirmed" />}
            <Stat label="Instances" value={`${data.instances} of ${data.max_instances}`} sub="used of your limit" />
          </div>
          <InstanceStates />
          <div class="card">
            <BarChart
              title="Messages per day (7 days)"
              data={lastDays(7).map((day) => ({ label: shortDay(day), value: data.daily.find((d) => d.day === day)?.count ?? 0 }))}
            />
          </div>
        </>
      )}
    </section>
  )
}
