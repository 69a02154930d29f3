/**
 * Issue #15 part 2: CloudBase and the WeChat IDE allow one trigger per function, so all scheduled
 * work is one `jobs` function with one every-minute trigger; the build and the local stack refuse
 * a function declaring more, and a clock jump runs each due timer once, not once per missed second.
 * (On the old code: admin declared 2 triggers, shop 3, points 3; nothing refused them; a +7-day
 * jump fired the every-minute timers about 10,080 times each.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { checkManifest, readManifest } from '../../../scripts/build-functions'
import { FunctionHost } from '../../../scripts/local-cloud/function-host'
import { runTimers, type TimerSpec } from '../../../scripts/local-cloud/timers'
import { checkSchedule, latestSlot } from '../../../shared/hq/system-jobs'
import { SCHEDULE } from '../../../cloudfunctions/jobs'

describe('one trigger per function', () => {
  it('cloudbaserc.json declares at most one trigger per function, and only `jobs` has one', () => {
    const manifest = readManifest()
    for (const fn of manifest) expect((fn.triggers ?? []).length).toBeLessThanOrEqual(1)
    expect(manifest.filter((fn) => (fn.triggers ?? []).length > 0).map((fn) => fn.name)).toEqual([
      'jobs',
    ])
    const jobs = manifest.find((fn) => fn.name === 'jobs')!
    expect(jobs.triggers).toEqual([{ name: 'everyMinute', type: 'timer', config: '0 * * * * * *' }])
  })

  it('the build refuses a manifest with a function declaring two triggers', () => {
    const manifest = readManifest().map((fn) =>
      fn.name === 'jobs'
        ? {
            ...fn,
            triggers: [
              { name: 'a', type: 'timer' as const, config: '0 * * * * * *' },
              { name: 'b', type: 'timer' as const, config: '0 */5 * * * * *' },
            ],
          }
        : fn,
    )
    expect(() => checkManifest(manifest)).toThrow(/declares 2 triggers/)
  })

  it('the local function host refuses to load a function whose config.json declares two triggers', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'o2o-two-triggers-'))
    try {
      for (const [name, triggers] of [
        ['one', [{ name: 't', type: 'timer', config: '0 * * * * * *' }]],
        [
          'two',
          [
            { name: 't1', type: 'timer', config: '0 * * * * * *' },
            { name: 't2', type: 'timer', config: '0 */5 * * * * *' },
          ],
        ],
      ] as const) {
        mkdirSync(path.join(dir, name))
        writeFileSync(
          path.join(dir, name, 'index.js'),
          'exports.main = async () => ({ ok: true, data: "ran" })\n',
        )
        writeFileSync(path.join(dir, name, 'config.json'), JSON.stringify({ triggers }))
      }
      const host = new FunctionHost({ functionsDir: dir, serviceUrl: 'http://127.0.0.1:1/admin' })
      await expect(host.invoke('one', {})).resolves.toEqual({ ok: true, data: 'ran' })
      await expect(host.invoke('two', {})).rejects.toThrow(/declares 2 triggers/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the local scheduler after a clock jump', () => {
  afterEach(() => jest.useRealTimers())

  it('fires each due timer once, not once per missed second', async () => {
    jest.useFakeTimers()
    let now = Date.parse('2026-03-02T00:00:30Z')
    const fired: string[] = []
    const timers: TimerSpec[] = [
      { fn: 'jobs', name: 'everyMinute', cron: '0 * * * * * *' },
      { fn: 'x', name: 'daily', cron: '0 30 3 * * * *' },
      { fn: 'x', name: 'never', cron: '0 0 0 1 1 * 2020' },
    ]
    const stop = runTimers(
      timers,
      async (t) => {
        fired.push(t.name)
      },
      () => now,
    )
    now += 1000
    jest.advanceTimersByTime(1000)
    expect(fired).toEqual([])
    now += 7 * 86_400_000
    jest.advanceTimersByTime(1000)
    expect(fired.sort()).toEqual(['daily', 'everyMinute'])
    // Ordinary time afterwards: the next minute fires once more.
    for (let i = 0; i < 60; i++) {
      now += 1000
      jest.advanceTimersByTime(1000)
    }
    expect(fired.filter((n) => n === 'everyMinute')).toHaveLength(2)
    stop()
  })
})

describe('the jobs schedule', () => {
  it('names every job the local stack contract promises, each with a budget under the function timeout', () => {
    expect(() => checkSchedule(SCHEDULE)).not.toThrow()
    const names = SCHEDULE.map((j) => j.name)
    for (const name of [
      'applyOrderEffects',
      'dispatchCampaigns',
      'expireOrders',
      'settleCommission',
      'expirePoints',
      'rollupDailyStats',
      'stepJobs',
      'remindUnread',
      'repairRedemptions',
      'expireMailRedemptions',
    ])
      expect(names).toContain(name)
    const timeoutMs = readManifest().find((fn) => fn.name === 'jobs')!.timeout * 1000
    for (const job of SCHEDULE) expect(job.budgetMs).toBeLessThan(timeoutMs)
  })

  it('slots: every n minutes on the epoch; daily at a Shanghai time', () => {
    const at = Date.parse('2026-03-02T10:07:45Z')
    expect(new Date(latestSlot({ everyMinutes: 1 }, at)).toISOString()).toBe(
      '2026-03-02T10:07:00.000Z',
    )
    expect(new Date(latestSlot({ everyMinutes: 5 }, at)).toISOString()).toBe(
      '2026-03-02T10:05:00.000Z',
    )
    // 03:30 in Shanghai is 19:30 UTC the day before.
    expect(new Date(latestSlot({ dailyAt: '03:30' }, at)).toISOString()).toBe(
      '2026-03-01T19:30:00.000Z',
    )
    expect(
      new Date(latestSlot({ dailyAt: '03:30' }, Date.parse('2026-03-01T19:29:59Z'))).toISOString(),
    ).toBe('2026-02-28T19:30:00.000Z')
  })
})
