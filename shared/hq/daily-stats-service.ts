/**
 * The dashboard's daily rollup: figures per Asia/Shanghai day and store in `dailyStats`, so the
 * dashboard reads at most one document per day instead of aggregating a year of orders.
 *
 * What counts where (shared/rules/daily-stats.ts): sales are gross on the day paid (online: the
 * order's `paidAt`, offline: the sale's `at`) and refunds count separately on the day they
 * succeeded; every figure goes to the attributed store frozen on the sale (commission's store),
 * new members to the store that opened the card, points to the member's store now.
 *
 * Guarantees: recomputing a day reads everything of that day again and overwrites its documents
 * (`_id` = `<day>_<storeId>`), so a run repeated, interrupted or overlapping another changes
 * nothing it should not. A run goes day by day from where the last one's watermark says events
 * may have arrived to today, keeps its cursor in `settings/dailyStatsRollup` and stops after a
 * time budget; the next timer run goes on from the cursor and only a finished run moves the
 * watermark (to when it started).
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { defineCollection } from '../platform/db/collection-spec'
import type { DailyStatsDoc, DailyStatsRollupState } from './documents'
import type { RefundDoc } from '../payments/documents'
import {
  ALL_STORES,
  addDays,
  addFigures,
  dailyStatsId,
  dayStart,
  daysBetween,
  emptyFigures,
  FIGURE_KEYS,
  firstDayToRecompute,
  POINTS_ISSUED_KINDS,
  POINTS_REDEEMED_KINDS,
  sameFigures,
  statsDay,
  type DailyFigures,
} from './rules/daily-stats'
import { AppError } from '../platform/errors'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { commissionEntryId, saleCommissionKey } from '../commission/rules/commission'
import { directoryFor } from '../staff/lookups'

const STATE_ID = 'dailyStatsRollup'
/** One run's time, well inside the admin function's 30 s timeout. */
const TIME_BUDGET_MS = 20_000
/** Days recomputed together: a week of a busy chain is tens of thousands of orders per aggregation. */
const CHUNK_DAYS = 7
/** Ids per `in` query (the database's page size). */
const PAGE = 1000
/** The longest range the dashboard shows: a year, leap day included. */
const MAX_DASHBOARD_DAYS = 366

const stats = () => collection(COLLECTIONS.dailyStats)
/** The rollup's own document of the settings collection (`_id` = STATE_ID). */
const ROLLUP_STATE = defineCollection<DailyStatsRollupState>(COLLECTIONS.settings)

/** day → store (null: a sale with no attributed store, counted only in all stores) → figures */
type DayFigures = Map<string, Map<string | null, DailyFigures>>

function figuresOf(acc: DayFigures, day: string, storeId: string | null | undefined): DailyFigures {
  let byStore = acc.get(day)
  if (!byStore) acc.set(day, (byStore = new Map()))
  let figures = byStore.get(storeId ?? null)
  if (!figures) byStore.set(storeId ?? null, (figures = emptyFigures()))
  return figures
}

async function inBatches<T>(ids: string[], read: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = []
  const pages = []
  for (let i = 0; i < ids.length; i += PAGE) pages.push(read(ids.slice(i, i + PAGE)))
  for (const page of await Promise.all(pages)) out.push(...page)
  return out
}

/**
 * Everything of the days `from`…`to`, per day and store: six aggregations and reads at once, then
 * the stores of the members with points (a read per thousand) and of the refunded orders.
 */
