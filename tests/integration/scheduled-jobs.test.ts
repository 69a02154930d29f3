/**
 * Issue #15 part 2: all scheduled work is the `jobs` function's, behind one every-minute trigger.
 * Each tick runs a job only when its own schedule says it is due, claims it with a conditional
 * update (two overlapping ticks never run a job twice for a slot), bounds it by its budget, and
 * records a failure without stopping the others; after a clock jump a due job runs once.
 * (On the old code there was no `jobs` function and the timers lived in admin, shop, points…)
 */
import { checkSource } from '../../shared/platform/runtime/policy'
import { ManualClock } from '../../shared/platform/ports/clock'
import type { InvocationContext } from '../../shared/platform/runtime/define-function'
import { runDueJobs, type JobRunDoc, type ScheduledJob } from '../../shared/hq/system-jobs'
import { startTestStack, type TestStack } from '../support/local-stack'

let stack: TestStack
beforeAll(async () => {
  stack = await startTestStack()
}, 120_000)
afterAll(() => stack.stop())

function timerCtx(clock: ManualClock): InvocationContext {
  return {
    fn: 'jobs',
    action: 'everyMinute',
    requestId: 'test',
    clock,
    caller: {
      source: 'timer',
      openid: null,
      unionid: null,
      appid: null,
      bearerToken: null,
      role: 'system',
    },
  }
}

async function runDoc(name: string): Promise<JobRunDoc | undefined> {
  return ((await stack.db.collection('jobRuns').doc(name).get()) as { data: JobRunDoc[] }).data[0]
}

describe('the jobs function', () => {
  it('the every-minute trigger runs the due jobs once per slot, and a second tick in the slot runs none', async () => {
    const first = (await stack.fireTimer('jobs', 'everyMinute')) as any
    expect(first.ok).toBe(true)
    const ran = first.data.ran.map((r: { job: string }) => r.job).sort()
    expect(ran).toEqual(
      [
        'applyOrderEffects',
        'autoDeliverOrders',
        'dispatchCampaigns',
        'expireJobFiles',
        'expireMailRedemptions',
        'expireOrders',
        'expirePoints',
        'finishBinds',
        'reconcilePayments',
        'remindUnread',
        'repairCoupons',
        'repairOrders',
        'repairRedemptions',
        'rollupDailyStats',
        'settleCommission',
        'stepJobs',
      ].sort(),
    )
    for (const r of first.data.ran) expect(r.outcome).toBe('ok')
    const again = (await stack.fireTimer('jobs', 'everyMinute')) as any
    // Unless the minute turned between the two ticks, nothing is due again.
    const sameMinute =
      Math.floor(Date.now() / 60_000) ===
      Math.floor(new Date((await runDoc('expireOrders'))!.startedAt).getTime() / 60_000)
    if (sameMinute) expect(again.data.ran).toEqual([])
    expect((await runDoc('settleCommission'))!.runs).toBe(1)
  })

  it('after a 7-day clock jump one tick runs each job once', async () => {
    const before = (await runDoc('expireOrders'))!.runs
    stack.setClockOffset(7 * 86_400_000)
    try {
      const tick = (await stack.fireTimer('jobs', 'everyMinute')) as any
      expect(tick.data.ran).toHaveLength(16)
      expect((await runDoc('expireOrders'))!.runs).toBe(before + 1)
      expect((await runDoc('settleCommission'))!.runs).toBe(2)
    } finally {
      stack.setClockOffset(0)
    }
  })

  it('POST /dev/jobs/<job> and /dev/timer/jobs/<job> run one job now and answer its result', async () => {
    for (const url of ['/dev/jobs/expireOrders', '/dev/timer/jobs/expireOrders']) {
      const res = await fetch(`${stack.url}${url}`, { method: 'POST' })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ ok: true, data: { expired: 0, failed: 0, paid: 0 } })
    }
    const unknown = (await stack.runJob('noSuchJob')) as any
    expect(unknown.error.code).toBe('NOT_FOUND')
  })

  it('no user-facing function keeps a timer action', async () => {
    for (const [fn, action] of [
      ['shop', 'applyOrderEffects'],
      ['shop', 'expireOrders'],
      ['shop', 'settleCommission'],
      ['points', 'expirePoints'],
      ['points', 'repairRedemptions'],
      ['points', 'expireMailRedemptions'],
      ['chat', 'remindUnread'],
    ]) {
      const res = await stack.call(fn!, { action }, { openid: 'oSomeone' })
      expect(res.body.error.code).toBe('UNKNOWN_ACTION')
    }
    for (const action of ['stepJobs', 'rollupDailyStats']) {
      const res = await stack.admin({ action })
      expect(res.body.error.code).toBe('UNKNOWN_ACTION')
    }
  })
})

