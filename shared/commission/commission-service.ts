/**
 * Commission: for every paid sale of a member (online or offline, in any store) the attributed
 * clerk earns a commission on the net paid amount and the attributed store is credited with the
 * sale. Entries stay pending until the refund window after pickup (or after an offline sale) has
 * passed, then the daily timer settles them. A refund inside the window lowers the pending amount;
 * a later refund books a negative entry. Settlements per month, per clerk or per store.
 *
 * Idempotency: one `earn` entry per sale, its `_id` derived from its unique key
 * (`order:<id>:commission`), so booking twice is a duplicate write that changes nothing; each refund
 * is applied to the earn entry once (its refund number joins `reversals` in a conditional update),
 * and an after-window refund's negative entry has its own unique key.
 */
import { COLLECTIONS } from '../collections'
import type { CommissionEntryDoc } from './documents'
import { csvNumber, toCsv } from '../platform/csv'
import { AppError } from '../platform/errors'
import {
  commissionFen,
  commissionTakeback,
  fenToYuan,
  insideRefundWindow,
  monthsEndingWith,
  shanghaiMonth,
  type CommissionRules,
} from './rules/commission'
import { database } from '../platform/runtime/cloudbase'
import { startOfShanghaiDay } from '../platform/calendar'
import type { InvocationContext } from '../platform/runtime/define-function'
import { collection } from '../platform/db/collection'
import { namesFor } from '../staff/lookups'
import { commissionEntryId, saleCommissionKey } from './rules/commission'
import { SETTINGS_ID, loadCommissionRules, rememberCommissionRules } from './lookups'

const ledger = () => collection(COLLECTIONS.commissionLedger)

export async function saveCommissionRules(rules: CommissionRules): Promise<CommissionRules> {
  await database()
    .collection(COLLECTIONS.settings.name)
    .doc(SETTINGS_ID)
    .set({ ...rules })
  rememberCommissionRules(rules)
  return rules
}

// ------------------------------------------------------------------ booking

export interface SaleForCommission {
  source: CommissionEntryDoc['source']
  channel: CommissionEntryDoc['channel']
  memberId: string | null
  attribution: { storeId: string; clerkId: string }
  sellingStoreId: string | null
  baseFen: number
  at: Date
  /** Online: null until pickup; offline: the sale + the refund window. */
  settleAfter: Date | null
}

/**
 * Books the pending commission of one sale. Guarantee: the entry's `_id` (and its unique `key`)
 * come from the sale, so of any number of calls exactly one insert succeeds; the others find
 * the key taken (insertOnce) and change nothing.
 */
export async function bookCommission(
  _ctx: InvocationContext,
  sale: SaleForCommission,
  rules?: CommissionRules,
): Promise<void> {
  const { rateBp } = rules ?? (await loadCommissionRules())
  const key = saleCommissionKey(sale.source)
  const entry: CommissionEntryDoc = {
    _id: commissionEntryId(key),
    key,
    kind: 'earn',
    source: sale.source,
    channel: sale.channel,
    memberId: sale.memberId,
    clerkId: sale.attribution.clerkId,
    storeId: sale.attribution.storeId,
    sellingStoreId: sale.sellingStoreId,
    baseFen: sale.baseFen,
    rateBp,
    amountFen: commissionFen(sale.baseFen, rateBp),
    refundedFen: 0,
    reversals: [],
    status: 'pending',
    settleAfter: sale.settleAfter,
    settledAt: null,
    month: shanghaiMonth(sale.at),
    at: sale.at,
  }
  await ledger().insertOnce(entry)
}

async function getEntry(id: string): Promise<CommissionEntryDoc | null> {
  return ledger().get(id)
}

async function bookNegative(
  entry: CommissionEntryDoc,
  rev: CommissionEntryDoc['reversals'][number],
): Promise<void> {
  if (rev.takebackFen === 0) return
  const key = `${entry.source.kind}:${entry.source.id}:refund:${rev.refundNo}:commission`
  const negative: CommissionEntryDoc = {
    ...entry,
    _id: commissionEntryId(key),
    key,
    kind: 'reversal',
    baseFen: -rev.refundFen,
    amountFen: -rev.takebackFen,
    refundedFen: 0,
    reversals: [],
    // An adjustment, payable (negative) in the month it is booked.
    status: 'settled',
    settleAfter: rev.at,
    settledAt: rev.at,
    month: shanghaiMonth(rev.at),
    at: rev.at,
  }
  await ledger().insertOnce(negative)
}

/**
 * Takes a refund's part of the commission back: inside the window from the pending amount (all
 * of it on a full refund: cancelled), after it as a negative entry.
 *
 * Guarantee: the earn entry changes only by a conditional update on its own refund total and
 * status (`where({_id, refundedFen, status})`), adding the refund number to `reversals`; a
 * concurrent refund or the settle timer changing it first makes this one read again, and a
 * refund number already in `reversals` is never applied twice. The negative entry's unique key
 * makes its insert idempotent, so a retry after a crash between the two completes it.
 */
