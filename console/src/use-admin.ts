/**
 * The console's reads and writes on TanStack Query. A read is cached under its action and params
 * (`['listOrders', {page: 2, status: 'paid'}]`), shared by every component that asks for it and
 * fresh for STALE_MS; a write marks stale what it changes (invalidation.ts), so the lists on screen
 * load again by themselves. A refused session (UNAUTHENTICATED) still sends the operator to the
 * login page: callAdmin tells auth.tsx, which also empties the cache.
 */
import {
  keepPreviousData,
  QueryClient,
  useMutation,
  useQuery,
  useQueryClient,
  type Query,
} from '@tanstack/react-query'
import { App, type FormInstance } from 'antd'
import type { NamePath } from 'antd/es/form/interface'
import { useCallback, useEffect } from 'react'
import {
  ApiFailure,
  callAdmin,
  showOnField,
  type AdminAction,
  type AdminParams,
  type AdminResult,
} from './api'
import { staleAfter } from './invalidation'

/**
 * How long a read is fresh. Most of what the console shows also changes outside it (a shopper's
 * order holds stock, a clerk records a sale, the timer steps a job), so by default a read is stale
 * at once: a page or drawer opened again shows the cached answer immediately and asks again in the
 * background. The store list (every page's store picker) changes only by HQ writes, which
 * invalidate it, and imports, whose steps do: it stays fresh for a minute.
 */
const STALE_MS: Partial<Record<AdminAction, number>> = { listStores: 60_000 }

/** Only a dropped connection is worth trying again by itself; a refusal says the same twice. */
function retry(failures: number, err: unknown): boolean {
  return err instanceof ApiFailure && err.code === 'NETWORK' && failures < 2
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 0, retry },
      mutations: { retry: false },
    },
  })
}

export function adminKey<A extends AdminAction>(action: A, params: AdminParams<A>) {
  return [action, params] as const
}

export interface AdminQueryOptions<A extends AdminAction> {
  /** Poll while this says so (job progress, a campaign sending); false stops polling. */
  refetchInterval?:
    number | false | ((data: AdminResult<A> | undefined) => number | false | undefined)
  enabled?: boolean
  staleTime?: number
  /**
   * Keep showing the previous params' answer while the next loads (a table changing page does not
   * blank out). Off for a detail whose params name another thing (another member).
   */
  keepPrevious?: boolean
}

/** Reads an admin action through the cache; loads again when `params` change (by value). */
export function useAdminQuery<A extends AdminAction>(
  action: A,
  params: AdminParams<A>,
  options: AdminQueryOptions<A> = {},
) {
  const { refetchInterval, keepPrevious = true, ...rest } = options
  const query = useQuery({
    queryKey: adminKey(action, params),
    queryFn: () => callAdmin(action, params),
    staleTime: STALE_MS[action] ?? 0,
    placeholderData: keepPrevious ? keepPreviousData : undefined,
    refetchInterval:
      typeof refetchInterval === 'function'
        ? (q: Query<AdminResult<A>, Error, AdminResult<A>, readonly unknown[]>) =>
            refetchInterval(q.state.data) ?? false
        : refetchInterval,
    ...rest,
  })
  const { refetch } = query
  const reload = useCallback(async () => {
    await refetch()
  }, [refetch])
  return {
    data: query.data ?? null,
    error: query.error ? messageOf(query.error) : null,
    /** First load, or the previous params' answer still shown while the new one loads. */
    loading: query.isPending || query.isPlaceholderData,
    /** Any request in flight (a poll or a refresh after a write too). */
    fetching: query.isFetching,
    /** When the shown answer arrived (ms): changes on every answer, even an identical one. */
    updatedAt: query.dataUpdatedAt,
    reload,
  }
}

/**
 * Reads an action once, on demand (a lookup on Enter, a template to download), through the same
 * cache as useAdminQuery: a component that then shows it with useAdminQuery finds it there.
 * Throws the refusal, for the caller to show.
 */
export function useAdminFetch() {
  const client = useQueryClient()
  return useCallback(
    <A extends AdminAction>(action: A, params: AdminParams<A>) =>
      client.fetchQuery({
        queryKey: adminKey(action, params),
        queryFn: () => callAdmin(action, params),
      }),
    [client],
  )
}

function messageOf(err: unknown): string {
  return err instanceof ApiFailure ? err.message : '操作失败，请重试'
}

/**
 * A write that throws its refusal (for callers that show it their own way); on success it marks
 * stale what the action changes, so every list showing it loads again.
 */
export function useAdminWrite() {
  const client = useQueryClient()
  const { mutateAsync } = useMutation({
    mutationFn: ({ action, params }: { action: AdminAction; params: unknown }) =>
      callAdmin(action, params as AdminParams<AdminAction>),
    onSuccess: (_result, { action }) =>
      Promise.all(staleAfter(action).map((read) => client.invalidateQueries({ queryKey: [read] }))),
  })
  return useCallback(
    <A extends AdminAction>(action: A, params: AdminParams<A>) =>
      mutateAsync({ action, params }) as Promise<AdminResult<A>>,
    [mutateAsync],
  )
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
  const write = useAdminWrite()
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
        const result = await write(action, params)
        if (success) void message.success(success)
        return result
      } catch (err) {
        if (err instanceof ApiFailure && showOnField(options.form, err, options.fields)) return null
        void message.error(messageOf(err))
        return null
      }
    },
    [message, write],
  )
}

/** Jobs seen unfinished in this tab (kept across pages: the operator leaves while one runs). */
const jobsSeenRunning = new Set<string>()

/**
 * The jobs list's answers: when a job seen running has ended, what its steps wrote (stores,
 * clerks, members, products…) is marked stale, as a step taken from this tab would. The server's
 * timer steps jobs too, and a cached store list (fresh for a minute) would otherwise miss an
 * import's stores.
 */
export function useJobsEndedInvalidation(
  jobs: readonly { jobId: string; finishedAt: unknown }[] | undefined,
): void {
  const client = useQueryClient()
  useEffect(() => {
    if (!jobs) return
    let ended = false
    for (const job of jobs) {
      if (job.finishedAt === null) jobsSeenRunning.add(job.jobId)
      else if (jobsSeenRunning.delete(job.jobId)) ended = true
    }
    if (ended)
      void Promise.all(
        staleAfter('jobStep').map((read) => client.invalidateQueries({ queryKey: [read] })),
      )
  }, [jobs, client])
}
