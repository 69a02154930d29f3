/**
 * HQ's data exports (orders, members, offline sales) as CSV, written in batches by the export
 * jobs (flows/hq-jobs.ts). Each batch reads the next rows newest first after a cursor and stops at
 * the moment the job was created, so rows that arrive later never shift the pages of a job that
 * is half done; a batch re-run after a lost lease reads and writes the same rows again.
 */
import { seesFullPhone } from '../hq/rules/roles'
import { COLLECTIONS } from '../collections'
import type { OrderDoc, OfflineSaleDoc } from '../shop/documents'
import type { MemberDoc } from '../membership/documents'
import type { AdminRole } from '../hq/documents'
import { csvNumber, toCsv, type CsvCell } from '../platform/csv'
import { formatShanghaiMinute, shanghaiDaysRange } from '../platform/calendar'
import { fenToYuan } from '../commission/rules/commission'
import { loadCommissionRules } from '../commission/lookups'
import { maskPhone } from '../platform/phone'
import { database } from '../platform/runtime/cloudbase'
import { collection } from '../platform/db/collection'
import type { DocumentCollectionSpec, StoredDoc } from '../platform/db/collection-spec'
import { afterCursor, cursorOf } from '../platform/db/paging'
import { namesFor } from '../staff/lookups'
import { orderStatusLabel } from '../shop/lifecycle'
import { saleRow } from './offline-sales-hq'
import { AppError } from '../platform/errors'

export type DataExportKind = 'exportOrders' | 'exportMembers' | 'exportOfflineSales'

/** What an export job keeps in `params`: its filter, and whether phones are written in full. */
export interface DataExportParams {
  storeId?: string
  /**
   * A store manager's export: the stores their account listed when they created it. Every batch
   * reads only these stores' rows, and runs only while the account still manages all of them.
   */
  storeIds?: string[]
  from?: string
  to?: string
  status?: OrderDoc['status']
  tier?: MemberDoc['tier']
  /** Members only: full numbers for a role that may see them, otherwise 138****8000. */
  phones?: 'full' | 'masked'
  /** The job's creation: rows stamped later are not part of this export. */
  until: string
}

/** Rows per batch (one read of at most 1000, plus names). */
export const EXPORT_BATCH_SIZE = 500

/** Who may have members' phone numbers in full in a file: as on screen (hq/rules/roles.ts). */
export const seesFullPhones = (role: AdminRole): boolean => seesFullPhone(role)

const TIER_LABEL: Record<MemberDoc['tier'], string> = {
  standard: '普通会员',
  silver: '银卡会员',
  gold: '金卡会员',
}

interface ExportSpec<T extends StoredDoc> {
  collection: DocumentCollectionSpec<T>
  /** The newest-first field the cursor walks. */
  field: 'createdAt' | 'joinedAt' | 'at'
  header: readonly string[]
  where(params: DataExportParams): Record<string, unknown>
  rows(docs: T[], params: DataExportParams): Promise<CsvCell[][]>
  filename: string
}

const yuan = (fen: number) => csvNumber(fenToYuan(fen))
const minute = (at: Date | null | undefined) => (at ? formatShanghaiMinute(at) : '')

/** The store filter: the one store asked for, within a store manager's stores when scoped. */
function storeFilter(params: DataExportParams): Record<string, unknown> {
  const _ = database().command
  if (params.storeIds) {
    const stores = params.storeId
      ? params.storeIds.filter((id) => id === params.storeId)
      : params.storeIds
    return { storeId: _.in(stores) }
  }
  return params.storeId ? { storeId: params.storeId } : {}
}

function dayRange(params: DataExportParams, field: string): Record<string, unknown> {
  const _ = database().command
  const { gte, lt } = shanghaiDaysRange(params.from, params.to)
  const until = new Date(params.until)
  const conditions = [_.lte(until), ...(gte ? [_.gte(gte)] : []), ...(lt ? [_.lt(lt)] : [])]
  return { [field]: _.and(conditions) }
}

const ORDERS: ExportSpec<OrderDoc> = {
  collection: COLLECTIONS.orders,
  field: 'createdAt',
  filename: 'orders',
  header: [
    '下单时间',
    '订单号',
    '状态',
    '配送方式',
    '提货门店',
    '会员号',
    '商品',
    '金额（元）',
    '已退款（元）',
    '支付时间',
  ],
  where(params) {
    return {
      ...dayRange(params, 'createdAt'),
      ...storeFilter(params),
      ...(params.status ? { status: params.status } : {}),
      // An order id closed without an order (下单未完成) was never an order: not a row.
      cancelReason: database().command.neq('abandoned'),
    }
  },
  async rows(orders) {
    const memberIds = [...new Set(orders.flatMap((o) => (o.memberId ? [o.memberId] : [])))]
    const [names, members] = await Promise.all([
      namesFor(
        orders.flatMap((o) => (o.storeId ? [o.storeId] : [])),
        [],
      ),
      memberIds.length
        ? collection(COLLECTIONS.members).find(
            { _id: database().command.in(memberIds) },
            { fields: ['memberNo'], limit: 1000 },
          )
        : [],
    ])
    const memberNos = new Map(members.map((m) => [m._id, m.memberNo]))
    return orders.map((o) => [
      minute(o.createdAt),
      o._id,
      orderStatusLabel(o),
      o.fulfilment === 'pickup' ? '到店自提' : '快递配送',
      o.storeId ? (names.stores.get(o.storeId) ?? '') : '',
      o.memberId ? (memberNos.get(o.memberId) ?? '') : '',
      o.items.map((i) => `${i.name} ×${i.qty}`).join('；'),
      yuan(o.totalFen),
      yuan(o.refundedFen),
      minute(o.paidAt),
    ])
  },
}

