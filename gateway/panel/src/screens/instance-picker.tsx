/** Instance select, filled on demand from GET /instance/fetchInstances. */
import { useEffect } from 'preact/hooks'
import { instancesApi } from '../api/instances.js'
import { Select } from '../components/fields.js'
import { useLoad } from '../lib/use-load.js'

export function InstancePicker(props: { value: string; onChange: (v: string) => void; label?: string }) {
  const { data } = useLoad(() => instancesApi.list())
  useEffect(() => {
    if (data && data.length > 0 && !data.some((i) => i.name === props.value)) props.onChange(data[0]!.name)
  }, [data])
  if (data && data.length === 0) return <p class="muted">No instances yet: <a href="#/instances">create one first</a>.</p>
  return (
    <Select
      label={props.label ?? 'Instance'}
      name="instance"
      required
      value={props.value}
      onChange={props.onChange}
      options={(data ?? []).map((i) => ({ value: i.name, label: `${i.name}${i.state === 'open' ? '' : ' (not connected)'}` }))}
    />
  )
}
