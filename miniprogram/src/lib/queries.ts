/**
 * The app's data cache (TanStack Query) and what a page sees of a query. Framework-free apart
 * from the cache itself, so the rules are unit-tested directly; hooks/use-query.ts binds them to
 * React pages.
 *
 * Rules:
 * - first load and retry show the loading state; a failure with nothing on screen is an error
 *   state (with a retry), never a blank page;
 * - refresh keeps the current data visible; a failed refresh keeps it and reports
 *   `refreshError` (shown as a bar with a retry) instead of throwing the page away;
 * - the latest request wins (TanStack cancels the superseded one);
 * - data lives as long as a page shows it (gcTime 0). The WeChat page stack and the tab pages,
 *   which stay for the whole visit, hold what several pages share (the member status, the staff
 *   status), so a walk through the app asks for it once; a page opened afresh asks afresh.
 */
import { QueryClient, type QueryKey, type QueryObserverResult } from '@tanstack/react-query'
import type { ApiResult } from '../api/client'
import { clientError, type ClientError } from '../api/errors'

declare module '@tanstack/react-query' {
  // Every failure a query reports is the API client's ClientError (Chinese, with retryable).
  interface Register {
    defaultError: ClientError
  }
}

export type QueryState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: ClientError }
  | { status: 'ready'; data: T; refreshing: boolean; refreshError?: ClientError }

export type Query<T> = QueryState<T> & {
  /** Show loading and ask again (first load, retry after an error). */
  reload: () => Promise<void>
  /** Ask again keeping the current data on screen (pull-to-refresh, retry after a failed refresh). */
  refresh: () => Promise<void>
}

export type Loader<T> = () => Promise<ApiResult<T>>

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        gcTime: 0,
        // The API client already says what failed and whether a retry can help; the person
        // decides with the retry button instead of waiting through silent attempts.
        retry: false,
        // WeChat has no `online` events: the transport reports a network failure itself.
        networkMode: 'always',
        // Pages refresh on show (useDidShow) where it matters; H5 behaves as WeChat does.
        refetchOnWindowFocus: false,
      },
    },
  })
}

/** The one cache of the app (one per launch): app.ts provides it to every page. */
export const queryClient = createQueryClient()

/** A loader as TanStack wants it: the data, or the ClientError thrown. */
export function queryFnOf<T>(load: Loader<T>): () => Promise<T> {
  return async () => {
    let result: ApiResult<T>
    try {
      result = await load()
    } catch (err) {
      // The API client never throws; a loader that does has a bug, but the page still gets a
      // retry instead of hanging in "loading".
      result = {
        ok: false,
        error: clientError('CLIENT_ERROR', err instanceof Error ? err.message : String(err)),
      }
    }
    if (result.ok) return result.data
    throw result.error
  }
}

type ObservedQuery<T> = Pick<
  QueryObserverResult<T, ClientError>,
  'status' | 'data' | 'error' | 'isFetching'
>

/** What a page shows for TanStack's view of a query. */
export function queryStateOf<T>(result: ObservedQuery<T>): QueryState<T> {
  if (result.data === undefined) {
    if (result.status === 'error' && result.error && !result.isFetching)
      return { status: 'error', error: result.error }
    return { status: 'loading' }
  }
  const ready = { status: 'ready' as const, data: result.data, refreshing: result.isFetching }
  return result.status === 'error' && result.error && !result.isFetching
    ? { ...ready, refreshError: result.error }
    : ready
}

/** reload: forget what is there and load again (loading state); refresh: keep it and ask again. */
export function queryActions(
  client: QueryClient,
  key: QueryKey,
  refetch: () => Promise<unknown>,
  hasData: boolean,
): Pick<Query<unknown>, 'reload' | 'refresh'> {
  const reload = () => client.resetQueries({ queryKey: key, exact: true })
  return {
    reload,
    refresh: () => (hasData ? refetch().then(() => undefined) : reload()),
  }
}

/**
 * A query that needs another's answer first (the staff desk needs to know the caller is staff):
 * loading while either loads, the first one's error, else the second's state; a refresh asks
 * both again.
 */
export function afterQuery<B, T>(base: Query<B>, next: Query<T>): Query<T> {
  if (base.status !== 'ready') return base
  const refresh = () => Promise.all([base.refresh(), next.refresh()]).then(() => undefined)
  if (next.status !== 'ready') return { ...next, refresh }
  const refreshError = base.refreshError ?? next.refreshError
  return {
    status: 'ready',
    data: next.data,
    refreshing: base.refreshing || next.refreshing,
    ...(refreshError ? { refreshError } : {}),
    reload: next.reload,
    refresh,
  }
}

// What several pages share, and which answers change it. Keys are [function, action, ...].
export const MEMBER_STATUS_KEY = ['member', 'status'] as const
export const STAFF_STATUS_KEY = ['staff', 'status'] as const

/** After binding, a phone or a birthday: the card as the server now has it. */
export function memberChanged(client: QueryClient = queryClient): Promise<void> {
  return client.invalidateQueries({ queryKey: MEMBER_STATUS_KEY })
}

/** After accepting a staff invite: 我的 and the desk see the clerk. */
export function staffChanged(client: QueryClient = queryClient): Promise<void> {
  return client.invalidateQueries({ queryKey: STAFF_STATUS_KEY })
}

/** After a redemption, a payment, a coupon bought with points: balance, tier and ledger. */
export function pointsChanged(client: QueryClient = queryClient): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: MEMBER_STATUS_KEY }),
    client.invalidateQueries({ queryKey: ['points'] }),
  ]).then(() => undefined)
}

/** Someone else is using the app now (a deleted card, H5's persona switch): nothing carries over. */
export function forgetEverything(client: QueryClient = queryClient): Promise<void> {
  return client.resetQueries()
}
