/**
 * Issue #15 part 3: timer and HTTP-access events are what they claim.
 * - An invocation carrying a WeChat identity (a `callFunction` from the app) is never a timer
 *   event, whatever its data says: a shopper posting `{"Type":"Timer","TriggerName":…}` is
 *   refused (403) by every function. (On the old code `shop` ran `settleCommission` as the system.)
 * - The WeChat Pay notification is recognised by the function it reaches, not by the path string:
 *   CloudBase may hand over the path whole (`/pay/notify`) or relative to the access path (`/`).
 *   (On the old code the relative `/` fell through to the action envelope: 400, never paid.)
 *   Checked at `pay` and at the local stack's payment probe (`payprobe`, whose payments name
 *   its own `/payprobe/notify`).
 */
import { readManifest } from '../../scripts/build-functions'
import { SCHEDULE } from '../../cloudfunctions/jobs'
import { startTestStack, type TestStack } from '../support/local-stack'

const OLD_TRIGGERS = [
  'stepJobs',
  'rollupDailyStats',
  'remindUnread',
  'expireOrders',
  'applyOrderEffects',
  'settleCommission',
  'expirePoints',
  'repairRedemptions',
  'expireMailRedemptions',
  'dispatch',
]

let shared: TestStack | undefined
afterAll(() => shared?.stop())

describe('a timer-shaped callFunction', () => {
  let stack: TestStack
  beforeAll(async () => {
    stack = shared ??= await startTestStack()
  }, 120_000)

  it('is refused (403) by every function, with or without a WeChat identity', async () => {
    const names = ['everyMinute', ...SCHEDULE.map((j) => j.name), ...OLD_TRIGGERS]
    for (const fn of readManifest().map((f) => f.name)) {
      const cases = names.flatMap((TriggerName) =>
        ['oShopper', undefined].map((openid) => ({ TriggerName, openid })),
      )
      const answers = await Promise.all(
        cases.map(async ({ TriggerName, openid }) => {
          const event = { Type: 'Timer', TriggerName, Time: new Date().toISOString() }
          const res = await stack.call(fn, event, { openid })
          return { fn, TriggerName, openid, status: res.status, code: res.body.error?.code }
        }),
      )
      expect(answers).toEqual(cases.map((c) => ({ fn, ...c, status: 403, code: 'FORBIDDEN' })))
      // The job message is no way in either.
      const withMessage = await stack.call(
        fn,
        { Type: 'Timer', TriggerName: 'everyMinute', Message: 'settleCommission' },
        { openid: 'oShopper' },
      )
      expect(withMessage.status).toBe(403)
    }
    // Nothing ran: no job has a last run.
    expect(((await stack.db.collection('jobRuns').get()) as { data: unknown[] }).data).toEqual([])
  }, 180_000)

  it("the jobs function's own action is refused to a shopper and to the console", async () => {
    for (const body of [
      { action: 'everyMinute' },
      { action: 'everyMinute', message: 'settleCommission' },
    ]) {
      expect((await stack.call('jobs', body, { openid: 'oShopper' })).status).toBe(403)
      const token = await stack.adminToken()
      const asConsole = await stack.call('jobs', body, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(asConsole.status).toBe(403)
    }
  })

  it('an HTTP-access-shaped callFunction from the app is refused too', async () => {
    const res = await stack.call(
      'pay',
      { httpMethod: 'POST', path: '/pay/notify', headers: {}, body: '{}' },
      { openid: 'oShopper' },
    )
    expect(res.status).toBe(403)
  })

  it('the timer itself still runs: fired by the stack, the trigger runs its jobs', async () => {
    const res = (await stack.fireTimer('jobs', 'everyMinute')) as any
    expect(res.ok).toBe(true)
    expect(res.data.ran.length).toBeGreaterThan(0)
  })
})

describe.each(['full', 'relative'] as const)(
  'the WeChat Pay notification with the %s HTTP-access path',
  (style) => {
    // One stack per test process: the bundled functions keep the first stack's database client.
    let stack: TestStack
    beforeAll(async () => {
      stack = shared ??= await startTestStack()
      process.env.HTTP_ACCESS_PATH = style
    })
    afterAll(() => {
      delete process.env.HTTP_ACCESS_PATH
    })
    const payer = `oPathPayer${style}`
    async function createProbe(amountFen: number) {
      const created = await stack.call(
        'payprobe',
        { action: 'probeCreate', amountFen },
        { openid: payer },
      )
      expect(created.status).toBe(200)
      return created.body.data as { probeId: string; outTradeNo: string }
    }
    const probeStatus = async (probeId: string) =>
      (await stack.call('payprobe', { action: 'probeStatus', probeId }, { openid: payer })).body
        .data

    it('reaches the function the payment names (the local payment probe) and pays', async () => {
      const { probeId, outTradeNo } = await createProbe(1234)
      const paid = await fetch(`${stack.url}/sandbox/pay/${outTradeNo}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      expect(paid.status).toBe(200)
      expect(((await paid.json()) as any).delivery).toEqual({ status: 204, body: '' })
      expect(await probeStatus(probeId)).toMatchObject({
        status: 'paid',
        payment: { status: 'paid', paidVia: 'notification' },
      })
    })

    it('reaches the pay function as a notification: verified, then checked against its payment', async () => {
      const { probeId, outTradeNo } = await createProbe(4321)
      // Genuinely signed by the sandbox, but for another amount: only the notification handler
      // (not the action envelope, which would answer 400) gets to 409 and notes the anomaly.
      const held = await fetch(`${stack.url}/sandbox/pay/${outTradeNo}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ notify: false, amountFen: 1 }),
      })
      const { notification } = (await held.json()) as {
        notification: { headers: Record<string, string>; body: string }
      }
      const res = await fetch(`${stack.url}/http/pay/notify`, {
        method: 'POST',
        headers: notification.headers,
        body: notification.body,
      })
      expect(res.status).toBe(409)
      expect(((await res.json()) as { code: string }).code).toBe('CONFLICT')
      expect(await probeStatus(probeId)).toMatchObject({
        status: 'awaiting_payment',
        payment: { status: 'pending', anomaly: 'payment-amount' },
      })
    })

    it('the function gets the path in that shape', async () => {
      const seen: string[] = []
      const invoke = stack.functions.invoke.bind(stack.functions)
      stack.functions.invoke = (name, event, caller) => {
        if (name === 'pay') seen.push((event as { path: string }).path)
        return invoke(name, event, caller)
      }
      try {
        await fetch(`${stack.url}/http/pay/notify`, { method: 'POST', body: '{}' })
      } finally {
        stack.functions.invoke = invoke
      }
      expect(seen).toEqual([style === 'full' ? '/pay/notify' : '/'])
    })
  },
)
