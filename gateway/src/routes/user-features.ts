/**
 * @module routes/user-features
 * Mounts the user-feature families: templates, contacts, webhooks (+ the internal receivers the
 * upstream posts to), scheduled and bulk messages, message history and export, dashboards, the panel's live event stream.
 */
import type { Deps } from '../deps.js'
import type { Router } from '../lib/route.js'
import { contactRoutes } from './contacts/index.js'
import { dashboardRoutes } from './dashboards/index.js'
import { eventRoutes } from './events/index.js'
import { instanceHealthRoutes } from './instance-health/index.js'
import { internalRoutes } from './internal/index.js'
import { messageRoutes } from './messages/index.js'
import { scheduledRoutes } from './scheduled/index.js'
import { templateRoutes } from './templates/index.js'
import { webhookRoutes } from './webhooks/index.js'

export function userFeatureRoutes(r: Router, deps: Deps): void {
  templateRoutes(r, deps)
  contactRoutes(r, deps)
  webhookRoutes(r, deps)
  internalRoutes(r, deps)
  scheduledRoutes(r, deps)
  messageRoutes(r, deps)
  dashboardRoutes(r, deps)
  instanceHealthRoutes(r, deps)
  eventRoutes(r, deps)
}
