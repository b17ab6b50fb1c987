/**
 * @module routes/maintenance/schemas
 * Bodies of /admin/maintenance (R7 (docs/decisions.md#r7), plus what it lacked: ISO dates are validated
 * and the window must end after it starts). Each body is the schema the route validates with and the one
 * GET /api/openapi.json shows (`fields`: the reference's check order and messages); `readCreate` /
 * `readUpdate` add the checks a schema cannot make on its own, in the same order as before.
 */
import * as v from 'valibot'
import { ApiError } from '../../errors/api-error.js'
import { validate } from '../../lib/body.js'
import { fields } from '../../lib/body-schema.js'
import { enumRule } from '../../lib/rules.js'
import { isoDateRule, requiredText, ServiceIdsRule } from '../../services/status/inputs.js'

export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'completed'] as const
const REQUIRED = 'title, scheduled_start, and scheduled_end are required'

const StatusRule = enumRule('status', MAINTENANCE_STATUSES)
const DescriptionRule = v.pipe(v.string('description must be a string'), v.maxBytes(10_000, 'description must be at most 10000 characters'))
const StartRule = isoDateRule('scheduled_start')
const EndRule = isoDateRule('scheduled_end')
const ServiceIds = v.optional(ServiceIdsRule)

/** Create: title and both dates required; description defaults to "" (null too), status to scheduled. */
export const CreateMaintenanceBody = fields({
  title: requiredText(REQUIRED, 'title', 255),
  scheduled_start: StartRule,
  scheduled_end: EndRule,
  description: v.nullish(DescriptionRule, ''),
  status: v.optional(StatusRule, 'scheduled'),
  service_ids: ServiceIds,
})

/** Update: every field optional, each validated when given; at least one ("No fields to update"). */
export const UpdateMaintenanceBody = fields({
  title: v.optional(requiredText('title must not be empty', 'title', 255)),
  description: v.optional(DescriptionRule),
  scheduled_start: v.optional(StartRule),
  scheduled_end: v.optional(EndRule),
  status: v.optional(StatusRule),
  service_ids: ServiceIds,
})

export const ListQuery = v.object({ page: v.optional(v.string()), limit: v.optional(v.string()), status: v.optional(v.string()) })

const present = (x: unknown) => x !== undefined && x !== null && x !== ''

/** The body checked, then the window; the three required fields are looked at together first, as the reference does. */
export function readCreate(b: Record<string, unknown>): v.InferOutput<typeof CreateMaintenanceBody> {
  if (!present(b.title) || !present(b.scheduled_start) || !present(b.scheduled_end)) throw new ApiError(400, REQUIRED)
  const f = validate(CreateMaintenanceBody, b)
  checkWindow(f.scheduled_start, f.scheduled_end)
  return f
}

export function checkWindow(start: Date, end: Date): void {
  if (end.getTime() <= start.getTime()) throw new ApiError(400, 'scheduled_end must be after scheduled_start')
}
