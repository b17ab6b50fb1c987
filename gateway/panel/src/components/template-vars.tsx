/**
 * Filling a template's `{{ key }}` placeholders (docs/templates.md). `PlaceholderFields`: one field per
 * placeholder of a single send's text, and which one is still empty. `BulkPreview`: a bulk send's
 * first recipients' texts as the gateway will fill them from their contact's fields, or which
 * placeholder has no value for which recipient.
 */
import { Field } from './fields.js'
import { fillText, firstMissing, placeholdersIn, type Vars } from '../lib/placeholders.js'

/** The sentence for an empty placeholder (the gateway's 400 says the same). */
export const missingSentence = (key: string, recipient?: string): string =>
  `Fill in {{${key}}}${recipient ? ` for ${recipient}` : ''} before sending: the message would go out with the placeholder as it is.`

export function PlaceholderFields(props: { text: string; values: Vars; onChange: (v: Vars) => void }) {
  const keys = placeholdersIn(props.text)
  if (keys.length === 0) return null
  const missing = firstMissing(props.text, props.values)
  return (
    <fieldset class="card stack template-vars" data-testid="template-vars">
      <legend>Fill in the template</legend>
      <div class="row">
        {keys.map((k) => (
          <Field key={k} label={`{{${k}}}`} name={`var-${k}`} value={props.values[k] ?? ''} onInput={(v) => props.onChange({ ...props.values, [k]: v })} />
        ))}
      </div>
      {missing ? (
        <p class="hint" role="status" data-testid="template-missing">
          {missingSentence(missing)}
        </p>
      ) : (
        <p class="small" data-testid="template-preview">
          <strong>Preview:</strong> {fillText(props.text, props.values)}
        </p>
      )}
    </fieldset>
  )
}

export type BulkCheck = { missing: { key: string; number: string } | null; preview: { number: string; text: string }[] }

/** The first missing value over all recipients, and the first 3 recipients' texts. */
export function checkBulk(text: string, numbers: string[], varsOf: (n: string) => Vars): BulkCheck {
  let missing: BulkCheck['missing'] = null
  if (placeholdersIn(text).length > 0) {
    for (const n of numbers) {
      const key = firstMissing(text, varsOf(n))
      if (key) {
        missing = { key, number: n }
        break
      }
    }
  }
  return { missing, preview: numbers.slice(0, 3).map((n) => ({ number: n, text: fillText(text, varsOf(n)) })) }
}

export function BulkPreview(props: { text: string; check: BulkCheck }) {
  if (placeholdersIn(props.text).length === 0 || props.check.preview.length === 0) return null
  const { missing, preview } = props.check
  return (
    <div class="card stack template-vars" data-testid="bulk-preview">
      <h3>Preview (first {preview.length})</h3>
      <ul class="plain-list">
        {preview.map((p) => (
          <li key={p.number} data-testid="bulk-preview-item">
            <strong>{p.number}:</strong> {p.text}
          </li>
        ))}
      </ul>
      {missing && (
        <p class="form-error" role="alert" data-testid="bulk-missing">
          {`{{${missing.key}}} has no value for ${missing.number}: add it as a column of the contact list (or remove the placeholder).`}
        </p>
      )}
    </div>
  )
}
