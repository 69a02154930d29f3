/**
 * Commission rules: what the attributed clerk earns on a sale, when it settles, how a refund
 * takes it back, and how money is shown in a settlement export. Pure: no database, no WeChat.
 */
import { shanghaiMonth } from '../../platform/calendar'
import { SHANGHAI_OFFSET_MS } from '../../platform/calendar'
import type { CommissionEntryDoc } from '../documents'

export const DAY_MS = 86_400_000

export interface CommissionRules {
  /** Basis points of the net paid amount: 300 = 3%. */
  rateBp: number
  /** Days after pickup (or an offline sale) during which a refund cancels the pending commission. */
  refundWindowDays: number
}

export const DEFAULT_COMMISSION_RULES: CommissionRules = { rateBp: 300, refundWindowDays: 7 }

/** Commission on a net amount, rounded half up to the fen. */
export function commissionFen(netFen: number, rateBp: number): number {
  if (netFen <= 0) return 0
  return Math.floor((netFen * rateBp + 5_000) / 10_000)
}

/**
 * What a refund takes back, computed cumulatively (commission on what was left before minus on
 * what is left after), so any sequence of partial refunds adds up to exactly the commission.
 */
export function commissionTakeback(input: {
  baseFen: number
  refundedBeforeFen: number
  refundFen: number
  rateBp: number
}): number {
  const before = commissionFen(input.baseFen - input.refundedBeforeFen, input.rateBp)
  const after = commissionFen(
    input.baseFen - input.refundedBeforeFen - input.refundFen,
    input.rateBp,
  )
  return before - after
}

export function settleAfterFor(from: Date, rules: CommissionRules): Date {
  return new Date(from.getTime() + rules.refundWindowDays * DAY_MS)
}

/** A refund at `at` is inside the window while the entry has not settled and its window is not over. */
export function insideRefundWindow(settleAfter: Date | null, at: Date): boolean {
  return settleAfter === null || at.getTime() < settleAfter.getTime()
}

export { shanghaiMonth }

/** `2026-05` → `2026-04`, ... : the `count` months ending with `month`, oldest first. */
export function monthsEndingWith(month: string, count: number): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const out: string[] = []
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1))
    out.push(d.toISOString().slice(0, 7))
  }
  return out
}

/** The UTC instants a Shanghai month spans: [start, end). */
export function monthRange(month: string): { start: Date; end: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return {
    start: new Date(Date.UTC(y, m - 1, 1) - SHANGHAI_OFFSET_MS),
    end: new Date(Date.UTC(y, m, 1) - SHANGHAI_OFFSET_MS),
  }
}

/** 12345 → `123.45`, -5 → `-0.05`: yuan with two decimals, exact (no floating point). */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** `12.5` or `12.50` yuan as 1250 fen, exactly (no floating point); null unless a positive amount with at most two decimals. */
export function yuanToFen(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return fen > 0 ? fen : null
}

/** Ledger document ids are their keys (`:` is not used in ids). */
export const commissionEntryId = (key: string) => key.replace(/:/g, '_')

export const saleCommissionKey = (source: CommissionEntryDoc['source']) =>
  `${source.kind}:${source.id}:commission`

// ------------------------------------------------------------------ rules (HQ-settable)
