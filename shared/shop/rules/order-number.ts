/**
 * Human order numbers (pure): the Asia/Shanghai day of the order and that day's sequence,
 * `20261203` + `000042` → `20261203000042` (14 digits). People read, say and type these on the
 * phone; the 32-hex document id stays for links only. Distinct from what else HQ types into the
 * same search box: a member number has 9 digits, a phone 11 (starting with 1), a merchant payment
 * number (out_trade_no) starts with `P`.
 */
import { SHANGHAI_OFFSET_MS } from '../../platform/calendar'

export const ORDER_NO = /^\d{8}\d{6}$/

/** `20261203`: the Asia/Shanghai day an order's number starts with. */
export function orderNoDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '')
}

/** The day's `seq`-th order: at most 999,999 a day (a sequence past that keeps its digits). */
export function formatOrderNo(day: string, seq: number): string {
  return `${day}${String(seq).padStart(6, '0')}`
}

/** The counter document that hands out one day's sequence. */
export const orderNoCounterId = (day: string) => `orderNo:${day}`
