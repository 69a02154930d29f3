/**
 * The function host as a caller sees it: POST /fn/<name> through the local stack, the bundled
 * function, the real SDK and the gateway.
 */
import { startTestStack, type TestStack } from '../support/local-stack'

let stack: TestStack

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
})
afterAll(() => stack.stop())

describe('ping through the local stack', () => {
  it('echoes the caller identity and proves a database write and read', async () => {
    const res = await stack.call('ping', { action: 'ping', note: '你好' }, { openid: 'oShopperA' })
    expect(res.status).toBe(200)
    expect(res.body.ok).toBe(true)
    expect(res.body.data).toMatchObject({
      openid: 'oShopperA',
      appid: 'wx-local-app',
      note: '你好',
      readBack: true,
    })
    const stored = (await stack.db.collection('pings').doc(res.body.data.pingId).get()) as {
      data: any[]
    }
    expect(stored.data[0]).toMatchObject({ openid: 'oShopperA', note: '你好' })
    expect(stored.data[0].receivedAt).toBeInstanceOf(Date)
  })

  it('keeps concurrent callers apart: each of 60 parallel calls sees only its own identity', async () => {
    const openids = Array.from({ length: 60 }, (_, i) => `oUser${i}`)
    const results = await Promise.all(
      openids.map((openid) => stack.call('ping', { action: 'ping', note: openid }, { openid })),
    )
    for (const [i, res] of results.entries()) {
      expect(res.body.data.openid).toBe(openids[i])
      expect(res.body.data.note).toBe(openids[i])
    }
  })

  it('ignores an identity smuggled in the body', async () => {
    const res = await stack.call(
      'ping',
      { action: 'ping', userInfo: { openId: 'oSomeoneElse' } },
      { openid: 'oReal' },
    )
    expect(res.body.data.openid).toBe('oReal')
  })

  it('treats a bearer-token call as CloudBase HTTP access: no WeChat identity', async () => {
    const res = await stack.call(
      'ping',
      { action: 'ping' },
      { openid: 'oIgnored', headers: { authorization: 'Bearer t0k' } },
    )
    expect(res.status).toBe(200)
    expect(res.body.data.openid).toBeNull()
  })
})

describe('bad input gets a clear error, never a 500', () => {
  it.each([
    ['a wrong type', { action: 'ping', note: 5 }, 'note'],
    ['a too long field', { action: 'ping', note: 'x'.repeat(201) }, 'note'],
    ['an unknown field', { action: 'ping', colour: 'red' }, 'colour'],
    ['a missing action', { note: 'x' }, 'action'],
  ])('%s → 400 INVALID_INPUT naming the field', async (_title, body, field) => {
    const res = await stack.call('ping', body, { openid: 'oA' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field } })
    expect(typeof res.body.error.message).toBe('string')
  })

  it('an unknown action → 400 UNKNOWN_ACTION listing the known ones', async () => {
    const res = await stack.call('ping', { action: 'pong' })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('UNKNOWN_ACTION')
    expect(res.body.error.message).toContain('ping')
  })

  it('a body that is not JSON → 400', async () => {
    const res = await stack.call('ping', '{"action": "ping",')
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'body' })
  })

  it('a JSON array body → 400', async () => {
    const res = await stack.call('ping', '[1,2]')
    expect(res.status).toBe(400)
  })

  it('a malformed x-openid → 400', async () => {
    const res = await stack.call('ping', { action: 'ping' }, { openid: 'bad id with spaces' })
    expect(res.status).toBe(400)
    expect(res.body.error.field).toBe('x-openid')
  })

  it('an unknown function → 404', async () => {
    const res = await stack.call('nope', { action: 'x' })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ ok: false, error: { code: 'FUNCTION_NOT_FOUND' } })
  })

  it('a path that tries to escape the functions folder → 404', async () => {
    const res = await stack.call('..%2Fgateway', { action: 'x' })
    expect(res.status).toBe(404)
  })
})

describe('the rest of the contract', () => {
  it('GET /health', async () => {
    const res = await fetch(`${stack.url}/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('GET /dev/personas lists shoppers, clerks and managers of two stores, and signed code scenes', async () => {
    const res = await fetch(`${stack.url}/dev/personas`)
    const body = (await res.json()) as { personas: any[]; codes: any[] }
    const roles = body.personas.map((p) => p.role)
    expect(roles.filter((r) => r === 'member')).toHaveLength(2)
    expect(roles.filter((r) => r === 'manager')).toHaveLength(2)
    expect(roles.filter((r) => r === 'clerk')).toHaveLength(4)
    expect(body.codes.filter((c) => c.kind === 'store')).toHaveLength(2)
    expect(body.codes.filter((c) => c.kind === 'clerk')).toHaveLength(6)
    for (const code of body.codes) expect(code.scene.length).toBeLessThanOrEqual(32)
  })

  it('functions.invokeFunction through the SDK reaches the same host', async () => {
    const tcb = (await import('@cloudbase/node-sdk')).default
    const app = tcb.init({
      env: 'local',
      serviceUrl: stack.serviceUrl,
      secretId: 'local',
      secretKey: 'local',
    })
    const res = (await app.callFunction({
      name: 'ping',
      data: { action: 'ping', note: 'from sdk' },
    })) as { result: any }
    expect(res.result).toMatchObject({ ok: true, data: { note: 'from sdk', openid: null } })
  })

  it('callFunction of a name with no function answers FUNCTION_NOT_FOUND, as CloudBase does', async () => {
    const tcb = (await import('@cloudbase/node-sdk')).default
    const app = tcb.init({
      env: 'local',
      serviceUrl: stack.serviceUrl,
      secretId: 'local',
      secretKey: 'local',
    })
    await expect(app.callFunction({ name: 'nope', data: {} })).rejects.toMatchObject({
      code: 'FUNCTION_NOT_FOUND',
    })
  })

  it('writes one structured log line per invocation with the DB round trips', async () => {
    const previous = process.env.FUNCTION_LOG
    process.env.FUNCTION_LOG = 'on'
    const lines: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
      lines.push(String(chunk))
      return true
    })
    try {
      await stack.call('ping', { action: 'ping' }, { openid: 'oLogged' })
      await stack.call('ping', { action: 'ping', note: 1 }, { openid: 'oLogged' })
    } finally {
      spy.mockRestore()
      process.env.FUNCTION_LOG = previous
    }
    const records = lines.filter((l) => l.startsWith('{"fn"')).map((l) => JSON.parse(l))
    expect(records).toHaveLength(2)
    expect(records[0]).toMatchObject({
      fn: 'ping',
      action: 'ping',
      role: 'wechat-user',
      outcome: 'ok',
      dbRoundTrips: 2,
    })
    expect(records[1]).toMatchObject({ outcome: 'INVALID_INPUT', dbRoundTrips: 0 })
    for (const r of records) {
      expect(typeof r.requestId).toBe('string')
      expect(typeof r.durationMs).toBe('number')
    }
  })
})