describe('the runner', () => {
  const job = (
    name: string,
    run: ScheduledJob['run'],
    budgetMs = 5_000,
    everyMinutes = 1,
  ): ScheduledJob => ({ name, schedule: { everyMinutes }, budgetMs, run })

  it("one job's failure or overrun is recorded and does not stop the others", async () => {
    const clock = new ManualClock(new Date('2031-01-01T00:00:10Z'))
    let okRuns = 0
    const result = await runDueJobs(timerCtx(clock), [
      job('t_fails', async () => {
        throw new Error('boom')
      }),
      job('t_slow', () => new Promise((resolve) => setTimeout(resolve, 2_000)), 100),
      job('t_ok', async () => ++okRuns),
    ])
    const outcomes = Object.fromEntries(result.ran.map((r) => [r.job, r.outcome]))
    expect(outcomes).toEqual({ t_fails: 'failed', t_slow: 'timeout', t_ok: 'ok' })
    expect(okRuns).toBe(1)
    expect(await runDoc('t_fails')).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('boom'),
    })
    expect(await runDoc('t_slow')).toMatchObject({ outcome: 'timeout' })
    expect(await runDoc('t_ok')).toMatchObject({ outcome: 'ok', runs: 1 })
  })

  it('overlapping ticks run each job once per slot; a clock jump runs it once more, not per missed slot', async () => {
    const clock = new ManualClock(new Date('2031-02-01T00:00:10Z'))
    let runs = 0
    const jobs = [job('t_count', async () => ++runs), job('t_every10', async () => null, 5_000, 10)]
    const ticks = await Promise.all(
      Array.from({ length: 5 }, () => runDueJobs(timerCtx(clock), jobs)),
    )
    expect(runs).toBe(1)
    expect(ticks.flatMap((t) => t.ran).filter((r) => r.job === 't_count')).toHaveLength(1)
    clock.advance(30_000)
    await runDueJobs(timerCtx(clock), jobs)
    expect(runs).toBe(1)
    clock.advance(7 * 86_400_000)
    await Promise.all([runDueJobs(timerCtx(clock), jobs), runDueJobs(timerCtx(clock), jobs)])
    expect(runs).toBe(2)
    expect((await runDoc('t_count'))!.runs).toBe(2)
    // Every 10 minutes: not due a minute later.
    clock.advance(60_000)
    const later = await runDueJobs(timerCtx(clock), jobs)
    expect(later.ran.map((r) => r.job)).toEqual(['t_count'])
  })

  it('refuses anyone but the timer: the jobs function declares `timer` for its one action', () => {
    const ctx = timerCtx(new ManualClock())
    expect(() => checkSource(ctx, 'timer')).not.toThrow()
    ctx.caller.source = 'wechat'
    expect(() => checkSource(ctx, 'timer')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }))
  })
})

describe('the local scheduler', () => {
  it('after a 7-day jump invokes the jobs trigger once, not once per missed second', async () => {
    let offset = 0
    const own = await startTestStack({ timers: true, now: () => Date.now() + offset })
    try {
      const invoke = own.functions.invoke.bind(own.functions)
      let timerInvocations = 0
      own.functions.invoke = (name, event, caller) => {
        if (caller?.source === 'timer') timerInvocations++
        return invoke(name, event, caller)
      }
      offset = 7 * 86_400_000
      await new Promise((resolve) => setTimeout(resolve, 2_500))
      expect(timerInvocations).toBeGreaterThanOrEqual(1)
      expect(timerInvocations).toBeLessThanOrEqual(2)
    } finally {
      await own.stop()
    }
  })
})
