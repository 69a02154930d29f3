import { Query } from 'mingo'
import { segmentSchema } from '../../../shared/campaigns/contract'
import type { Tier } from '../../../shared/points/documents'
import { startOfShanghaiWeek } from '../../../shared/platform/calendar'
import {
  amongMembers,
  campaignWeekKey,
  compileSegment,
  membersBetween,
  tallyDeliveries,
  underWeeklyCap,
  type Segment,
} from '../../../shared/campaigns/rules/segments'

const NOW = new Date('2026-11-23T04:00:00Z')
const DAY = 86_400_000
const ago = (days: number) => new Date(NOW.getTime() - days * DAY)

type M = {
  _id: string
  openid?: string
  status: 'active' | 'deleted'
  tier: Tier
  points: number
  storeId: string
  clerkId: string
  lastPurchaseAt: Date | null
  joinedAt: Date
  tags: string[]
} & Record<string, unknown>

const m = (id: string, p: Partial<M>): M => ({
  _id: id,
  openid: `o-${id}`,
  status: 'active',
  tier: 'standard',
  points: 0,
  storeId: 's1',
  clerkId: 'c1',
  lastPurchaseAt: null,
  joinedAt: ago(400),
  tags: [],
  ...p,
})

const POPULATION: M[] = [
  m('m01', {
    tier: 'gold',
    points: 5000,
    lastPurchaseAt: ago(3),
    tags: ['vip'],
    birthday: '03-15',
    trailingSpendFen: 600_000,
  }),
  m('m02', {
    tier: 'gold',
    storeId: 's2',
    clerkId: 'c3',
    points: 800,
    lastPurchaseAt: ago(40),
    birthday: '03-31',
    trailingSpendFen: 500_000,
  }),
  m('m03', {
    tier: 'silver',
    points: 1200,
    lastPurchaseAt: ago(10),
    tags: ['baby'],
    birthday: '04-01',
    trailingSpendFen: 120_000,
  }),
  m('m04', { tier: 'standard', points: 0, joinedAt: ago(5) }),
  m('m05', {
    tier: 'gold',
    clerkId: 'c2',
    points: 100,
    lastPurchaseAt: ago(200),
    tags: ['vip', 'baby'],
    birthday: '12-01',
    trailingSpendFen: 800_000,
  }),
  m('m06', {
    tier: 'gold',
    status: 'deleted',
    openid: undefined,
    birthday: '03-10',
    trailingSpendFen: 900_000,
    lastPurchaseAt: ago(1),
  }),
  m('m07', {
    tier: 'silver',
    storeId: 's2',
    clerkId: 'c4',
    points: 3000,
    lastPurchaseAt: ago(29),
    joinedAt: ago(20),
  }),
  m('m08', { tier: 'gold', openid: undefined }), // active but unbound from WeChat: cannot be messaged
  m('m09', {
    tier: 'standard',
    points: 999,
    lastPurchaseAt: ago(31),
    birthday: '02-29',
    trailingSpendFen: 50_000,
  }),
  m('m10', { tier: 'gold', points: 1000, lastPurchaseAt: ago(30), trailingSpendFen: 999_999 }),
  // Last bought 400 days ago: the stored spend predates the window, so it has spent nothing in it.
  m('m11', { lastPurchaseAt: ago(400), birthday: '03-01', trailingSpendFen: 700_000 }),
]

function run(segment: Segment): string[] {
  const parsed = segmentSchema().parse(segment)
  const q = new Query(compileSegment(parsed, NOW))
  return POPULATION.filter((doc) => q.test(doc)).map((doc) => doc._id)
}

