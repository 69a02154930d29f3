/**
 * HQ's view of offline sales: the 线下销售 list (store, clerk, member, amount, receipt, time),
 * filtered by store and Asia/Shanghai days, each with whether HQ may still void it, and the rows
 * of the offline-sales export.
 */
import { z } from 'zod'
import { COLLECTIONS } from '../collections'
import type { OfflineSaleDoc } from '../shop/documents'
import type { offlineSaleRow, shopAdminInput } from '../shop/admin-contract'
import { AppError } from '../platform/errors'
import { shanghaiDaysRange } from '../platform/calendar'
import {
  insideRefundWindow,
  settleAfterFor,
  type CommissionRules,
} from '../commission/rules/commission'
import { loadCommissionRules } from '../commission/lookups'
import { database, type Database } from '../platform/runtime/cloudbase'
import { offsetPage } from '../platform/db/paging'
import { collection } from '../platform/db/collection'
import { namesFor } from '../staff/lookups'
import type { Actor } from '../platform/lifecycle'

type Input = z.output<(typeof shopAdminInput)['listOfflineSales']>
type Row = z.infer<ReturnType<typeof offlineSaleRow>>

export interface SaleFilter {
  storeId?: string
  /** A store manager's stores (the others' sales are not theirs to see); null for HQ. */
  stores?: string[] | null
  from?: string
  to?: string
  search?: string
}

/** The query for a filter: store, days, and a receipt number or a 9-digit member number. */
export function offlineSalesWhere(db: Database, filter: SaleFilter): Record<string, unknown> {
  const _ = db.command
  const where: Record<string, unknown> = {}
  if (filter.storeId) where.storeId = filter.storeId
  else if (filter.stores) where.storeId = _.in(filter.stores)
  const { gte, lt } = shanghaiDaysRange(filter.from, filter.to)
  if (gte && lt && gte >= lt)
    throw new AppError('INVALID_INPUT', '开始日期不能晚于结束日期', 'from')
  if (gte && lt) where.at = _.and([_.gte(gte), _.lt(lt)])
  else if (gte) where.at = _.gte(gte)
  else if (lt) where.at = _.lt(lt)
  if (filter.search) {
    if (/^\d{9}$/.test(filter.search)) where.memberNo = filter.search
    else if (/^[A-Za-z0-9_-]{1,40}$/.test(filter.search)) where.receiptNo = filter.search
    else throw new AppError('INVALID_INPUT', '请输入小票号或 9 位会员号', 'search')
  }
  return where
}

export const SALE_STATUS_LABEL = { valid: '有效', voided: '已作废' } as const

/** A sale as HQ sees it at `now`: voidable by an HQ admin until its refund window closes. */
export function saleRow(
  sale: OfflineSaleDoc,
  storeNames: Map<string, string>,
  viewer: { actor: Actor; now: Date; rules: CommissionRules },
): Row {
  const status = sale.voided ? 'voided' : 'valid'
  const voidable =
    !sale.voided &&
    viewer.actor === 'hq-admin' &&
    insideRefundWindow(settleAfterFor(sale.at, viewer.rules), viewer.now)
  return {
    saleId: sale._id,
    at: sale.at.toISOString(),
    storeId: sale.storeId,
    storeName: storeNames.get(sale.storeId) ?? '',
    clerkName: sale.clerkName,
    memberNo: sale.memberNo,
    amountFen: sale.amountFen,
    receiptNo: sale.receiptNo,
    status,
    statusLabel: SALE_STATUS_LABEL[status],
    actions: voidable ? ['void'] : [],
    voided: sale.voided
      ? { at: sale.voided.at.toISOString(), by: sale.voided.by.name, reason: sale.voided.reason }
      : null,
  }
}

/** One page, newest first: the page and its count side by side, then the store names and rules. */
export async function listOfflineSales(
  input: Input,
  viewer: { actor: Actor; now: Date; stores: string[] | null },
) {
  const db = database()
  const where = offlineSalesWhere(db, { ...input, stores: viewer.stores })
  const page = await offsetPage(collection(COLLECTIONS.offlineSales), where, {
    ...input,
    sortBy: 'at',
    sortOrder: 'desc',
  })
  const [names, rules] = await Promise.all([
    namesFor(
      page.rows.map((s) => s.storeId),
      [],
    ),
    loadCommissionRules(),
  ])
  return {
    items: page.rows.map((s) => saleRow(s, names.stores, { ...viewer, rules })),
    total: page.total,
    page: input.page,
    pageSize: input.pageSize,
  }
}
