/**
 * @module routes/scheduled/schemas
 * Bodies of /api/scheduled (R5, docs/decisions.md#r5; recipients as an array, D11). Each body is the schema
 * the route validates with and the one GET /api/openapi.json shows; `fields` keeps the reference's check
 * order and messages (services/scheduled/validate.ts holds the rules).
 *
 * The reference checks whether the caller may use the instance (403) after the first four fields and
 * before `message_type`, so each body has a `...Target` part holding those four: the route validates it,
 * checks the instance, then validates the whole body.
 *
 * Templated sends (docs/templates.md) add `template_id`, `contact_list_id`, `variables` and object
 * recipients; services/templates/send-variables.ts turns them into these fields before either step.
 */
import * as v from 'valibot'
import { fields } from '../../lib/body-schema.js'
import { ContentRule, contentProblem, MessageTypeRule, RecipientsRule, ScheduledAtRule } from '../../services/scheduled/validate.js'
import { TemplatingEntries } from '../../services/templates/variables.js'

const INSTANCE_REQUIRED = 'instance_name is required'
const InstanceRule = v.pipe(v.string(INSTANCE_REQUIRED), v.nonEmpty(INSTANCE_REQUIRED))

const target = {
  instance_name: InstanceRule,
  recipients: RecipientsRule,
  message_content: ContentRule,
  scheduled_at: ScheduledAtRule,
}

/** Create, up to the instance check. */
export const CreateScheduledTarget = fields(target)

/** Create: the target fields, `message_type` (default text), then the content must suit the type. */
export const CreateScheduledBody = v.pipe(
  fields({ ...target, message_type: v.optional(MessageTypeRule, 'text'), ...TemplatingEntries }),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? contentProblem(dataset.value.message_type, dataset.value.message_content) : null
    if (problem) addIssue({ message: problem })
  }),
)

const updateTarget = {
  instance_name: v.optional(InstanceRule),
  recipients: v.optional(RecipientsRule),
  message_content: v.optional(ContentRule),
  scheduled_at: v.optional(ScheduledAtRule),
}

/** Update, up to the instance check. */
export const UpdateScheduledTarget = fields(updateTarget)

/**
 * Update: any of create's fields ("No fields to update" otherwise, checked by the route first); the
 * fields left out keep the stored values, so the route checks the content against the type itself.
 */
export const UpdateScheduledBody = fields({ ...updateTarget, message_type: v.optional(MessageTypeRule), ...TemplatingEntries })
