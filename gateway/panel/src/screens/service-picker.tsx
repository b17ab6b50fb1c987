/** Affected-service checkboxes from GET /admin/incidents/services. */
import { adminApi } from '../api/admin.js'
import { Check } from '../components/fields.js'
import { useLoad } from '../lib/use-load.js'

export function ServicePicker(props: { value: number[]; onChange: (v: number[]) => void }) {
  const { data } = useLoad(() => adminApi.services().then((r) => r.services))
  if (!data || data.length === 0) return null
  return (
    <fieldset>
      <legend>Affected services</legend>
      <div class="checks">
        {data.map((s) => (
          <Check key={s.id} label={s.name} checked={props.value.includes(s.id)} onChange={(on) => props.onChange(on ? [...props.value, s.id] : props.value.filter((x) => x !== s.id))} />
        ))}
      </div>
    </fieldset>
  )
}
