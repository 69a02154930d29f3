import { QueryObserver, type QueryClient, type QueryKey } from '@tanstack/react-query'
import type { ApiResult } from '../../../miniprogram/src/api/client'
import { clientError } from '../../../miniprogram/src/api/errors'
import {
  afterQuery,
  createQueryClient,
  MEMBER_STATUS_KEY,
  memberChanged,
  pointsChanged,
  queryActions,
  queryFnOf,
  queryStateOf,
  type Query,
  type QueryState,
} from '../../../miniprogram/src/lib/queries'

/** A loader whose answers the test hands out one by one, in any order. */
function scriptedLoader<T>() {
  const pending: Array<(result: ApiResult<T>) => void> = []
  const load = () => new Promise<ApiResult<T>>((resolve) => pending.push(resolve))
  return {
    load,
    asked: () => pending.length,
    answer: (index: number, result: ApiResult<T>) => pending[index]?.(result),
  }
}

const offline = { ok: false as const, error: clientError('NETWORK', 'Failed to fetch') }
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

/** What a page would see of `key`, as the hook builds it, with every state it went through. */
function page<T>(client: QueryClient, key: QueryKey, load: () => Promise<ApiResult<T>>) {
  const observer = new QueryObserver<T>(client, {
    queryKey: key,
    queryFn: queryFnOf(load),
  })
  const seen: QueryState<T>[] = []
  const unsubscribe = observer.subscribe((result) => seen.push(queryStateOf(result)))
  const now = (): Query<T> => {
    const result = observer.getCurrentResult()
    return {
      ...queryStateOf(result),
      ...queryActions(client, key, result.refetch, result.data !== undefined),
    }
  }
  return { now, seen, unsubscribe }
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !check(); i += 1) await settle()
  if (!check()) throw new Error(`never: ${what}`)
}

describe('a page query (TanStack Query, as the mini-program shows it)', () => {
  it('goes loading → ready with the data', async () => {
    const client = createQueryClient()
    const loader = scriptedLoader<string>()
    const view = page(client, ['card'], loader.load)
    expect(view.now()).toMatchObject({ status: 'loading' })
    await until('asked', () => loader.asked() === 1)
    loader.answer(0, { ok: true, data: 'card' })
    await until('ready', () => view.now().status === 'ready')
    expect(view.now()).toMatchObject({ status: 'ready', data: 'card', refreshing: false })
    view.unsubscribe()
  })

  it('shows an error with nothing loaded, and a retry starts over from loading', async () => {
    const client = createQueryClient()
    const loader = scriptedLoader<string>()
    const view = page(client, ['card'], loader.load)
    await until('asked', () => loader.asked() === 1)
    loader.answer(0, offline)
    await until('error', () => view.now().status === 'error')
    expect(view.now()).toMatchObject({ status: 'error', error: offline.error })

    const retry = view.now().reload()
    await until('loading again', () => view.now().status === 'loading')
    await until('asked again', () => loader.asked() === 2)
    loader.answer(1, { ok: true, data: 'card' })
    await retry
    expect(view.now()).toMatchObject({ status: 'ready', data: 'card' })
    view.unsubscribe()
  })

  it('keeps the data on screen during a refresh and after a failed one', async () => {
    const client = createQueryClient()
    const loader = scriptedLoader<string>()
    const view = page(client, ['card'], loader.load)
    await until('asked', () => loader.asked() === 1)
    loader.answer(0, { ok: true, data: 'v1' })
    await until('ready', () => view.now().status === 'ready')
    view.seen.length = 0

    const refresh = view.now().refresh()
    await until('asked again', () => loader.asked() === 2)
    loader.answer(1, offline)
    await refresh
    expect(view.seen).toContainEqual({ status: 'ready', data: 'v1', refreshing: true })
    expect(view.seen).not.toContainEqual(expect.objectContaining({ status: 'loading' }))
    expect(view.now()).toMatchObject({
      status: 'ready',
      data: 'v1',
      refreshing: false,
      refreshError: offline.error,
    })

    const again = view.now().refresh()
    await until('asked a third time', () => loader.asked() === 3)
    loader.answer(2, { ok: true, data: 'v2' })
    await again
    const after = view.now()
    expect(after).toMatchObject({ status: 'ready', data: 'v2', refreshing: false })
    expect(after).not.toHaveProperty('refreshError')
    view.unsubscribe()
  })

  it('ignores the answer to a request that a newer one superseded', async () => {
    const client = createQueryClient()
    const loader = scriptedLoader<string>()
    const view = page(client, ['card'], loader.load)
    await until('asked', () => loader.asked() === 1)
    loader.answer(0, { ok: true, data: 'first' })
    await until('ready', () => view.now().status === 'ready')

    const slow = view.now().refresh()
    await until('asked', () => loader.asked() === 2)
    const fast = view.now().refresh()
    await until('asked', () => loader.asked() === 3)
    loader.answer(2, { ok: true, data: 'new' })
    await fast
    loader.answer(1, { ok: true, data: 'old' })
    await slow
    await settle()
    expect(view.now()).toMatchObject({ status: 'ready', data: 'new' })
    view.unsubscribe()
  })

  it('turns a loader that throws into an error with a retry', async () => {
    const client = createQueryClient()
    const view = page<string>(client, ['broken'], () => Promise.reject(new Error('bug')))
    await until('error', () => view.now().status === 'error')
    expect(view.now()).toMatchObject({
      status: 'error',
      error: { code: 'CLIENT_ERROR', retryable: true },
    })
    view.unsubscribe()
  })
})

