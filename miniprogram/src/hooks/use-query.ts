import { useEffect, useMemo, useState, type DependencyList } from 'react'
import { QueryController, type Loader, type QueryState } from '../lib/query-controller'

export type Query<T> = QueryState<T> & {
  /** Show loading and ask again (first load, retry after an error). */
  reload: () => Promise<void>
  /** Ask again keeping the current data on screen (pull-to-refresh, retry after a failed refresh). */
  refresh: () => Promise<void>
}

/** Loads a page's data with QueryController's rules; `deps` change → a fresh controller and load. */
export function useQuery<T>(load: Loader<T>, deps: DependencyList = []): Query<T> {
  const controller = useMemo(() => new QueryController(load), deps)
  const [state, setState] = useState<QueryState<T>>(controller.getState)

  useEffect(() => {
    setState(controller.getState())
    const unsubscribe = controller.subscribe(() => setState(controller.getState()))
    void controller.reload()
    return unsubscribe
  }, [controller])

  return { ...state, reload: controller.reload, refresh: controller.refresh }
}
