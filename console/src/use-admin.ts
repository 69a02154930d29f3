import { App } from 'antd'
import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiFailure, callAdmin, type AdminAction, type AdminParams, type AdminResult } from './api'

/** Loads an admin read action; reloads when `params` change (compared by value). */
export function useAdminQuery<A extends AdminAction>(action: A, params: AdminParams<A>) {
  const key = JSON.stringify(params)
  const [data, setData] = useState<AdminResult<A> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const latest = useRef(0)
  const load = useCallback(async () => {
    const ticket = ++latest.current
    setLoading(true)
    setError(null)
    try {
      const result = await callAdmin(action, JSON.parse(key) as AdminParams<A>)
      if (ticket === latest.current) setData(result)
    } catch (err) {
      if (ticket === latest.current) setError(err instanceof ApiFailure ? err.message : String(err))
    } finally {
      if (ticket === latest.current) setLoading(false)
    }
  }, [action, key])
  useEffect(() => {
    void load()
  }, [load])
  return { data, error, loading, reload: load }
}

/** Runs a write action with a success toast or an error toast that names the problem. */
export function useAdminMutation() {
  const { message } = App.useApp()
  return useCallback(
    async <A extends AdminAction>(
      action: A,
      params: AdminParams<A>,
      success?: string,
    ): Promise<AdminResult<A> | null> => {
      try {
        const result = await callAdmin(action, params)
        if (success) void message.success(success)
        return result
      } catch (err) {
        void message.error(err instanceof ApiFailure ? err.message : '操作失败，请重试')
        return null
      }
    },
    [message],
  )
}
