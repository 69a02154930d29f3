import { App, type FormInstance } from 'antd'
import type { NamePath } from 'antd/es/form/interface'
import { useCallback, useEffect, useRef, useState } from 'react'
import {
  ApiFailure,
  callAdmin,
  showOnField,
  type AdminAction,
  type AdminParams,
  type AdminResult,
} from './api'

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

/** Where a write's refusal is shown: on the form's field it names, when the form has it. */
export interface MutationOptions {
  form?: FormInstance
  /** Server field → the form's name, where they differ (`segment.pointsMax` → `pointsMax`). */
  fields?: Record<string, NamePath> | ((field: string) => NamePath)
}

/**
 * Runs a write action with a success toast; a refusal is shown under the form field it names
 * (`options.form`), or as an error toast that names the problem.
 */
export function useAdminMutation() {
  const { message } = App.useApp()
  return useCallback(
    async <A extends AdminAction>(
      action: A,
      params: AdminParams<A>,
      success?: string,
      options: MutationOptions = {},
    ): Promise<AdminResult<A> | null> => {
      // The server's earlier refusals on this form are answered by this submission.
      options.form?.setFields(
        options.form
          .getFieldsError()
          .filter((f) => f.errors.length > 0)
          .map((f) => ({ name: f.name, errors: [] })),
      )
      try {
        const result = await callAdmin(action, params)
        if (success) void message.success(success)
        return result
      } catch (err) {
        if (err instanceof ApiFailure && showOnField(options.form, err, options.fields)) return null
        void message.error(err instanceof ApiFailure ? err.message : '操作失败，请重试')
        return null
      }
    },
    [message],
  )
}
