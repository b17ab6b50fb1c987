/**
 * @module routes/incidents/schemas
 * Bodies of /admin/incidents (R7, docs/decisions.md#r7): check order and messages are the reference's; every
 * field is read through its rule, and `service_ids` must name existing services.
 */
import * as v from 'valibot'
import { enumRule } from '../../lib/rules.js'
import { requiredText } from '../../services/status/inputs.js'

export const SEVERITIES = ['minor', 'major', 'critical'] as const
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const

const TITLE_SEVERITY = 'title and severity are required'
export const SeverityRule = v.pipe(v.string(TITLE_SEVERITY), v.nonEmpty(TITLE_SEVERITY), enumRule('severity', SEVERITIES))
export const TitleRule = requiredText(TITLE_SEVERITY, 'title', 255)
export const StatusRule = enumRule('status', INCIDENT_STATUSES)
export const MessageRule = requiredText('message is required (initial update)', 'message', 10_000)

const anyField = v.optional(v.unknown())
/** For the OpenAPI document; routes read each field through its rule in the reference's order. */
export const CreateIncidentBody = v.object({ title: v.string(), severity: v.picklist(SEVERITIES), status: v.optional(v.picklist(INCIDENT_STATUSES)), message: v.string(), service_ids: v.optional(v.array(v.number())) })
export const UpdateIncidentBody = v.object({ title: anyField, severity: anyField, service_ids: anyField })
export const AddUpdateBody = v.object({ status: v.picklist(INCIDENT_STATUSES), message: v.string() })
export const ListQuery = v.object({ page: v.optional(v.string()), limit: v.optional(v.string()), status: v.optional(v.string()) })

const UPDATE_REQUIRED = 'status and message are required'
export const UpdateStatusRule = v.pipe(v.string(UPDATE_REQUIRED), v.nonEmpty(UPDATE_REQUIRED), enumRule('status', INCIDENT_STATUSES))
export const UpdateMessageRule = requiredText(UPDATE_REQUIRED, 'message', 10_000)