const MEMBERS: ExportSpec<MemberDoc> = {
  collection: COLLECTIONS.members,
  field: 'joinedAt',
  filename: 'members',
  header: ['会员号', '手机号', '等级', '积分', '门店', '导购', '开卡时间', '最近消费'],
  where(params) {
    return {
      status: 'active',
      ...dayRange(params, 'joinedAt'),
      ...storeFilter(params),
      ...(params.tier ? { tier: params.tier } : {}),
    }
  },
  async rows(members, params) {
    const names = await namesFor(
      members.map((m) => m.storeId),
      members.map((m) => m.clerkId),
    )
    return members.map((m) => [
      m.memberNo,
      m.phone ? (params.phones === 'full' ? m.phone : maskPhone(m.phone)) : '',
      TIER_LABEL[m.tier],
      m.points,
      names.stores.get(m.storeId) ?? '',
      names.clerks.get(m.clerkId) ?? '',
      minute(m.joinedAt),
      minute(m.lastPurchaseAt),
    ])
  },
}

const OFFLINE_SALES: ExportSpec<OfflineSaleDoc> = {
  collection: COLLECTIONS.offlineSales,
  field: 'at',
  filename: 'offline-sales',
  header: ['时间', '门店', '导购', '会员号', '小票号', '金额（元）', '状态', '作废原因'],
  where(params) {
    return { ...storeFilter(params), ...dayRange(params, 'at') }
  },
  async rows(sales) {
    const [names, rules] = await Promise.all([
      namesFor(
        sales.map((s) => s.storeId),
        [],
      ),
      loadCommissionRules(),
    ])
    return sales.map((s) => {
      const row = saleRow(s, names.stores, { actor: 'analyst', now: new Date(0), rules })
      return [
        minute(s.at),
        row.storeName,
        s.clerkName,
        s.memberNo,
        s.receiptNo,
        yuan(s.amountFen),
        row.statusLabel,
        s.voided?.reason ?? '',
      ]
    })
  },
}

/** Each kind's spec; `run` keeps the document type of one spec inside one call. */
const SPECS = {
  exportOrders: ORDERS,
  exportMembers: MEMBERS,
  exportOfflineSales: OFFLINE_SALES,
} as const

export const EXPORT_TITLES: Record<DataExportKind, string> = {
  exportOrders: '订单导出',
  exportMembers: '会员导出',
  exportOfflineSales: '线下销售导出',
}

/** How many rows the export will have as it starts (its progress bar's total). */
export function exportTotal(kind: DataExportKind, params: DataExportParams): Promise<number> {
  const spec: ExportSpec<StoredDoc> = SPECS[kind] as unknown as ExportSpec<StoredDoc>
  return collection(spec.collection).count(spec.where(params))
}

export function exportFilename(kind: DataExportKind, jobId: string): string {
  return `${SPECS[kind].filename}-${jobId.slice(0, 8)}.csv`
}

/**
 * The next batch after `cursor`: its CSV text (the first part starts with the BOM and the header),
 * how many rows it holds, the cursor after it, and whether the export is complete.
 */
export async function exportBatch(
  kind: DataExportKind,
  params: DataExportParams,
  cursor: string | null,
): Promise<{ csv: string; count: number; cursor: string | null; finished: boolean }> {
  const spec = SPECS[kind] as unknown as ExportSpec<StoredDoc & Record<string, unknown>>
  const db = database()
  const after = afterCursor(db, spec.field, cursor ?? undefined)
  const base = spec.where(params)
  const docs = await collection(spec.collection).find(
    after ? db.command.and([base, after]) : base,
    {
      orderBy: [
        [spec.field, 'desc'],
        ['_id', 'desc'],
      ],
      limit: EXPORT_BATCH_SIZE,
    },
  )
  const csv = toCsv(spec.header, await spec.rows(docs, params))
  const last = docs[docs.length - 1]
  return {
    // Only the first part keeps the BOM and the header: the parts are joined into one file.
    csv: cursor === null ? csv : csv.slice(csv.indexOf('\r\n') + 2),
    count: docs.length,
    cursor: last ? cursorOf(last[spec.field] as Date, last._id) : cursor,
    finished: docs.length < EXPORT_BATCH_SIZE,
  }
}

/** The phones rule at download time: a file with full numbers only for a role that may see them. */
export function checkExportReader(params: DataExportParams, role: AdminRole): void {
  if (params.phones === 'full' && !seesFullPhones(role))
    throw new AppError('FORBIDDEN', '该文件含完整手机号，当前账号无权下载')
}
