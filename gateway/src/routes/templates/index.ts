/**
 * @module routes/templates
 * /api/templates CRUD (R5, docs/decisions.md#r5), strictly the caller's rows. Fix of the reference: PUT validates
 * name (1-100) and content (1-5000) with the same messages as POST, so no empty template is stored.
 * POST /:id/render fills the template's `{{ key }}` placeholders (docs/templates.md) for a preview or a
 * single send; a placeholder without a value is 400 naming it.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { createTemplate, deleteTemplate, findTemplate, listTemplates, updateTemplate } from '../../db/queries/templates.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId, readJsonObject, validate } from '../../lib/body.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import { stringRule } from '../../lib/rules.js'
import { fillText, mergeVariables, missingKeys, missingMessage, placeholdersIn } from '../../services/templates/placeholders.js'
import { VariablesRule } from '../../services/templates/variables.js'

const NameRule = stringRule('name', 1, 100)
const ContentRule = stringRule('content', 1, 5000)
const CreateBody = v.object({ name: NameRule, content: ContentRule })
const UpdateBody = v.object({ name: v.optional(NameRule), content: v.optional(ContentRule) })
const RenderBody = v.object({ variables: v.optional(VariablesRule(), {}) }, 'Invalid JSON body')
const NOT_FOUND = 'Template not found'
const tags = ['templates']

export function templateRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/api/templates', access: 'session', summary: 'List own templates (paginated, newest change first)', tags,
    response: { status: 200, description: '{templates:[{id,name,content,created_at,updated_at}], total, page, limit, pages}' } }, async (c) => {
    const p = parsePage(c.req.query())
    const { rows, total } = await listTemplates(deps.sql, c.get('user').id, p.limit, p.offset)
    return c.json(pageEnvelope('templates', rows, total, p))
  })

  register(r, { method: 'POST', path: '/api/templates', access: 'session', summary: 'Create a template', tags, body: CreateBody,
    response: { status: 201, description: '{template}' } }, async (c) => {
    const body = await readJsonObject(c)
    if (body.name === undefined || body.content === undefined) throw new ApiError(400, 'name and content are required')
    const t = validate(CreateBody, body)
    return c.json({ template: await createTemplate(deps.sql, c.get('user').id, t.name, t.content) }, 201)
  })

  register(r, { method: 'PUT', path: '/api/templates/:id', access: 'session', summary: 'Update name and/or content of an own template', tags, body: UpdateBody,
    response: { status: 200, description: '{template}' } }, async (c) => {
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const t = validate(UpdateBody, await readJsonObject(c))
    if (t.name === undefined && t.content === undefined) throw new ApiError(400, 'No fields to update')
    const row = await updateTemplate(deps.sql, c.get('user').id, id, t)
    if (!row) throw new ApiError(404, NOT_FOUND)
    return c.json({ template: row })
  })

  register(r, { method: 'POST', path: '/api/templates/:id/render', access: 'session', summary: 'Fill an own template\'s {{ key }} placeholders with {variables}', tags, body: RenderBody,
    response: { status: 200, description: '{text, placeholders:[key]}; 400 "Missing value for {{key}}" with {placeholder, missing:[key]}' } }, async (c) => {
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const { variables } = validate(RenderBody, await readJsonObject(c))
    const row = await findTemplate(deps.sql, c.get('user').id, id)
    if (!row) throw new ApiError(404, NOT_FOUND)
    const vars = mergeVariables(variables)
    const missing = missingKeys(row.content, vars)
    if (missing[0]) throw new ApiError(400, missingMessage(missing[0]), { placeholder: missing[0], missing })
    return c.json({ text: fillText(row.content, vars), placeholders: placeholdersIn(row.content) })
  })

  register(r, { method: 'DELETE', path: '/api/templates/:id', access: 'session', summary: 'Delete an own template', tags,
    response: { status: 200, description: '{deleted:{id,name}}' } }, async (c) => {
    const row = await deleteTemplate(deps.sql, c.get('user').id, parseId(c.req.param('id'), NOT_FOUND))
    if (!row) throw new ApiError(404, NOT_FOUND)
    return c.json({ deleted: row })
  })
}
