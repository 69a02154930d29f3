import {
  keepPreviousData,
  useQueryClient,
  useQuery as useTanstackQuery,
  type QueryKey,
} from '@tanstack/react-query'
import { api } from '../api'
import type { ActionName, Contracts, FunctionName, InputOf, OutputOf } from '../api/contracts'
import {
  afterQuery,
  queryActions,
  queryFnOf,
  queryStateOf,
  type Loader,
  type Query,
} from '../lib/queries'

export type { Query } from '../lib/queries'

export interface QueryOptions {
  /** How long an answer counts as current; 0 (the default): a page opened again asks again. */
  staleTime?: number
  enabled?: boolean
}

/**
 * A page's data from the app's cache, by key: one request for every page showing the same key,
 * with lib/queries.ts's rules for loading, errors and refresh.
 */
export function useQuery<T>(key: QueryKey, load: Loader<T>, options: QueryOptions = {}): Query<T> {
  const client = useQueryClient()
  const result = useTanstackQuery({
    queryKey: key,
    queryFn: queryFnOf(load),
    placeholderData: keepPreviousData,
    ...options,
  })
  const state = queryStateOf(result)
  return { ...state, ...queryActions(client, key, result.refetch, result.data !== undefined) }
}

/** One action's answer, keyed by the function, the action and its params. */
export function useApiQuery<F extends FunctionName<Contracts>, A extends ActionName<Contracts, F>>(
  fn: F,
  action: A,
  params?: InputOf<Contracts, F, A>,
  options?: QueryOptions,
): Query<OutputOf<Contracts, F, A>> {
  const call = api.call as (
    fn: F,
    action: A,
    params?: InputOf<Contracts, F, A>,
  ) => ReturnType<Loader<OutputOf<Contracts, F, A>>>
  return useQuery([fn, action, params ?? {}], () => call(fn, action, params), options)
}

/**
 * A query that needs `base`'s answer first (e.g. the staff desk needs the staff status), keyed
 * by that answer too, so a changed base loads it again; see lib/queries.ts afterQuery.
 */
export function useQueryAfter<B, T>(
  base: Query<B>,
  key: QueryKey,
  load: (base: B) => Promise<import('../api').ApiResult<T>>,
): Query<T> {
  const data = base.status === 'ready' ? base.data : undefined
  const next = useQuery([...key, data ?? null], () => load(data as B), {
    enabled: data !== undefined,
  })
  return afterQuery(base, next)
}
