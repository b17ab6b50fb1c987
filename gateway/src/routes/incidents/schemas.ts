/**
 * @module routes/incidents/schemas
 * Bodies of /admin/incidents (R7, docs/decisions.md#r7). Each body is the schema the handler validates with
 * (`parseBody`) and the one GET /api/openapi.json shows: `fields` checks the keys in the reference's
 * order with its messages. `service_ids` is required and non-empty on create (a fix: the reference
 * accepted an incident on nothing, and the banner then named an outage no service showed); it must
 * also name existing services (a database check the route makes after the schema).
 */
import * as v from 'valibot'
import { fields } from '../../lib/body-schema.js'
import { enumRule } from '../../lib/rules.js'
import { AT_LEAST_ONE_SERVICE, RequiredServiceIdsRule, requiredText, ServiceIdsRule } from '../../services/status/inputs.js'

export const SEVERITIES = ['minor', 'major', 'critical'] as const
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const

/**
 * The reference's `string + non-empty + enum` check as ONE picklist, so the document shows the enum
 * (a pipe of two schemas is documented as its first one, a bare string): absent, not a string or ""
 * -> `missing`; any other string -> `<name> must be one of: ...`.
 */
const requiredEnum = <const T extends readonly string[]>(missing: string, name: string, values: T) =>
  v.picklist(values, (issue) => (typeof issue.input === 'string' && issue.input !== '' ? `${name} must be one of: ${values.join(', ')}` : missing))

const TITLE_SEVERITY = 'title and severity are required'
const TitleRule = requiredText(TITLE_SEVERITY, 'title', 255)
const SeverityRule = requiredEnum(TITLE_SEVERITY, 'severity', SEVERITIES)
/** Replacing the links: the list may not become empty (an incident always names a service). */
const ServiceIds = v.optional(v.pipe(ServiceIdsRule, v.minLength(1, AT_LEAST_ONE_SERVICE)))

export const CreateIncidentBody = fields({
  title: TitleRule,
  severity: SeverityRule,
  status: v.optional(enumRule('status', INCIDENT_STATUSES), 'investigating'),
  message: requiredText('message is required (initial update)', 'message', 10_000),
  service_ids: RequiredServiceIdsRule,
})

/** Every field optional; at least one must be given ("No fields to update", checked by the route). */
export const UpdateIncidentBody = fields({ title: v.optional(TitleRule), severity: v.optional(SeverityRule), service_ids: ServiceIds })

const UPDATE_REQUIRED = 'status and message are required'
export const AddUpdateBody = fields({
  status: requiredEnum(UPDATE_REQUIRED, 'status', INCIDENT_STATUSES),
  message: requiredText(UPDATE_REQUIRED, 'message', 10_000),
})

export const ListQuery = v.object({ page: v.optional(v.string()), limit: v.optional(v.string()), status: v.optional(v.string()) })