async function computeDays(from: string, to: string): Promise<DayFigures> {
  const db = database()
  const _ = db.command
  const $ = _.aggregate
  const range = _.gte(dayStart(from)).and(_.lt(dayStart(addDays(to, 1))))
  const dayOf = (field: string) =>
    $.dateToString({ format: '%Y-%m-%d', date: field, timezone: '+08:00' })
  type Group<K extends string> = {
    _id: { day: string; store?: string | null; memberId?: string }
  } & Record<K, number>
  // Aggregations go through the SDK's builder (`raw`); their rows are the groups asked for.
  const grouped = async <K extends string>(
    collectionName: string,
    match: Record<string, unknown>,
    id: Record<string, unknown>,
    sums: Record<K, unknown>,
  ): Promise<{ data: Group<K>[] }> =>
    db
      .collection(collectionName)
      .aggregate()
      .match(match)
      .group({ _id: id, ...sums })
      .limit(100_000)
      .end()

  const [members, orders, offline, commission, points, refunds] = await Promise.all([
    grouped(
      COLLECTIONS.members.name,
      { joinedAt: range },
      { day: dayOf('$joinedAt'), store: '$openedStoreId' },
      { n: $.sum(1) },
    ),
    grouped(
      COLLECTIONS.orders.name,
      { paidAt: range },
      { day: dayOf('$paidAt'), store: '$attribution.storeId' },
      { n: $.sum(1), fen: $.sum('$totalFen') },
    ),
    grouped(
      COLLECTIONS.offlineSales.name,
      { at: range },
      { day: dayOf('$at'), store: '$attribution.storeId' },
      { n: $.sum(1), fen: $.sum('$amountFen') },
    ),
    // The commission a sale earned when booked (commissionFen: half up to the fen), whatever refunds did since.
    grouped(
      COLLECTIONS.commissionLedger.name,
      { at: range, kind: 'earn' },
      { day: dayOf('$at'), store: '$storeId' },
      {
        fen: $.sum($.floor($.divide([$.add([$.multiply(['$baseFen', '$rateBp']), 5000]), 10_000]))),
      },
    ),
    grouped(
      COLLECTIONS.pointsLedger.name,
      { at: range },
      { day: dayOf('$at'), memberId: '$memberId' },
      {
        issued: $.sum(
          $.cond({
            if: $.and([$.in(['$kind', [...POINTS_ISSUED_KINDS]]), $.gt(['$points', 0])]),
            then: '$points',
            else: 0,
          }),
        ),
        redeemed: $.sum(
          $.cond({
            if: $.in(['$kind', [...POINTS_REDEEMED_KINDS]]),
            then: $.multiply(['$points', -1]),
            else: 0,
          }),
        ),
      },
    ),
    succeededOrderRefunds(from, to),
  ])

  const acc: DayFigures = new Map()
  for (const g of members.data) figuresOf(acc, g._id.day, g._id.store).newMembers += g.n
  for (const g of orders.data)
    addFigures(figuresOf(acc, g._id.day, g._id.store), { onlineOrders: g.n, onlineSalesFen: g.fen })
  for (const g of offline.data)
    addFigures(figuresOf(acc, g._id.day, g._id.store), {
      offlineSales: g.n,
      offlineSalesFen: g.fen,
    })
  for (const g of commission.data)
    figuresOf(acc, g._id.day, g._id.store).commissionAccruedFen += g.fen

  const pointGroups = points.data.filter((g) => g.issued !== 0 || g.redeemed !== 0)
  const memberIds = [...new Set(pointGroups.map((g) => g._id.memberId!))]
  const owners = await inBatches(memberIds, (batch) =>
    collection(COLLECTIONS.members).find(
      { _id: _.in(batch) },
      { fields: ['storeId'], limit: PAGE },
    ),
  )
  const storeOfMember = new Map(owners.map((m) => [m._id, m.storeId]))
  for (const g of pointGroups)
    addFigures(figuresOf(acc, g._id.day, storeOfMember.get(g._id.memberId!)), {
      pointsIssued: g.issued,
      pointsRedeemed: g.redeemed,
    })

  await addRefunds(acc, refunds)
  return acc
}

