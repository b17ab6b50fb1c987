/** Hash path -> screen. Paths under /admin/ are for operators (the shell guards them). */
import type { FunctionComponent } from 'preact'
import { AdminAuditScreen } from './admin-audit.js'
import { AdminBackupsScreen } from './admin-backups.js'
import { AdminDashboardScreen } from './admin-dashboard.js'
import { AdminHealthScreen } from './admin-health.js'
import { AdminIncidentsScreen } from './admin-incidents.js'
import { AdminInstancesScreen } from './admin-instances.js'
import { AdminMaintenanceScreen } from './admin-maintenance.js'
import { AdminSessionsScreen } from './admin-sessions.js'
import { AdminUsersScreen } from './admin-users.js'
import { ChatsScreen } from './chats.js'
import { ContactListScreen, ContactsScreen } from './contacts.js'
import { DashboardScreen } from './dashboard.js'
import { DocsScreen } from './docs.js'
import { GroupDetailScreen } from './group-detail.js'
import { GroupsScreen } from './groups.js'
import { HistoryScreen } from './history.js'
import { InstanceDetailScreen } from './instance-detail.js'
import { InstancesScreen } from './instances.js'
import { MessagesScreen } from './messages.js'
import { ProfileScreen } from './profile.js'
import { RepliesScreen } from './replies.js'
import { ScheduledScreen } from './scheduled.js'
import { SecurityScreen } from './security.js'
import { SessionsScreen } from './sessions.js'
import { TemplatesScreen } from './templates.js'
import { WebhooksScreen } from './webhooks.js'
import type { ScreenProps } from './screen-props.js'

export type RouteEntry = { path: string; screen: FunctionComponent<ScreenProps> }

export const ROUTES: RouteEntry[] = [
  { path: '/dashboard', screen: DashboardScreen },
  { path: '/instances', screen: InstancesScreen },
  { path: '/instances/:name', screen: InstanceDetailScreen },
  { path: '/instances/:name/replies', screen: RepliesScreen },
  { path: '/instances/:name/chats', screen: ChatsScreen },
  { path: '/instances/:name/chats/:jid', screen: ChatsScreen },
  { path: '/instances/:name/groups', screen: GroupsScreen },
  { path: '/instances/:name/groups/:jid', screen: GroupDetailScreen },
  { path: '/instances/:name/profile', screen: ProfileScreen },
  { path: '/messages', screen: MessagesScreen },
  { path: '/templates', screen: TemplatesScreen },
  { path: '/contacts', screen: ContactsScreen },
  { path: '/contacts/:id', screen: ContactListScreen },
  { path: '/history', screen: HistoryScreen },
  { path: '/history/job/:job', screen: HistoryScreen },
  { path: '/scheduled', screen: ScheduledScreen },
  { path: '/webhooks', screen: WebhooksScreen },
  { path: '/sessions', screen: SessionsScreen },
  { path: '/security', screen: SecurityScreen },
  { path: '/docs', screen: DocsScreen },
  { path: '/admin/dashboard', screen: AdminDashboardScreen },
  { path: '/admin/users', screen: AdminUsersScreen },
  { path: '/admin/instances', screen: AdminInstancesScreen },
  { path: '/admin/sessions', screen: AdminSessionsScreen },
  { path: '/admin/incidents', screen: AdminIncidentsScreen },
  { path: '/admin/maintenance', screen: AdminMaintenanceScreen },
  { path: '/admin/audit', screen: AdminAuditScreen },
  { path: '/admin/backups', screen: AdminBackupsScreen },
  { path: '/admin/health', screen: AdminHealthScreen },
]
