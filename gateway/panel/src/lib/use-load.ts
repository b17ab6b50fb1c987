/** Loads data on mount (and when deps change); errors become toasts. `reload()` refetches in place. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { toast } from '../components/toast.js'

export function useLoad<T>(fn: () => Promise<T>, deps: unknown[] = []): { data: T | null; reload: () => Promise<void>; error: boolean } {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState(false)
  const alive = useRef(true)
  const reload = useCallback(async () => {
    try {
      const d = await fn()
      if (alive.current) {
        setData(d)
        setError(false)
      }
    } catch (e) {
      if (alive.current) setError(true)
      toast.err(e)
    }
  }, deps)
  useEffect(() => {
    alive.current = true
    setData(null)
    void reload()
    return () => void (alive.current = false)
  }, deps)
  return { data, reload, error }
}

/** Calls fn every `ms` while mounted (and `active`). */
export function useInterval(fn: () => void, ms: number, active = true): void {
  const saved = useRef(fn)
  saved.current = fn
  useEffect(() => {
    if (!active) return
    const t = setInterval(() => saved.current(), ms)
    return () => clearInterval(t)
  }, [ms, active])
}