async function succeededOrderRefunds(from: string, to: string): Promise<RefundDoc[]> {
  const _ = database().command
  const out: RefundDoc[] = []
  for (let skip = 0; ; skip += PAGE) {
    const page = await collection(COLLECTIONS.refunds).find(
      {
        settledAt: _.gte(dayStart(from)).and(_.lt(dayStart(addDays(to, 1)))),
        status: 'succeeded',
        'purpose.kind': 'order',
      },
      { skip, limit: PAGE },
    )
    out.push(...page)
    if (page.length < PAGE) return out
  }
}

/** Refunds on the day they succeeded, to the order's attributed store, with the commission each took back. */
async function addRefunds(acc: DayFigures, refunds: RefundDoc[]): Promise<void> {
  if (refunds.length === 0) return
  const _ = database().command
  const orderIds = [...new Set(refunds.map((r) => r.purpose.id))]
  const [orders, entries] = await Promise.all([
    inBatches(orderIds, (batch) =>
      collection(COLLECTIONS.orders).find(
        { _id: _.in(batch) },
        { fields: ['attribution'], limit: PAGE },
      ),
    ),
    inBatches(
      orderIds.map((id) => commissionEntryId(saleCommissionKey({ kind: 'order', id }))),
      (batch) =>
        collection(COLLECTIONS.commissionLedger).find(
          { _id: _.in(batch) },
          { fields: ['source', 'storeId', 'reversals'], limit: PAGE },
        ),
    ),
  ])
  const storeOfOrder = new Map(orders.map((o) => [o._id, o.attribution?.storeId ?? null]))
  const entryOfOrder = new Map(entries.map((e) => [e.source.id, e]))
  for (const refund of refunds) {
    const day = statsDay(refund.settledAt!)
    figuresOf(acc, day, storeOfOrder.get(refund.purpose.id)).refundsFen += refund.amountFen
    const entry = entryOfOrder.get(refund.purpose.id)
    const reversal = entry?.reversals.find((r) => r.refundNo === refund._id)
    if (entry && reversal)
      figuresOf(acc, day, entry.storeId).commissionReversedFen += reversal.takebackFen
  }
}

function figuresFromDoc(doc: DailyStatsDoc): DailyFigures {
  return Object.fromEntries(FIGURE_KEYS.map((k) => [k, doc[k]])) as unknown as DailyFigures
}

/**
 * Recomputes the days `from`…`to` and overwrites their documents: the all-stores one always (it
 * carries `computedAt`), a store's when its figures changed (stores with none that day and no
 * document yet are left without one: the dashboard reads a missing day as zeros).
 */
async function recomputeDays(
  from: string,
  to: string,
  storeIds: string[],
  now: Date,
): Promise<number> {
  const days = daysBetween(from, to)
  const [computed, existing] = await Promise.all([
    computeDays(from, to),
    stats().find({ day: database().command.in(days) }, { limit: PAGE }),
  ])
  const before = new Map(existing.map((d) => [d._id, d]))
  const writes: Promise<unknown>[] = []
  for (const day of days) {
    const byStore = computed.get(day) ?? new Map<string | null, DailyFigures>()
    const all = emptyFigures()
    for (const figures of byStore.values()) addFigures(all, figures)
    writes.push(
      stats().set(dailyStatsId(day, ALL_STORES), {
        day,
        storeId: ALL_STORES,
        ...all,
        computedAt: now,
      }),
    )
    const stores = new Set([
      ...storeIds,
      ...[...byStore.keys()].filter((s): s is string => s !== null),
    ])
    for (const storeId of stores) {
      const figures = byStore.get(storeId) ?? emptyFigures()
      const old = before.get(dailyStatsId(day, storeId))
      if (old ? sameFigures(figuresFromDoc(old), figures) : sameFigures(figures, emptyFigures()))
        continue
      writes.push(stats().set(dailyStatsId(day, storeId), { day, storeId, ...figures }))
    }
  }
  await Promise.all(writes)
  return writes.length
}

async function storeIds(): Promise<string[]> {
  const stores = await collection(COLLECTIONS.stores).find({}, { fields: ['_id'], limit: PAGE })
  return stores.map((s) => s._id)
}

