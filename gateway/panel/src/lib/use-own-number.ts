/**
 * The instance's own number (the user part of its fetchInstances `ownerJid`), for the screens that must
 * tell "this number" apart from others: its role in a group, its own row among the participants, its
 * "about" text. Null until it is known, and for an instance that never connected.
 */
import { useEffect, useState } from 'preact/hooks'
import { instancesApi } from '../api/instances.js'

export function useOwnNumber(name: string): string | null {
  const [own, setOwn] = useState<string | null>(null)
  useEffect(() => {
    instancesApi.get(name).then((i) => setOwn(i?.phone ?? null), () => setOwn(null))
  }, [name])
  return own
}