export async function reverseCommission(
  ctx: InvocationContext,
  input: { source: CommissionEntryDoc['source']; refundNo: string; refundFen: number },
): Promise<{ takebackFen: number; inWindow: boolean } | null> {
  const id = commissionEntryId(saleCommissionKey(input.source))
  const now = ctx.clock.now()
  for (let attempt = 1; attempt <= 20; attempt++) {
    const entry = await getEntry(id)
    if (!entry) return null
    const done = entry.reversals.find((r) => r.refundNo === input.refundNo)
    if (done) {
      if (!done.inWindow) await bookNegative(entry, done)
      return { takebackFen: done.takebackFen, inWindow: done.inWindow }
    }
    const refundFen = Math.min(input.refundFen, entry.baseFen - entry.refundedFen)
    const takebackFen = commissionTakeback({
      baseFen: entry.baseFen,
      refundedBeforeFen: entry.refundedFen,
      refundFen,
      rateBp: entry.rateBp,
    })
    const inWindow = entry.status !== 'settled' && insideRefundWindow(entry.settleAfter, now)
    const rev = { refundNo: input.refundNo, refundFen, takebackFen, inWindow, at: now }
    const amountFen = inWindow ? entry.amountFen - takebackFen : entry.amountFen
    const applied = await ledger().updateIf(
      { _id: id, refundedFen: entry.refundedFen, status: entry.status },
      {
        refundedFen: entry.refundedFen + refundFen,
        amountFen,
        reversals: database().command.push(rev),
        ...(inWindow && entry.refundedFen + refundFen >= entry.baseFen
          ? { status: 'cancelled' }
          : {}),
      },
    )
    if (!applied) continue
    if (!inWindow) await bookNegative(entry, rev)
    return { takebackFen, inWindow }
  }
  throw new AppError('INTERNAL', '提成冲减冲突过多，请稍后重试')
}

// ------------------------------------------------------------------ settling

/**
 * Timer `settleCommission` (daily): pending entries whose window is over become settled, in
 * bounded batches. Guarantee: the move is one conditional update
 * (`where({_id in batch, status: 'pending', settleAfter <= now})`), so a repeated or concurrent
 * run settles nothing twice, and an entry a refund changed meanwhile is settled at its new amount.
 */
export async function settleCommission(
  ctx: InvocationContext,
  options: { batch?: number; maxBatches?: number } = {},
): Promise<{ settled: number; more: boolean }> {
  const batch = options.batch ?? 200
  const maxBatches = options.maxBatches ?? 25
  const now = ctx.clock.now()
  const _ = database().command
  let settled = 0
  for (let i = 0; i < maxBatches; i++) {
    const due = await ledger().find(
      { status: 'pending', settleAfter: _.lte(now) },
      { limit: batch },
    )
    if (due.length === 0) return { settled, more: false }
    settled += await ledger().updateWhere(
      { _id: _.in(due.map((e) => e._id)), status: 'pending', settleAfter: _.lte(now) },
      { status: 'settled', settledAt: now },
    )
    if (due.length < batch) return { settled, more: false }
  }
  return { settled, more: true }
}

// ------------------------------------------------------------------ reading

async function entriesWhere(where: Record<string, unknown>): Promise<CommissionEntryDoc[]> {
  const out: CommissionEntryDoc[] = []
  for (let skip = 0; skip < 20_000; skip += 1000) {
    const page = await ledger().find(where, { skip, limit: 1000 })
    out.push(...page)
    if (page.length < 1000) break
  }
  return out
}

interface Totals {
  orders: number
  onlineFen: number
  offlineFen: number
  pendingFen: number
  settledFen: number
  reversedFen: number
}

const emptyTotals = (): Totals => ({
  orders: 0,
  onlineFen: 0,
  offlineFen: 0,
  pendingFen: 0,
  settledFen: 0,
  reversedFen: 0,
})

function add(t: Totals, e: CommissionEntryDoc): void {
  if (e.kind === 'reversal') {
    t.reversedFen += e.amountFen
    return
  }
  t.orders++
  const net = e.baseFen - e.refundedFen
  if (e.channel === 'online') t.onlineFen += net
  else t.offlineFen += net
  if (e.status === 'pending') t.pendingFen += e.amountFen
  if (e.status === 'settled') t.settledFen += e.amountFen
}

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/

/** The clerk's own members' sales and commission for a month, with a 6-month trend. */
export async function clerkPerformance(ctx: InvocationContext, clerkId: string, month?: string) {
  const current = month ?? shanghaiMonth(ctx.clock.now())
  if (!MONTH_RE.test(current)) throw new AppError('INVALID_INPUT', '月份格式应为 YYYY-MM', 'month')
  const months = monthsEndingWith(current, 6)
  const entries = await entriesWhere({ clerkId, month: database().command.in(months) })
  const byMonth = new Map(months.map((m) => [m, emptyTotals()]))
  for (const e of entries) add(byMonth.get(e.month)!, e)
  const t = byMonth.get(current)!
  return {
    month: current,
    orders: t.orders,
    salesOnlineFen: t.onlineFen,
    salesOfflineFen: t.offlineFen,
    salesFen: t.onlineFen + t.offlineFen,
    commissionPendingFen: t.pendingFen,
    commissionSettledFen: t.settledFen,
    commissionReversedFen: t.reversedFen,
    trend: months.map((m) => {
      const mt = byMonth.get(m)!
      return {
        month: m,
        salesFen: mt.onlineFen + mt.offlineFen,
        commissionFen: mt.pendingFen + mt.settledFen + mt.reversedFen,
      }
    }),
  }
}