/**
 * Where the first run starts: the first store's opening. Members bind with a store's or a clerk's
 * code and every sale is a member's, so nothing the rollup counts comes before it (the database
 * finds that with one small read, where the earliest order would take a sort of all of them).
 */
async function firstStoreCreatedAt(): Promise<Date | null> {
  const [first] = await collection(COLLECTIONS.stores).find(
    {},
    { orderBy: ['createdAt', 'asc'], limit: 1, fields: ['createdAt'] },
  )
  return first?.createdAt ?? null
}

/**
 * Timer `rollupDailyStats`: goes on with the run under way, or starts one from the watermark,
 * recomputing a week at a time until today or the time budget; a finished run moves the watermark.
 */
export async function rollupDailyStats(
  ctx: InvocationContext,
): Promise<{ days: number; written: number; done: boolean; nextDay: string | null }> {
  const started = Date.now()
  const now = ctx.clock.now()
  const _ = database().command
  const state = collection(ROLLUP_STATE)
  const saved = await state.get(STATE_ID)
  let run = saved?.run ?? null
  if (!run) {
    const watermark = saved?.watermark ?? null
    const nextDay = firstDayToRecompute({
      watermark,
      historyStart: watermark ? null : await firstStoreCreatedAt(),
      now,
    })
    run = { startedAt: now, nextDay, lastDay: statsDay(now) }
    await state.set(STATE_ID, { watermark, run })
  }
  const stores = await storeIds()
  let days = 0
  let written = 0
  // A chunk is not started unless one as long as the last still fits in the budget.
  let lastChunkMs = 0
  while (run.nextDay <= run.lastDay && Date.now() - started + lastChunkMs < TIME_BUDGET_MS) {
    const chunkStarted = Date.now()
    const chunkEnd = addDays(run.nextDay, CHUNK_DAYS - 1)
    const last: string = chunkEnd < run.lastDay ? chunkEnd : run.lastDay
    written += await recomputeDays(run.nextDay, last, stores, now)
    days += daysBetween(run.nextDay, last).length
    run = { ...run, nextDay: addDays(last, 1) }
    // Only this run moves its cursor: another run that started meanwhile owns the document now.
    await database()
      .collection(COLLECTIONS.settings.name)
      .where({ _id: STATE_ID, 'run.startedAt': run.startedAt })
      .update({ 'run.nextDay': run.nextDay })
    lastChunkMs = Date.now() - chunkStarted
  }
  const done = run.nextDay > run.lastDay
  if (done) {
    await database()
      .collection(COLLECTIONS.settings.name)
      .where({ _id: STATE_ID, 'run.startedAt': run.startedAt })
      .update({ watermark: run.startedAt, run: _.remove() })
  }
  return { days, written, done, nextDay: done ? null : run.nextDay }
}

/** HQ's 刷新: today recomputed now, whatever the timer's schedule. */
export async function refreshToday(now: Date): Promise<{ updatedAt: string }> {
  const today = statsDay(now)
  await recomputeDays(today, today, await storeIds(), now)
  return { updatedAt: now.toISOString() }
}

export interface DashboardQuery {
  storeId?: string
  from?: string
  to?: string
}

/** How many clerks the ranking lists (the best by net sales in the range). */
const CLERK_RANKING_SIZE = 50

type PeriodSums<K extends string> = { _id: { key: string | null; current: boolean } } & Record<
  K,
  number
>

/**
 * Every store's figures over the range and over the period before it, from the rollup's
 * per-store documents: one aggregation over at most (2 × days × stores) small documents.
 */
async function storeSums(
  prevFrom: string,
  from: string,
  to: string,
): Promise<PeriodSums<(typeof FIGURE_KEYS)[number]>[]> {
  const db = database()
  const _ = db.command
  const $ = _.aggregate
  const sums = Object.fromEntries(FIGURE_KEYS.map((k) => [k, $.sum(`$${k}`)]))
  // The SDK's aggregation builder (`raw`); its rows are the groups asked for.
  const res = await stats()
    .raw.aggregate()
    .match({ day: _.gte(prevFrom).and(_.lte(to)), storeId: _.neq(ALL_STORES) })
    .group({ _id: { key: '$storeId', current: $.gte(['$day', from]) }, ...sums })
    .limit(100_000)
    .end()
  return res.data
}

