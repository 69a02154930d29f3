import type { ReactNode } from 'react'
import type { Query } from '../../hooks/use-query'
import { ErrorState, RefreshErrorBar } from '../error-state'
import { Skeleton } from '../skeleton'

interface QueryViewProps<T> {
  query: Query<T>
  /** What loading looks like; defaults to a few text lines. */
  skeleton?: ReactNode
  /** Rendered instead of children when `isEmpty(data)`. */
  empty?: ReactNode
  isEmpty?: (data: T) => boolean
  children: (data: T) => ReactNode
}

/**
 * Every state of a query, in one place, so no page can forget one: skeleton while loading, an
 * error with a retry when nothing loaded, the empty state, the data — plus a retry bar when a
 * refresh failed over data still shown.
 */
export function QueryView<T>({ query, skeleton, empty, isEmpty, children }: QueryViewProps<T>) {
  if (query.status === 'loading') return <>{skeleton ?? <Skeleton />}</>
  if (query.status === 'error')
    return <ErrorState error={query.error} onRetry={() => void query.reload()} />
  return (
    <>
      {query.refreshError && (
        <RefreshErrorBar error={query.refreshError} onRetry={() => void query.refresh()} />
      )}
      {empty !== undefined && isEmpty?.(query.data) ? empty : children(query.data)}
    </>
  )
}
