/**
 * The life of one page's data: first load, retry after a failure, pull-to-refresh. Framework-free
 * so its rules are unit-tested directly; hooks/use-query.ts binds it to React.
 *
 * Rules:
 * - first load and retry show the loading state; a failure with nothing on screen is an error
 *   state (with a retry), never a blank page;
 * - refresh keeps the current data visible; a failed refresh keeps it and reports
 *   `refreshError` (shown as a bar with a retry) instead of throwing the page away;
 * - the latest request wins: an answer to a request that has since been superseded is ignored.
 */
import type { ApiResult } from '../api/client'
import { clientError, type ClientError } from '../api/errors'

export type QueryState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: ClientError }
  | { status: 'ready'; data: T; refreshing: boolean; refreshError?: ClientError }

export type Loader<T> = () => Promise<ApiResult<T>>

export class QueryController<T> {
  private state: QueryState<T> = { status: 'loading' }
  private generation = 0
  private readonly listeners = new Set<() => void>()

  constructor(private readonly load: Loader<T>) {}

  getState = (): QueryState<T> => this.state

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** First load, or a retry after an error: shows the loading state until the answer. */
  reload = (): Promise<void> => {
    this.set({ status: 'loading' })
    return this.run()
  }

  /** Pull-to-refresh: keeps what is on screen while asking again. */
  refresh = (): Promise<void> => {
    const current = this.state
    if (current.status !== 'ready') return this.reload()
    this.set({ status: 'ready', data: current.data, refreshing: true })
    return this.run()
  }

  private async run(): Promise<void> {
    const generation = ++this.generation
    let result: ApiResult<T>
    try {
      result = await this.load()
    } catch (err) {
      // The API client never throws; a loader that does has a bug, but the page still gets a
      // retry instead of hanging in "loading".
      result = {
        ok: false,
        error: clientError('CLIENT_ERROR', err instanceof Error ? err.message : String(err)),
      }
    }
    if (generation !== this.generation) return

    if (result.ok) {
      this.set({ status: 'ready', data: result.data, refreshing: false })
      return
    }
    const current = this.state
    this.set(
      current.status === 'ready'
        ? { status: 'ready', data: current.data, refreshing: false, refreshError: result.error }
        : { status: 'error', error: result.error },
    )
  }

  private set(next: QueryState<T>): void {
    this.state = next
    this.listeners.forEach((listener) => listener())
  }
}
