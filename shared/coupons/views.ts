/**
 * Coupons as people see them: the member's coupon, a template in the console, a coupon as a
 * purchase sees it. Labels and actions come from lifecycle.ts; rules from rules/coupons.ts.
 */
import { COLLECTIONS } from '../collections'
import type { ProductDoc } from '../shop/documents'
import type { StoreDoc } from '../staff/documents'
import { database } from '../platform/runtime/cloudbase'
import { collection } from '../platform/db/collection'
import { shanghaiDay } from '../platform/calendar'
import type { Actor } from '../platform/lifecycle'
import type { CouponDoc, CouponSourceKind, CouponTemplateDoc, CouponTermsDoc } from './documents'
import { couponState, couponStatusLabel, nextCouponActions } from './lifecycle'
import {
  couponRefusal,
  discountFor,
  termsRules,
  termsSummary,
  type CouponUse,
} from './rules/coupons'

const SOURCE_LABELS: Record<CouponSourceKind, string> = {
  centre: '领券中心领取',
  hq: '总部发放',
  welcome: '开卡礼',
  campaign: '活动赠送',
  points: '积分兑换',
  clerk: '导购赠送',
}

function monthDay(at: Date): string {
  const [, m, d] = shanghaiDay(at).split('-')
  return `${Number(m)}月${Number(d)}日`
}

/** `有效期至 12月31日` (the last whole day). */
export function validText(expiresAt: Date): string {
  return `有效期至 ${monthDay(new Date(expiresAt.getTime() - 1))}`
}

export function validityText(template: Pick<CouponTemplateDoc, 'validity'>): string {
  const v = template.validity
  if (v.kind === 'relative') return `领取后 ${v.validDays} 天内有效`
  return `${v.validFrom} 至 ${v.validUntil}`
}

export function channelsText(terms: Pick<CouponTermsDoc, 'channels'>): string {
  if (terms.channels.length === 2) return '线上商城和门店可用'
  return terms.channels[0] === 'online' ? '仅限线上商城' : '仅限门店使用'
}

/** Names of the stores and products the coupons are restricted to (two reads, only when any is). */
export async function restrictionNames(terms: readonly CouponTermsDoc[]): Promise<{
  stores: (ids: string[]) => string[]
  products: (ids: string[]) => string[]
  /** Which of the ids exist (HQ's template form checks them). */
  known: { stores: Set<string>; products: Set<string> }
}> {
  const storeIds = [...new Set(terms.flatMap((t) => t.storeIds ?? []))]
  const productIds = [...new Set(terms.flatMap((t) => t.productIds ?? []))]
  const _ = database().command
  const [stores, products] = await Promise.all([
    storeIds.length
      ? collection<StoreDoc>(COLLECTIONS.stores).find(
          { _id: _.in(storeIds) },
          { limit: storeIds.length },
        )
      : [],
    productIds.length
      ? collection<ProductDoc>(COLLECTIONS.products).find(
          { _id: _.in(productIds) },
          { limit: productIds.length },
        )
      : [],
  ])
  const storeNames = new Map(stores.map((s) => [s._id, s.name]))
  const productNames = new Map(products.map((p) => [p._id, p.name]))
  return {
    stores: (ids) => ids.map((id) => storeNames.get(id) ?? '已关闭的门店'),
    products: (ids) => ids.map((id) => productNames.get(id) ?? '已下架的商品'),
    known: { stores: new Set(storeNames.keys()), products: new Set(productNames.keys()) },
  }
}

export type Names = Awaited<ReturnType<typeof restrictionNames>>

export function couponView(coupon: CouponDoc, actor: Actor, now: Date, names: Names) {
  return {
    couponId: coupon._id,
    templateId: coupon.templateId,
    name: coupon.terms.name,
    kind: coupon.terms.kind,
    summary: termsSummary(coupon.terms),
    giftName: coupon.terms.giftName,
    status: coupon.status,
    state: couponState(coupon, now),
    statusLabel: couponStatusLabel(coupon, now),
    actions: nextCouponActions(coupon, actor, now),
    channels: coupon.terms.channels,
    startsAt: coupon.startsAt.toISOString(),
    expiresAt: coupon.expiresAt.toISOString(),
    validText: validText(coupon.expiresAt),
    rules: termsRules(coupon.terms, coupon, names.stores, names.products),
    source: SOURCE_LABELS[coupon.source.kind],
    issuedAt: coupon.issuedAt.toISOString(),
    used: coupon.use
      ? {
          kind: coupon.use.kind,
          id: coupon.use.id,
          discountFen: coupon.use.discountFen,
          at: coupon.use.at.toISOString(),
        }
      : null,
  }
}

/** The coupon as a purchase sees it: what it takes off, or why it is greyed out. */
export function couponOption(coupon: CouponDoc, use: CouponUse, now: Date) {
  const reason = couponRefusal(coupon, use, now)
  return {
    couponId: coupon._id,
    name: coupon.terms.name,
    summary: termsSummary(coupon.terms),
    kind: coupon.terms.kind,
    giftName: coupon.terms.giftName,
    expiresAt: coupon.expiresAt.toISOString(),
    validText: validText(coupon.expiresAt),
    usable: reason === null,
    reason,
    discountFen: reason === null ? discountFor(coupon.terms, use) : 0,
  }
}

export function templateView(t: CouponTemplateDoc) {
  return {
    templateId: t._id,
    name: t.name,
    description: t.description,
    kind: t.kind,
    summary: termsSummary(t),
    valueFen: t.valueFen,
    rateBp: t.rateBp,
    maxOffFen: t.maxOffFen,
    minSpendFen: t.minSpendFen,
    giftName: t.giftName,
    channels: t.channels,
    storeIds: t.storeIds,
    productIds: t.productIds,
    tiers: t.tiers,
    validity: t.validity,
    validityText: validityText(t),
    totalQuantity: t.totalQuantity,
    perMemberLimit: t.perMemberLimit,
    issued: t.issued,
    status: t.status,
    statusLabel: t.status === 'active' ? '发放中' : '已暂停',
    inCentre: t.inCentre,
    onBind: t.onBind,
    createdAt: t.createdAt.toISOString(),
  }
}