/**
 * Each clerk's members' sales (the commission ledger's sales: attributed at payment, net of
 * refunds so far) over the range and the period before, from the ledger's `at` index: one
 * aggregation. `storeId` limits it to the clerks' attributed store.
 */
async function clerkSums(
  prevStart: Date,
  start: Date,
  end: Date,
  storeId?: string,
): Promise<(PeriodSums<'salesFen' | 'orders' | 'commissionFen'> & { storeId: string })[]> {
  const db = database()
  const _ = db.command
  const $ = _.aggregate
  const res = await collection(COLLECTIONS.commissionLedger)
    .raw.aggregate()
    .match({
      at: _.gte(prevStart).and(_.lt(end)),
      kind: 'earn',
      ...(storeId ? { storeId } : {}),
    })
    .group({
      _id: { key: '$clerkId', current: $.gte(['$at', start]) },
      salesFen: $.sum($.subtract(['$baseFen', '$refundedFen'])),
      orders: $.sum(1),
      commissionFen: $.sum(
        $.cond({ if: $.eq(['$status', 'cancelled']), then: 0, else: '$amountFen' }),
      ),
      storeId: $.first('$storeId'),
    })
    .limit(100_000)
    .end()
  return res.data
}

const netSales = (f: DailyFigures) => f.onlineSalesFen + f.offlineSalesFen - f.refundsFen

/**
 * The dashboard: the rollup's documents for the days asked and for as many days before them (the
 * previous period, one read), their totals, members now, and the rankings: every store by net
 * sales, and the best clerks by their members' sales, each with the previous period's figure.
 * Five reads at once.
 */
