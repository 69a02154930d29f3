/**
 * Oversized requests (issue #16, item 7): every HTTP entry of the local stack answers an 8 MB body
 * with 413 and the envelope naming its limit, declared (content-length) or streamed (chunked),
 * instead of resetting the connection or buffering the body first.
 */
import { startTestStack, type TestStack } from '../support/local-stack'

let stack: TestStack

beforeAll(async () => {
  stack = await startTestStack()
}, 120_000)
afterAll(() => stack.stop())

const EIGHT_MB = 8 * 1024 * 1024

const ENTRIES: [string, string, Record<string, string>, RegExp][] = [
  ['function host', '/fn/ping', { 'x-openid': 'oBig' }, /1 MB/],
  ['HQ console call', '/fn/admin', { authorization: 'Bearer x' }, /1 MB/],
  ['CloudBase gateway (SDK)', '/admin', {}, /4 MB/],
  ['HTTP access (WeChat Pay notify)', '/http/pay/notify', {}, /1 MB/],
  ['pay sandbox', '/sandbox/pay/T123', {}, /64 KB/],
  ['WeChat sandbox', '/sandbox/wechat/subscribe', {}, /64 KB/],
  ['dev clock', '/dev/clock', {}, /64 KB/],
  ['dev jobs', '/dev/jobs/expireOrders', {}, /64 KB/],
  ['nothing there', '/nowhere', {}, /64 KB/],
]

function expectTooLarge(res: { status: number; body: any }, limit: RegExp) {
  expect(res.status).toBe(413)
  expect(res.body).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } })
  expect(res.body.error.message).toMatch(limit)
  expect(res.body.error.message).toMatch(/请求体超过/)
}

async function post(
  path: string,
  headers: Record<string, string>,
  body: string | ReadableStream<Uint8Array>,
) {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    duplex: 'half',
  } as RequestInit)
  return { status: res.status, body: (await res.json()) as any }
}

/** 8 MB in 64 KB chunks without a content-length (chunked transfer encoding). */
function streamed(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20)
  let sent = 0
  return new ReadableStream({
    pull(controller) {
      if (sent >= EIGHT_MB) return controller.close()
      sent += chunk.length
      controller.enqueue(chunk)
    },
  })
}

describe('an 8 MB body gets 413 and the envelope, not a reset', () => {
  it.each(ENTRIES)('%s (%s), content-length declared', async (_name, path, headers, limit) => {
    const body = `{"action":"ping","note":"${'x'.repeat(EIGHT_MB)}"}`
    expectTooLarge(await post(path, headers, body), limit)
  })

  it.each(ENTRIES)('%s (%s), chunked', async (_name, path, headers, limit) => {
    expectTooLarge(await post(path, headers, streamed()), limit)
  })

  it('the stack keeps serving afterwards, and a body under the limit still works', async () => {
    const res = await stack.call('ping', { action: 'ping', note: 'ok' }, { openid: 'oAfter' })
    expect(res.status).toBe(200)
    const health = await fetch(`${stack.url}/health`)
    expect(health.status).toBe(200)
  })
})
