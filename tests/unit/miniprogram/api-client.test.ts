import {
  createApiClient,
  readEnvelope,
  TransportError,
  type Transport,
} from '../../../miniprogram/src/api/client'
import type { Contracts } from '../../../miniprogram/src/api/contracts'

function clientReplying(reply: unknown | (() => unknown)) {
  const calls: Array<{ fn: string; event: Record<string, unknown> }> = []
  const transport: Transport = async (fn, event) => {
    calls.push({ fn, event })
    return typeof reply === 'function' ? (reply as () => unknown)() : reply
  }
  return { api: createApiClient<Contracts>(transport), calls }
}

describe('API client', () => {
  it('sends {action, ...params} to the named function and returns the data of {ok:true}', async () => {
    const data = {
      openid: 'o1',
      appid: null,
      note: 'hi',
      pingId: 'p1',
      storedAt: '2026-01-01T00:00:00Z',
      readBack: true,
    }
    const { api, calls } = clientReplying({ ok: true, data })

    const result = await api.call('ping', 'ping', { note: 'hi' })

    expect(result).toEqual({ ok: true, data })
    expect(calls).toEqual([{ fn: 'ping', event: { note: 'hi', action: 'ping' } }])
  })

  it('lets params be left out when no input field is required', async () => {
    const { api, calls } = clientReplying({ ok: true, data: {} })
    await api.call('member', 'profile')
    expect(calls[0]?.event).toEqual({ action: 'profile' })
  })

  it('never lets a params key named "action" redirect the call', async () => {
    const { api, calls } = clientReplying({ ok: true, data: {} })
    await api.call('ping', 'ping', { note: 'x', action: 'deleteEverything' } as { note: string })
    expect(calls[0]?.event.action).toBe('ping')
  })

  it('shows the function’s own Chinese refusal', async () => {
    const { api } = clientReplying({
      ok: false,
      error: { code: 'CONFLICT', message: '该邀请码已被使用，请向总部申请新的邀请' },
    })
    const result = await api.call('staff', 'bindInvite', { invite: 'abc' })
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: '该邀请码已被使用，请向总部申请新的邀请',
        detail: '该邀请码已被使用，请向总部申请新的邀请',
        retryable: false,
      },
    })
  })

  it('replaces a message not meant for shoppers (English, internal) with the code’s wording', async () => {
    const english = await clientReplying({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'caller is not staff' },
    }).api.call('staff', 'me')
    expect(!english.ok && english.error.message).toBe('没有权限进行此操作')

    const internal = await clientReplying({
      ok: false,
      error: { code: 'INTERNAL', message: '数据库连接失败: ECONNREFUSED 10.0.0.3' },
    }).api.call('staff', 'me')
    expect(!internal.ok && internal.error).toMatchObject({
      message: '服务开小差了，请稍后重试',
      retryable: true,
    })
  })

  it('names the field of an INVALID_INPUT when the server gives one', async () => {
    const { api } = clientReplying({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Invalid string', field: 'phone' },
    })
    const result = await api.call('member', 'bind', { scene: 's' })
    expect(!result.ok && result.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: '手机号填写有误，请检查后再试',
      field: 'phone',
    })
  })

  it('puts its own label on a server refusal worded without one', async () => {
    const { api } = clientReplying({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '填写的信息有误：最多 32 个字', field: 'receiptNo' },
    })
    const result = await api.call('staff', 'recordSale', {
      memberCode: 'M1',
      amountFen: 100,
      receiptNo: 'R'.repeat(40),
    })
    expect(!result.ok && result.error).toMatchObject({ message: '小票号最多 32 个字' })
  })

  it('gives a code this build does not know a generic message and a retry', async () => {
    const { api } = clientReplying({
      ok: false,
      error: { code: 'PAYMENT_WINDOW_CLOSED', message: 'window closed' },
    })
    const result = await api.call('member', 'profile')
    expect(!result.ok && result.error).toMatchObject({
      code: 'PAYMENT_WINDOW_CLOSED',
      message: '出了点问题，请稍后重试',
      retryable: true,
    })
  })

  it('turns a network failure into NETWORK with a retry, never a throw', async () => {
    const { api } = clientReplying(() => {
      throw new TransportError('network', 'Failed to fetch')
    })
    const result = await api.call('member', 'profile')
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'NETWORK',
        message: '网络连接失败，请检查网络后重试',
        detail: 'Failed to fetch',
        retryable: true,
      },
    })
  })

  it('treats anything a transport throws as a network failure', async () => {
    const { api } = clientReplying(() => {
      throw new Error('socket hang up')
    })
    const result = await api.call('member', 'profile')
    expect(!result.ok && result.error.code).toBe('NETWORK')
  })

  it('reports a reply that is not an envelope as BAD_RESPONSE', () => {
    for (const reply of [
      undefined,
      null,
      'oops',
      { data: 1 },
      { ok: false },
      { ok: false, error: { message: 'no code' } },
    ]) {
      const result = readEnvelope(reply)
      expect(!result.ok && result.error).toMatchObject({
        code: 'BAD_RESPONSE',
        message: '服务返回了无法识别的内容，请稍后重试',
      })
    }
  })
})
