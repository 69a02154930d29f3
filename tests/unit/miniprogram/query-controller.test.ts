import type { ApiResult } from '../../../miniprogram/src/api/client'
import { clientError } from '../../../miniprogram/src/api/errors'
import { QueryController, type QueryState } from '../../../miniprogram/src/lib/query-controller'

/** A loader whose answers the test hands out one by one, in any order. */
function scriptedLoader<T>() {
  const pending: Array<(result: ApiResult<T>) => void> = []
  const load = () => new Promise<ApiResult<T>>((resolve) => pending.push(resolve))
  return { load, answer: (index: number, result: ApiResult<T>) => pending[index]?.(result) }
}

const offline = { ok: false as const, error: clientError('NETWORK', 'Failed to fetch') }

function statesOf<T>(controller: QueryController<T>): QueryState<T>[] {
  const seen: QueryState<T>[] = []
  controller.subscribe(() => seen.push(controller.getState()))
  return seen
}

describe('QueryController', () => {
  it('goes loading → ready with the data', async () => {
    const loader = scriptedLoader<string>()
    const controller = new QueryController(loader.load)
    const done = controller.reload()
    expect(controller.getState()).toEqual({ status: 'loading' })
    loader.answer(0, { ok: true, data: 'card' })
    await done
    expect(controller.getState()).toEqual({ status: 'ready', data: 'card', refreshing: false })
  })

  it('shows an error with nothing loaded, and a retry starts over from loading', async () => {
    const loader = scriptedLoader<string>()
    const controller = new QueryController(loader.load)
    const first = controller.reload()
    loader.answer(0, offline)
    await first
    expect(controller.getState()).toEqual({ status: 'error', error: offline.error })

    const retry = controller.reload()
    expect(controller.getState()).toEqual({ status: 'loading' })
    loader.answer(1, { ok: true, data: 'card' })
    await retry
    expect(controller.getState()).toMatchObject({ status: 'ready', data: 'card' })
  })

  it('keeps the data on screen during a refresh and after a failed one', async () => {
    const loader = scriptedLoader<string>()
    const controller = new QueryController(loader.load)
    const first = controller.reload()
    loader.answer(0, { ok: true, data: 'v1' })
    await first
    const seen = statesOf(controller)

    const refresh = controller.refresh()
    loader.answer(1, offline)
    await refresh

    expect(seen).toEqual([
      { status: 'ready', data: 'v1', refreshing: true },
      { status: 'ready', data: 'v1', refreshing: false, refreshError: offline.error },
    ])

    const again = controller.refresh()
    loader.answer(2, { ok: true, data: 'v2' })
    await again
    expect(controller.getState()).toEqual({ status: 'ready', data: 'v2', refreshing: false })
  })

  it('ignores the answer to a request that a newer one superseded', async () => {
    const loader = scriptedLoader<string>()
    const controller = new QueryController(loader.load)
    const slow = controller.reload()
    const fast = controller.reload()
    loader.answer(1, { ok: true, data: 'new' })
    await fast
    loader.answer(0, { ok: true, data: 'old' })
    await slow
    expect(controller.getState()).toMatchObject({ status: 'ready', data: 'new' })
  })

  it('treats refresh before anything loaded as a load', async () => {
    const loader = scriptedLoader<string>()
    const controller = new QueryController(loader.load)
    const refresh = controller.refresh()
    expect(controller.getState()).toEqual({ status: 'loading' })
    loader.answer(0, { ok: true, data: 'x' })
    await refresh
    expect(controller.getState()).toMatchObject({ status: 'ready' })
  })

  it('turns a loader that throws into an error state with a retry instead of hanging', async () => {
    const controller = new QueryController<string>(async () => {
      throw new Error('bug')
    })
    await controller.reload()
    expect(controller.getState()).toMatchObject({
      status: 'error',
      error: { code: 'CLIENT_ERROR', retryable: true },
    })
  })

  it('stops notifying after unsubscribe', async () => {
    const controller = new QueryController(async () => ({ ok: true as const, data: 1 }))
    const listener = jest.fn()
    const unsubscribe = controller.subscribe(listener)
    unsubscribe()
    await controller.reload()
    expect(listener).not.toHaveBeenCalled()
  })
})
