/** Table state (page, sort, filters) kept in the URL, so a view can be shared and survives reload. */
import { useCallback, useEffect, useMemo, useRef } from 'react'
import { useSearchParams } from 'react-router-dom'

export function useUrlState<T extends Record<string, string | number | undefined>>(
  defaults: T,
): [T, (patch: Partial<T>) => void] {
  const [params, setParams] = useSearchParams()
  const state = useMemo(() => {
    const out: Record<string, string | number | undefined> = { ...defaults }
    for (const [key, fallback] of Object.entries(defaults)) {
      const raw = params.get(key)
      if (raw === null || raw === '') continue
      out[key] = typeof fallback === 'number' ? Number(raw) : raw
    }
    return out as T
  }, [params, defaults])
  // Built on the URL as the last update left it, not as this render saw it: two quick changes
  // (a tab, then a search typed before the page re-rendered) both land.
  const latest = useRef(params)
  useEffect(() => {
    latest.current = params
  }, [params])
  const update = useCallback(
    (patch: Partial<T>) => {
      const next = new URLSearchParams(latest.current)
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined || value === '' || value === defaults[key]) next.delete(key)
        else next.set(key, String(value))
      }
      latest.current = next
      setParams(next)
    },
    [setParams, defaults],
  )
  return [state, update]
}
