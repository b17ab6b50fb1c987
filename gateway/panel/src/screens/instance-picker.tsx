/**
 * Instance select, filled on demand from the instances the user may see. With `sending`, an instance
 * that cannot send (not `open`) is offered disabled with the reason, the first one that can send is
 * chosen, and `onBlocked` gets why the chosen one cannot send (null when it can) for the send button.
 * States come through lib/send-readiness.ts, the one place a live state model plugs in.
 */
import { useEffect } from 'preact/hooks'
import { Select } from '../components/fields.js'
import { defaultInstance, NOT_CONNECTED, sendBlockReason, useInstanceStates } from '../lib/send-readiness.js'

export function InstancePicker(props: { value: string; onChange: (v: string) => void; label?: string; sending?: boolean; onBlocked?: (reason: string | null) => void }) {
  const { list } = useInstanceStates()
  const chosen = list?.find((i) => i.name === props.value) ?? null
  const reason = props.sending && list ? sendBlockReason(chosen) : null
  useEffect(() => {
    if (!list || list.length === 0) return
    const next = props.sending ? defaultInstance(list, props.value) : list.some((i) => i.name === props.value) ? props.value : list[0]!.name
    if (next !== null && next !== props.value) props.onChange(next)
  }, [list])
  useEffect(() => {
    props.onBlocked?.(list === null ? 'Loading instances…' : list.length === 0 ? 'Create an instance first' : reason)
  }, [list, reason])
  if (list && list.length === 0) return <p class="muted">No instances yet: <a href="#/instances">create one first</a>.</p>
  return (
    <Select
      label={props.label ?? 'Instance'}
      name="instance"
      testid="instance-picker"
      required
      value={props.value}
      onChange={props.onChange}
      hint={reason ? <a href="#/instances">{reason}</a> : undefined}
      options={(list ?? []).map((i) => {
        const can = sendBlockReason(i) === null
        if (!props.sending) return { value: i.name, label: `${i.name}${can ? '' : ' (not connected)'}` }
        return { value: i.name, label: can ? i.name : `${i.name} — ${i.state === 'connecting' ? 'connecting: finish linking it first' : NOT_CONNECTED}`, disabled: !can }
      })}
    />
  )
}
