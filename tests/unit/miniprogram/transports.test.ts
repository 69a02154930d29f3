import { TransportError } from '../../../miniprogram/src/api/client'
import { createCloudTransport } from '../../../miniprogram/src/api/cloud-transport'
import {
  createHttpTransport,
  type HttpTransportOptions,
} from '../../../miniprogram/src/api/http-transport'

type FetchInit = Parameters<HttpTransportOptions['fetch']>[1]

function fakeFetch(respond: (url: string, init: FetchInit) => { status: number; body: string }) {
  const seen: Array<{ url: string; init: FetchInit }> = []
  const fetch: HttpTransportOptions['fetch'] = async (url, init) => {
    seen.push({ url, init })
    const { status, body } = respond(url, init)
    return { status, json: async () => JSON.parse(body) as unknown }
  }
  return { fetch, seen }
}

describe('H5 transport (POST /fn/<name>)', () => {
  it('posts the event as JSON with the persona as x-openid', async () => {
    const { fetch, seen } = fakeFetch(() => ({ status: 200, body: '{"ok":true,"data":1}' }))
    const transport = createHttpTransport({
      baseUrl: '',
      fetch,
      identity: async () => 'demo-shopper-a',
    })

    await expect(transport('member', { action: 'profile' })).resolves.toEqual({ ok: true, data: 1 })
    expect(seen[0]).toEqual({
      url: '/fn/member',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-openid': 'demo-shopper-a' },
        body: '{"action":"profile"}',
      },
    })
  })

  it('sends no identity header when there is none', async () => {
    const { fetch, seen } = fakeFetch(() => ({ status: 200, body: '{"ok":true,"data":1}' }))
    await createHttpTransport({ baseUrl: 'http://127.0.0.1:8787', fetch })('ping', {
      action: 'ping',
    })
    expect(seen[0]?.url).toBe('http://127.0.0.1:8787/fn/ping')
    expect(seen[0]?.init.headers).toEqual({ 'content-type': 'application/json' })
  })

  it('returns the envelope of a 4xx as the reply', async () => {
    const envelope = { ok: false, error: { code: 'NOT_FOUND', message: '还不是会员' } }
    const { fetch } = fakeFetch(() => ({ status: 404, body: JSON.stringify(envelope) }))
    await expect(
      createHttpTransport({ baseUrl: '', fetch })('member', { action: 'profile' }),
    ).resolves.toEqual(envelope)
  })

  it('calls a refused connection a network failure', async () => {
    const transport = createHttpTransport({
      baseUrl: '',
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    await expect(transport('member', { action: 'profile' })).rejects.toMatchObject({
      failure: 'network',
      message: 'Failed to fetch',
    })
  })

  it('calls a proxy error page a network failure, and other non-JSON a bad response', async () => {
    const gateway = fakeFetch(() => ({ status: 502, body: '<html>Bad Gateway</html>' }))
    await expect(
      createHttpTransport({ baseUrl: '', fetch: gateway.fetch })('ping', {}),
    ).rejects.toMatchObject({ failure: 'network' })
    const garbage = fakeFetch(() => ({ status: 200, body: 'not json' }))
    await expect(
      createHttpTransport({ baseUrl: '', fetch: garbage.fetch })('ping', {}),
    ).rejects.toMatchObject({ failure: 'bad-response' })
  })
})

describe('WeChat transport (wx.cloud.callFunction)', () => {
  it('passes {name, data} and returns the function’s result', async () => {
    const seen: unknown[] = []
    const transport = createCloudTransport(async (params) => {
      seen.push(params)
      return { result: { ok: true, data: 'x' } }
    })
    await expect(transport('member', { action: 'profile' })).resolves.toEqual({
      ok: true,
      data: 'x',
    })
    expect(seen).toEqual([{ name: 'member', data: { action: 'profile' } }])
  })

  it('tells a lost network from a failing function by errMsg', async () => {
    const failing = (errMsg: string) =>
      createCloudTransport(async () => {
        throw { errMsg }
      })('member', { action: 'profile' })

    await expect(failing('cloud.callFunction:fail request:fail timeout')).rejects.toMatchObject({
      failure: 'network',
    })
    await expect(
      failing('cloud.callFunction:fail Error: errCode: -504002 functions execute fail'),
    ).rejects.toMatchObject({
      failure: 'function-failed',
    })
    await expect(failing('whatever')).rejects.toBeInstanceOf(TransportError)
  })
})
