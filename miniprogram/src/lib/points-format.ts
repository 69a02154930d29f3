/** Formatting and list merging for the points, gifts and redemption pages (pure). */
import { formatDate, formatPoints } from './format'

export interface MonthGroup<T> {
  month: string
  items: T[]
}

/** Appends a ledger page: a month that continues from the previous page is merged, not repeated. */
export function mergeMonthGroups<T>(
  existing: readonly MonthGroup<T>[],
  next: readonly MonthGroup<T>[],
): MonthGroup<T>[] {
  const merged = existing.map((g) => ({ month: g.month, items: [...g.items] }))
  for (const group of next) {
    const last = merged[merged.length - 1]
    if (last !== undefined && last.month === group.month) last.items.push(...group.items)
    else merged.push({ month: group.month, items: [...group.items] })
  }
  return merged
}

/** "2026-03" → "2026年3月"; anything else unchanged. */
export function monthLabel(month: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month)
  return match ? `${match[1]}年${Number(match[2])}月` : month
}

/** 120 → "+120"; -80 → "-80"; with thousands separators. */
export function signedPoints(points: number): string {
  return points > 0 ? `+${formatPoints(points)}` : formatPoints(points)
}

export const LEDGER_KIND_LABELS: Record<string, string> = {
  welcome: '开卡礼',
  earn: '消费',
  spend: '兑换',
  expire: '过期',
  refund: '退款',
  adjust: '总部调整',
  return: '退还',
}

/** 0..1 → a CSS width; clamped so a bad value never draws outside the bar. */
export function progressWidth(progress: number): string {
  const clamped = Number.isFinite(progress) ? Math.min(Math.max(progress, 0), 1) : 0
  return `${Math.round(clamped * 100)}%`
}

/**
 * Points expire at the start of a China day (an instant such as 2027-12-31T16:00Z); people are
 * told the last day they can still use them: "2027-12-31".
 */
export function lastUsableDay(expiresAt: string): string {
  const millis = Date.parse(expiresAt)
  return Number.isNaN(millis) ? '' : formatDate(new Date(millis - 1).toISOString())
}
