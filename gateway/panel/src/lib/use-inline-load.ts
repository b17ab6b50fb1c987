/**
 * Loads a screen's data and keeps the failure's words for the screen to show where the data would be
 * (lib/use-load.ts toasts instead). A failed reload keeps the data already shown.
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api/client.js'

export function useInlineLoad<T>(fn: () => Promise<T>, deps: unknown[]): { data: T | null; error: string | null; reload: () => Promise<void> } {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const reload = async () => {
    try {
      setData(await fn())
      setError(null)
    } catch (e) {
      setError(errorText(e))
    }
  }
  useEffect(() => void reload(), deps)
  return { data, error, reload }
}