describe('the shared member status', () => {
  it('is asked once for every page showing it, again only when an answer changes it', async () => {
    const client = createQueryClient()
    let asked = 0
    const load = async (): Promise<ApiResult<{ points: number }>> => {
      asked += 1
      return { ok: true, data: { points: 100 * asked } }
    }
    const home = page(client, MEMBER_STATUS_KEY, load)
    const me = page(client, MEMBER_STATUS_KEY, load)
    await until('home ready', () => home.now().status === 'ready')
    await until('me ready', () => me.now().status === 'ready')
    expect(asked).toBe(1)

    await pointsChanged(client)
    await until('both see the new balance', () => {
      const [a, b] = [home.now(), me.now()]
      return a.status === 'ready' && a.data.points === 200 && b.status === 'ready'
    })
    expect(me.now()).toMatchObject({ data: { points: 200 } })
    await memberChanged(client)
    expect(asked).toBe(3)
    home.unsubscribe()
    me.unsubscribe()
  })

  it('is forgotten once no page shows it (gcTime 0): a page opened afresh asks afresh', async () => {
    const client = createQueryClient()
    const view = page(client, MEMBER_STATUS_KEY, async () => ({ ok: true, data: 'card' }))
    await until('ready', () => view.now().status === 'ready')
    view.unsubscribe()
    await until(
      'dropped',
      () => client.getQueryCache().find({ queryKey: MEMBER_STATUS_KEY }) === undefined,
    )
  })
})

describe('afterQuery: a query that needs another first', () => {
  const actions = { reload: async () => {}, refresh: async () => {} }
  const ready = <T>(data: T): Query<T> => ({ status: 'ready', data, refreshing: false, ...actions })

  it("shows the first one's loading and error before anything of the second", () => {
    const next = ready('desk')
    expect(afterQuery({ status: 'loading', ...actions }, next)).toMatchObject({ status: 'loading' })
    expect(afterQuery({ status: 'error', error: offline.error, ...actions }, next)).toMatchObject({
      status: 'error',
      error: offline.error,
    })
  })

  it("then the second's state, with the first's failed refresh shown over it", () => {
    expect(afterQuery(ready('staff'), { status: 'loading', ...actions })).toMatchObject({
      status: 'loading',
    })
    const base: Query<string> = {
      status: 'ready',
      data: 'staff',
      refreshing: false,
      refreshError: offline.error,
      ...actions,
    }
    expect(afterQuery(base, ready('desk'))).toMatchObject({
      status: 'ready',
      data: 'desk',
      refreshError: offline.error,
    })
  })

  it('refreshes both on a pull-to-refresh', async () => {
    const calls: string[] = []
    const base = { ...ready('staff'), refresh: async () => void calls.push('base') }
    const next = { ...ready('desk'), refresh: async () => void calls.push('next') }
    await afterQuery(base, next).refresh()
    expect(calls.sort()).toEqual(['base', 'next'])
  })
})
