/**
 * Whether an instance can send right now, for the send forms (single, bulk, scheduled): only an `open`
 * instance can; any other state gets the reason the picker and the send button show. The states come
 * from one hook, `useInstanceStates`: the shared live state model (lib/instance-state), so the forms
 * agree with the instance cards and the connect window.
 */
import { useInstances } from './instance-state.js'

/** What the forms need of an instance: its name and its connection state (`open`, `connecting`, `close`). */
export type InstanceState = { name: string; state?: string | null }

/** The picker's note on an instance that cannot send. */
export const NOT_CONNECTED = 'not connected: connect it first'

/** Null when `inst` can send; else why not, as a sentence naming the instance. */
export function sendBlockReason(inst: InstanceState | null | undefined): string | null {
  if (!inst) return 'Choose an instance'
  if (inst.state === 'open') return null
  if (inst.state === 'connecting') return `${inst.name} is still connecting: finish linking it (Instances) before sending`
  return `${inst.name} is ${NOT_CONNECTED} (Instances)`
}

/** The instance a form should start with: the current choice if it exists, else the first that can send, else the first. */
export function defaultInstance(list: readonly InstanceState[], current: string): string | null {
  if (list.some((i) => i.name === current)) return current
  return (list.find((i) => sendBlockReason(i) === null) ?? list[0])?.name ?? null
}

/** The instances the user may see, with their states (null while loading). */
export function useInstanceStates(): { list: InstanceState[] | null; reload: () => Promise<void> } {
  // The shared live model (lib/instance-state): the pickers agree with the cards and the connect window.
  return useInstances()
}
