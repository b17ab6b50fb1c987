/**
 * @module routes/maintenance/schemas
 * Bodies of /admin/maintenance (R7, docs/decisions.md#r7, plus what it lacked: ISO dates are validated and the
 * window must end after it starts). `readFields` returns clean values in the reference's check order.
 */
import * as v from 'valibot'
import { ApiError } from '../../errors/api-error.js'
import { validate } from '../../lib/body.js'
import { enumRule } from '../../lib/rules.js'
import type { MaintenanceFields } from '../../db/queries/maintenance.js'
import { isoDateRule, requiredText } from '../../services/status/inputs.js'

export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'completed'] as const
const REQUIRED = 'title, scheduled_start, and scheduled_end are required'

const StatusRule = enumRule('status', MAINTENANCE_STATUSES)
const DescriptionRule = v.pipe(v.string('description must be a string'), v.maxBytes(10_000, 'description must be at most 10000 characters'))
const StartRule = isoDateRule('scheduled_start')
const EndRule = isoDateRule('scheduled_end')

const any = v.optional(v.unknown())
export const MaintenanceBody = v.object({ title: any, description: any, scheduled_start: any, scheduled_end: any, status: any, service_ids: any })
export const ListQuery = v.object({ page: v.optional(v.string()), limit: v.optional(v.string()), status: v.optional(v.string()) })

const present = (x: unknown) => x !== undefined && x !== null && x !== ''

/** Create: title and both dates required; status defaults to scheduled, description to "". */
export function readCreate(b: Record<string, unknown>): Required<MaintenanceFields> {
  if (!present(b.title) || !present(b.scheduled_start) || !present(b.scheduled_end)) throw new ApiError(400, REQUIRED)
  const f = {
    title: validate(requiredText(REQUIRED, 'title', 255), b.title),
    scheduled_start: validate(StartRule, b.scheduled_start),
    scheduled_end: validate(EndRule, b.scheduled_end),
    description: b.description === undefined || b.description === null ? '' : validate(DescriptionRule, b.description),
    status: b.status === undefined ? 'scheduled' : validate(StatusRule, b.status),
  }
  checkWindow(f.scheduled_start, f.scheduled_end)
  return f
}

/** Update: every field optional, each validated when given. */
export function readUpdate(b: Record<string, unknown>): MaintenanceFields {
  return {
    title: b.title === undefined ? undefined : validate(requiredText('title must not be empty', 'title', 255), b.title),
    description: b.description === undefined ? undefined : validate(DescriptionRule, b.description),
    scheduled_start: b.scheduled_start === undefined ? undefined : validate(StartRule, b.scheduled_start),
    scheduled_end: b.scheduled_end === undefined ? undefined : validate(EndRule, b.scheduled_end),
    status: b.status === undefined ? undefined : validate(StatusRule, b.status),
  }
}

export function checkWindow(start: Date, end: Date): void {
  if (end.getTime() <= start.getTime()) throw new ApiError(400, 'scheduled_end must be after scheduled_start')
}
