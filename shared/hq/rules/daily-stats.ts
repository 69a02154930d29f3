/**
 * The dashboard's daily figures: which Asia/Shanghai day an event counts on, which days a rollup
 * run recomputes, and how one day's figures add up. Pure: no database.
 */
import type { DailyStatsDoc } from '../documents'
import { shanghaiDay } from '../../platform/calendar'
import { SHANGHAI_OFFSET_MS } from '../../platform/calendar'

const DAY_MS = 86_400_000

/** The `storeId` of the documents that add up every store (and sales with no attributed store). */
export const ALL_STORES = '*'

/**
 * Events are stamped with their own time (a payment with WeChat's success time), which can come
 * before the write that records them: a payment found by a query after its notification was lost
 * is recorded minutes later. A run therefore goes back this far before its watermark.
 */
export const ROLLUP_LOOKBACK_MS = 60 * 60_000

/** The day an event counts on: its Asia/Shanghai calendar day (paid at 2026-03-01T16:30Z → `2026-03-02`). */
export function statsDay(at: Date): string {
  return shanghaiDay(at)
}

/** The instant a Shanghai day starts (`2026-03-02` → 2026-03-01T16:00Z). */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS)
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) out.push(day)
  return out
}

export const dailyStatsId = (day: string, storeId: string) => `${day}_${storeId}`

/**
 * The first day a new run recomputes (it goes on to today). Every event recorded after the
 * watermark is stamped no earlier than the watermark less the lookback, so the days it touched
 * are that day's and later ones; yesterday and today are always recomputed. The first run starts
 * from the day of `historyStart`, before which nothing happened (the first store's opening).
 */
export function firstDayToRecompute(input: {
  watermark: Date | null
  historyStart: Date | null
  now: Date
}): string {
  const yesterday = addDays(statsDay(input.now), -1)
  const from = input.watermark
    ? new Date(input.watermark.getTime() - ROLLUP_LOOKBACK_MS)
    : input.historyStart
  if (!from) return yesterday
  const day = statsDay(from)
  return day < yesterday ? day : yesterday
}

/** A day's figures: the rollup document less its keys. */
export type DailyFigures = Omit<DailyStatsDoc, '_id' | 'day' | 'storeId' | 'computedAt'>

export const FIGURE_KEYS = [
  'newMembers',
  'onlineOrders',
  'onlineSalesFen',
  'offlineSales',
  'offlineSalesFen',
  'refundsFen',
  'pointsIssued',
  'pointsRedeemed',
  'commissionAccruedFen',
  'commissionReversedFen',
] as const satisfies readonly (keyof DailyFigures)[]

export function emptyFigures(): DailyFigures {
  return Object.fromEntries(FIGURE_KEYS.map((k) => [k, 0])) as unknown as DailyFigures
}

export function addFigures(into: DailyFigures, more: Partial<DailyFigures>): void {
  for (const key of FIGURE_KEYS) into[key] += more[key] ?? 0
}

export function sameFigures(a: DailyFigures, b: DailyFigures): boolean {
  return FIGURE_KEYS.every((key) => a[key] === b[key])
}

/** Ledger kinds whose positive entries are points issued: the welcome bonus, purchases, HQ's additions. */
export const POINTS_ISSUED_KINDS = ['welcome', 'earn', 'adjust'] as const
/**
 * Ledger kinds that make up points redeemed: spends on gifts (negative) and the points a cancelled
 * redemption gave back (positive), so redeemed = −(sum of their points).
 */
export const POINTS_REDEEMED_KINDS = ['spend', 'return'] as const