export async function dashboard(input: DashboardQuery, now: Date) {
  const db = database()
  const to = input.to ?? statsDay(now)
  const from = input.from ?? addDays(to, -29)
  if (from > to) throw new AppError('INVALID_INPUT', '开始日期不能晚于结束日期', 'from')
  if (dayStart(to).getTime() - dayStart(from).getTime() >= MAX_DASHBOARD_DAYS * 86_400_000) {
    throw new AppError('INVALID_INPUT', `一次最多查看 ${MAX_DASHBOARD_DAYS} 天`, 'from')
  }
  const days = daysBetween(from, to)
  // The previous period: as many days, ending the day before `from`.
  const prevTo = addDays(from, -1)
  const prevFrom = addDays(from, -days.length)
  const prevDays = daysBetween(prevFrom, prevTo)
  const storeId = input.storeId ?? ALL_STORES
  const ids = [...prevDays, ...days].map((day) => dailyStatsId(day, storeId))
  if (storeId !== ALL_STORES) ids.push(dailyStatsId(to, ALL_STORES))
  const [docs, members, stores, clerks] = await Promise.all([
    stats().find({ _id: db.command.in(ids) }, { limit: PAGE }),
    // Members now: the clerks' counters, which every bind, transfer and deletion moves in its
    // transaction (a count over the members collection would read every member).
    collection(COLLECTIONS.clerks)
      .raw.aggregate()
      .match(input.storeId ? { storeId: input.storeId } : {})
      .group({ _id: null, total: db.command.aggregate.sum('$memberCount') })
      .end()
      .then((res): { total: number }[] => res.data),
    storeSums(prevFrom, from, to),
    clerkSums(dayStart(prevFrom), dayStart(from), dayStart(addDays(to, 1)), input.storeId),
  ])
  const byId = new Map(docs.map((d) => [d._id, d]))
  const totals = emptyFigures()
  const previousTotals = emptyFigures()
  for (const day of prevDays) {
    const doc = byId.get(dailyStatsId(day, storeId))
    if (doc) addFigures(previousTotals, figuresFromDoc(doc))
  }
  const byDay = days.map((day) => {
    const doc = byId.get(dailyStatsId(day, storeId))
    const figures = doc ? figuresFromDoc(doc) : emptyFigures()
    addFigures(totals, figures)
    return { day, ...figures }
  })
  const lastComputed = byId.get(dailyStatsId(to, ALL_STORES))?.computedAt ?? null

  const storeFigures = new Map<string, { current: DailyFigures; previous: DailyFigures }>()
  for (const g of stores) {
    if (!g._id.key) continue
    let entry = storeFigures.get(g._id.key)
    if (!entry)
      storeFigures.set(g._id.key, (entry = { current: emptyFigures(), previous: emptyFigures() }))
    const { _id: _group, ...figures } = g
    addFigures(g._id.current ? entry.current : entry.previous, figures)
  }
  const clerkFigures = new Map<
    string,
    {
      storeId: string
      current: Record<'salesFen' | 'orders' | 'commissionFen', number>
      previousSalesFen: number
    }
  >()
  for (const g of clerks) {
    if (!g._id.key) continue
    let entry = clerkFigures.get(g._id.key)
    if (!entry)
      clerkFigures.set(
        g._id.key,
        (entry = {
          storeId: g.storeId,
          current: { salesFen: 0, orders: 0, commissionFen: 0 },
          previousSalesFen: 0,
        }),
      )
    if (g._id.current) {
      entry.storeId = g.storeId
      entry.current = { salesFen: g.salesFen, orders: g.orders, commissionFen: g.commissionFen }
    } else entry.previousSalesFen = g.salesFen
  }
  const topClerks = [...clerkFigures.entries()]
    .filter(([, c]) => c.current.orders > 0)
    .sort((a, b) => b[1].current.salesFen - a[1].current.salesFen || a[0].localeCompare(b[0]))
    .slice(0, CLERK_RANKING_SIZE)
  const directory = await directoryFor(
    [...storeFigures.keys(), ...topClerks.map(([, c]) => c.storeId)],
    topClerks.map(([id]) => id),
  )
  const storeRanking = [...storeFigures.entries()]
    .map(([id, f]) => ({
      storeId: id,
      storeName: directory.stores.get(id)?.name ?? '（已删除门店）',
      storeCode: directory.stores.get(id)?.code ?? '',
      netSalesFen: netSales(f.current),
      onlineSalesFen: f.current.onlineSalesFen,
      offlineSalesFen: f.current.offlineSalesFen,
      refundsFen: f.current.refundsFen,
      orders: f.current.onlineOrders + f.current.offlineSales,
      newMembers: f.current.newMembers,
      previousNetSalesFen: netSales(f.previous),
    }))
    .filter(
      (r) => r.orders > 0 || r.newMembers > 0 || r.previousNetSalesFen !== 0 || r.refundsFen > 0,
    )
    .sort((a, b) => b.netSalesFen - a.netSalesFen || a.storeCode.localeCompare(b.storeCode))
  const clerkRanking = topClerks.map(([id, c]) => ({
    clerkId: id,
    clerkName: directory.clerks.get(id)?.name ?? '（已删除导购）',
    clerkCode: directory.clerks.get(id)?.code ?? '',
    storeName: directory.stores.get(c.storeId)?.name ?? '（已删除门店）',
    salesFen: c.current.salesFen,
    orders: c.current.orders,
    commissionFen: c.current.commissionFen,
    previousSalesFen: c.previousSalesFen,
  }))
  return {
    from,
    to,
    totalMembers: members[0]?.total ?? 0,
    totals,
    byDay,
    previous: { from: prevFrom, to: prevTo, totals: previousTotals },
    storeRanking,
    clerkRanking,
    /** When the last day of the range was computed; null before the rollup first covered it. */
    updatedAt: lastComputed ? lastComputed.toISOString() : null,
  }
}