/**
 * The clerk's members' sales booked today (Asia/Shanghai) and the commission they earn: the staff
 * desk's 今日业绩. Reads this month's entries from today's start (the clerkMonth index).
 */
export async function clerkToday(ctx: InvocationContext, clerkId: string) {
  const now = ctx.clock.now()
  const entries = await entriesWhere({
    clerkId,
    month: shanghaiMonth(now),
    at: database().command.gte(startOfShanghaiDay(now)),
  })
  const t = emptyTotals()
  for (const e of entries) add(t, e)
  return {
    orders: t.orders,
    salesFen: t.onlineFen + t.offlineFen,
    commissionFen: t.pendingFen + t.settledFen + t.reversedFen,
  }
}

export interface SettlementRow {
  id: string
  name: string
  storeId: string
  storeName: string
  orders: number
  salesOnlineFen: number
  salesOfflineFen: number
  salesFen: number
  commissionPendingFen: number
  commissionSettledFen: number
  commissionReversedFen: number
  /** What is owed for the month now: settled commission plus (negative) reversals. */
  payableFen: number
}

/** One row per clerk (or per attributed store) for a month's sales and commission. */
export async function settlement(
  input: {
    month: string
    by: 'clerk' | 'store'
  },
  /** A store manager's stores (null: every store). */
  stores: string[] | null = null,
): Promise<{ month: string; by: 'clerk' | 'store'; rows: SettlementRow[] }> {
  if (!MONTH_RE.test(input.month))
    throw new AppError('INVALID_INPUT', '月份格式应为 YYYY-MM', 'month')
  const entries = await entriesWhere(
    stores
      ? { month: input.month, storeId: database().command.in(stores) }
      : { month: input.month },
  )
  const groups = new Map<string, { storeId: string; totals: Totals }>()
  for (const e of entries) {
    const id = input.by === 'clerk' ? e.clerkId : e.storeId
    let g = groups.get(id)
    if (!g) groups.set(id, (g = { storeId: e.storeId, totals: emptyTotals() }))
    add(g.totals, e)
  }
  const names = await namesFor(
    [...groups.values()].map((g) => g.storeId),
    input.by === 'clerk' ? [...groups.keys()] : [],
  )
  const rows = [...groups.entries()].map(([id, g]): SettlementRow => {
    const t = g.totals
    return {
      id,
      name: (input.by === 'clerk' ? names.clerks.get(id) : names.stores.get(id)) ?? id,
      storeId: g.storeId,
      storeName: names.stores.get(g.storeId) ?? g.storeId,
      orders: t.orders,
      salesOnlineFen: t.onlineFen,
      salesOfflineFen: t.offlineFen,
      salesFen: t.onlineFen + t.offlineFen,
      commissionPendingFen: t.pendingFen,
      commissionSettledFen: t.settledFen,
      commissionReversedFen: t.reversedFen,
      payableFen: t.settledFen + t.reversedFen,
    }
  })
  rows.sort(
    (a, b) =>
      a.storeName.localeCompare(b.storeName, 'zh') ||
      b.salesFen - a.salesFen ||
      a.id.localeCompare(b.id),
  )
  return { month: input.month, by: input.by, rows }
}

/** The settlement as CSV for Excel (UTF-8 with BOM, amounts in yuan with two decimals). */
export async function settlementCsv(
  input: {
    month: string
    by: 'clerk' | 'store'
  },
  stores: string[] | null = null,
): Promise<{ filename: string; csv: string }> {
  const { rows } = await settlement(input, stores)
  const header = [
    '月份',
    ...(input.by === 'clerk' ? ['店员', '门店'] : ['门店']),
    '订单数',
    '线上销售额（元）',
    '线下销售额（元）',
    '净销售额（元）',
    '待结算提成（元）',
    '已结算提成（元）',
    '退款冲减（元）',
    '应付提成（元）',
  ]
  const body = rows.map((r) => [
    input.month,
    ...(input.by === 'clerk' ? [r.name, r.storeName] : [r.name]),
    r.orders,
    ...[
      r.salesOnlineFen,
      r.salesOfflineFen,
      r.salesFen,
      r.commissionPendingFen,
      r.commissionSettledFen,
      r.commissionReversedFen,
      r.payableFen,
    ].map((fen) => csvNumber(fenToYuan(fen))),
  ])
  return { filename: `commission-${input.by}-${input.month}.csv`, csv: toCsv(header, body) }
}