describe('compileSegment over a seeded population', () => {
  test('empty segment: every active member with an openid', () => {
    expect(run({})).toEqual(['m01', 'm02', 'm03', 'm04', 'm05', 'm07', 'm09', 'm10', 'm11'])
  })
  test('gold members of store s1', () => {
    expect(run({ tiers: ['gold'], storeIds: ['s1'] })).toEqual(['m01', 'm05', 'm10'])
  })
  test('clerks', () => {
    expect(run({ clerkIds: ['c2', 'c4'] })).toEqual(['m05', 'm07'])
  })
  test('points range is inclusive', () => {
    expect(run({ pointsMin: 999, pointsMax: 3000 })).toEqual(['m03', 'm07', 'm09', 'm10'])
  })
  test('bought within 30 days (boundary included)', () => {
    expect(run({ purchasedWithinDays: 30 })).toEqual(['m01', 'm03', 'm07', 'm10'])
  })
  test('lapsed: not within 30 days includes never bought', () => {
    expect(run({ notPurchasedWithinDays: 30 })).toEqual(['m02', 'm04', 'm05', 'm09', 'm11'])
  })
  test('joined within 30 days', () => {
    expect(run({ joinedWithinDays: 30 })).toEqual(['m04', 'm07'])
  })
  test('any of the tags', () => {
    expect(run({ tags: ['baby'] })).toEqual(['m03', 'm05'])
    expect(run({ tags: ['vip', 'baby'], tiers: ['gold'] })).toEqual(['m01', 'm05'])
  })
  test('combined: silver or gold, last bought 5 to 35 days ago', () => {
    expect(
      run({ tiers: ['silver', 'gold'], purchasedWithinDays: 35, notPurchasedWithinDays: 5 }),
    ).toEqual(['m03', 'm07', 'm10'])
  })
  test('birthday months: every day of the month, boundaries included', () => {
    expect(run({ birthdayMonths: [3] })).toEqual(['m01', 'm02', 'm11'])
    expect(run({ birthdayMonths: [12, 2] })).toEqual(['m05', 'm09'])
    expect(run({ birthdayMonths: [6] })).toEqual([])
  })
  test('trailing spend at least: a last purchase outside the window is no spend', () => {
    expect(run({ spendMinFen: 500_000 })).toEqual(['m01', 'm02', 'm05', 'm10'])
  })
  test('trailing spend at most: includes never bought and lapsed past the window', () => {
    expect(run({ spendMaxFen: 100_000 })).toEqual(['m04', 'm07', 'm09', 'm11'])
    expect(run({ spendMinFen: 100_000, spendMaxFen: 600_000 })).toEqual(['m01', 'm02', 'm03'])
  })
  test('combined: gold, born in March, spent at least 5,000 yuan', () => {
    expect(run({ tiers: ['gold'], birthdayMonths: [3], spendMinFen: 500_000 })).toEqual([
      'm01',
      'm02',
    ])
  })
  test('membersBetween: strictly after one cursor, up to and including the next', () => {
    const gold = compileSegment({ tiers: ['gold'] }, NOW)
    const ids = (query: Record<string, unknown>) => {
      const q = new Query(query)
      return POPULATION.filter((d) => q.test(d)).map((d) => d._id)
    }
    expect(ids(membersBetween(gold, 'm01', null))).toEqual(['m02', 'm05', 'm10'])
    expect(ids(membersBetween(gold, 'm01', 'm05'))).toEqual(['m02', 'm05'])
    expect(ids(membersBetween(gold, null, 'm02'))).toEqual(['m01', 'm02'])
    expect(ids(membersBetween(gold, null, null))).toEqual(ids(gold))
  })
  test('amongMembers keeps the segment and only the given members', () => {
    const gold = compileSegment({ tiers: ['gold'] }, NOW)
    const q = new Query(amongMembers(gold, ['m02', 'm03', 'm10']))
    expect(POPULATION.filter((d) => q.test(d)).map((d) => d._id)).toEqual(['m02', 'm10'])
  })
  test('validation refuses contradictions and unknown fields', () => {
    expect(segmentSchema().safeParse({ pointsMin: 10, pointsMax: 5 }).success).toBe(false)
    expect(
      segmentSchema().safeParse({ purchasedWithinDays: 10, notPurchasedWithinDays: 30 }).success,
    ).toBe(false)
    expect(segmentSchema().safeParse({ birthdayMonth: 5 }).success).toBe(false)
    expect(segmentSchema().safeParse({ tiers: ['platinum'] }).success).toBe(false)
    expect(segmentSchema().safeParse({ spendMinFen: 10, spendMaxFen: 5 }).success).toBe(false)
    expect(segmentSchema().safeParse({ birthdayMonths: [13] }).success).toBe(false)
    expect(segmentSchema().safeParse({ birthdayMonths: [] }).success).toBe(false)
  })
})

describe('weekly cap and tallies', () => {
  test('at most two campaigns per member per week', () => {
    expect(underWeeklyCap(0)).toBe(true)
    expect(underWeeklyCap(1)).toBe(true)
    expect(underWeeklyCap(2)).toBe(false)
  })
  test('week key is the Shanghai Monday', () => {
    // Sunday 23:30 Shanghai belongs to the week of the Monday before; Monday 00:10 starts the next
    expect(campaignWeekKey(startOfShanghaiWeek(new Date('2026-11-22T15:30:00Z')))).toBe(
      '2026-11-16',
    )
    expect(campaignWeekKey(startOfShanghaiWeek(new Date('2026-11-22T16:10:00Z')))).toBe(
      '2026-11-23',
    )
  })
  test('tally by status and WeChat code; interrupted claims count failed', () => {
    const t = tallyDeliveries([
      { status: 'sent' },
      { status: 'sent' },
      { status: 'failed', errcode: 43101 },
      { status: 'failed', reason: 'interrupted' },
      { status: 'skipped', reason: 'weeklyCap' },
      { status: 'claimed' },
    ])
    expect(t).toEqual({
      sent: 2,
      failed: 2,
      failedByCode: { '43101': 1, interrupted: 1 },
      skippedCap: 1,
      inFlight: 1,
    })
  })
})
