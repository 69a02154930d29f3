/**
 * Coupon rules that need no database: when a coupon is valid, whether it applies to a purchase
 * (and if not, the reason a person reads), what it takes off, and how that discount is spread
 * over an order's lines.
 *
 * Rounding, stated once: a `discount` coupon takes off
 * floor(eligible amount × (10000 − rateBp) / 10000) fen, capped at `maxOffFen`, so the shopper
 * never gets more than the stated rate. Every discount leaves at least ¥0.01 to pay (WeChat Pay
 * takes no zero amount; a till receipt is positive), so it never reaches the order's amount. The
 * order's discount is spread over the eligible lines in proportion to their amounts, each line's
 * share rounded down and the fen left over given one each to the lines with the largest remainders
 * (ties to the earlier line): the shares add up exactly, none is negative, none exceeds its line.
 */
import { SHANGHAI_OFFSET_MS, shanghaiDay } from '../../platform/calendar'
import type { Tier } from '../../points/documents'
import type {
  CouponChannel,
  CouponDoc,
  CouponTemplateDoc,
  CouponTermsDoc,
  CouponValidity,
} from '../documents'

const DAY_MS = 86_400_000

/** What must be left to pay after any coupon. */
export const MIN_PAYABLE_FEN = 1

export const TIER_NAMES: Record<Tier, string> = {
  standard: '普通会员',
  silver: '银卡会员',
  gold: '金卡会员',
}

export function yuan(fen: number): string {
  return (fen / 100).toFixed(2).replace(/\.00$/, '')
}

/** Asia/Shanghai midnight starting `day` (`2026-12-01`). */
export function shanghaiDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS)
}

/** `12月31日` for a person. */
function monthDay(at: Date): string {
  const [, m, d] = shanghaiDay(at).split('-')
  return `${Number(m)}月${Number(d)}日`
}

/** From when until when a coupon received at `issuedAt` is usable ([startsAt, expiresAt)). */
export function couponWindow(
  validity: CouponValidity,
  issuedAt: Date,
): { startsAt: Date; expiresAt: Date } {
  if (validity.kind === 'fixed')
    return {
      startsAt: shanghaiDayStart(validity.validFrom),
      expiresAt: new Date(shanghaiDayStart(validity.validUntil).getTime() + DAY_MS),
    }
  const today = shanghaiDayStart(shanghaiDay(issuedAt))
  return { startsAt: issuedAt, expiresAt: new Date(today.getTime() + validity.validDays * DAY_MS) }
}

/** `满 ¥100 减 ¥20`, `8.5 折 · 最多减 ¥50`, `礼品：帆布袋`: the coupon in one line. */
export function termsSummary(terms: CouponTermsDoc): string {
  const min = terms.minSpendFen > 0 ? `满 ¥${yuan(terms.minSpendFen)} ` : ''
  if (terms.kind === 'amountOff') return `${min}减 ¥${yuan(terms.valueFen ?? 0)}`
  if (terms.kind === 'discount') {
    const rate = `${String((terms.rateBp ?? 10_000) / 1000).replace(/\.?0+$/, '')} 折`
    return `${min}${rate}${terms.maxOffFen !== null ? ` · 最多减 ¥${yuan(terms.maxOffFen)}` : ''}`
  }
  return `${min}礼品：${terms.giftName ?? ''}`.trim()
}

/** The rules a member reads on the coupon's detail page, one per line. */
export function termsRules(
  terms: CouponTermsDoc,
  window: { startsAt: Date; expiresAt: Date },
  storeNames: (ids: string[]) => string[],
  productNames: (ids: string[]) => string[],
): string[] {
  const rules = [termsSummary(terms)]
  rules.push(
    `有效期：${monthDay(window.startsAt)} 至 ${monthDay(new Date(window.expiresAt.getTime() - 1))}`,
  )
  rules.push(
    terms.channels.length === 2
      ? '线上商城和门店均可使用'
      : terms.channels[0] === 'online'
        ? '仅限线上商城使用'
        : '仅限门店使用',
  )
  if (terms.storeIds) rules.push(`适用门店：${storeNames(terms.storeIds).join('、')}`)
  if (terms.productIds) rules.push(`适用商品：${productNames(terms.productIds).join('、')}`)
  rules.push('每单限用一张，不与其他优惠券同时使用')
  return rules
}

// ------------------------------------------------------------------ issuing

/** Why `template` issues no coupon to a member of `tier` now, or null when it does. */
export function issueRefusal(
  template: Pick<
    CouponTemplateDoc,
    'status' | 'totalQuantity' | 'issued' | 'tiers' | 'validity' | 'perMemberLimit'
  >,
  received: number,
  tier: Tier,
  now: Date,
): string | null {
  if (template.status !== 'active') return '该优惠券已暂停发放'
  if (template.totalQuantity !== null && template.issued >= template.totalQuantity)
    return '该优惠券已被领完'
  if (
    template.validity.kind === 'fixed' &&
    couponWindow(template.validity, now).expiresAt.getTime() <= now.getTime()
  )
    return '该优惠券已过期'
  if (template.tiers && !template.tiers.includes(tier))
    return `仅限${template.tiers.map((t) => TIER_NAMES[t]).join('、')}领取`
  if (received >= template.perMemberLimit) return `每人限领 ${template.perMemberLimit} 张，已领完`
  return null
}

// ------------------------------------------------------------------ using

/** A purchase a coupon may apply to: an online order or a till sale. */
export interface CouponUse {
  channel: CouponChannel
  /** The pickup store or the till's store; null for a delivery order. */
  storeId: string | null
  /** Order lines; a till sale has no lines (one amount). */
  lines: { productId: string; amountFen: number }[] | null
  /** The whole purchase before the coupon. */
  amountFen: number
}

type CouponFacts = Pick<CouponDoc, 'status' | 'startsAt' | 'expiresAt' | 'terms'>

/** Amount of the lines the coupon counts (its products, or everything). */
export function eligibleAmount(terms: CouponTermsDoc, use: CouponUse): number {
  if (!use.lines || !terms.productIds) return use.amountFen
  const only = new Set(terms.productIds)
  return use.lines.reduce((sum, l) => sum + (only.has(l.productId) ? l.amountFen : 0), 0)
}

/**
 * Why the coupon cannot be applied to `use` now, in the words the checkout greys it out with,
 * or null when it applies. Time is the server's; days end at Asia/Shanghai midnight.
 */
export function couponRefusal(coupon: CouponFacts, use: CouponUse, now: Date): string | null {
  const { terms } = coupon
  if (coupon.status === 'used') return '已使用'
  if (coupon.status === 'locked') return '已被一笔待支付订单占用'
  if (now.getTime() >= coupon.expiresAt.getTime()) return '已过期'
  if (now.getTime() < coupon.startsAt.getTime()) return `${monthDay(coupon.startsAt)}起可用`
  if (!terms.channels.includes(use.channel))
    return use.channel === 'online' ? '仅限门店使用' : '仅限线上商城使用'
  if (terms.storeIds) {
    if (!use.storeId) return '仅限指定门店自提订单使用'
    if (!terms.storeIds.includes(use.storeId)) return '不适用于该门店'
  }
  if (terms.productIds && !use.lines) return '限指定商品，请在线上商城使用'
  const base = eligibleAmount(terms, use)
  if (terms.productIds && base === 0) return '不适用于所选商品'
  if (base < terms.minSpendFen)
    return `未满 ¥${yuan(terms.minSpendFen)}${terms.productIds ? '（指定商品）' : ''}`
  if (terms.kind !== 'gift' && discountFor(terms, use) <= 0) return '订单金额过低，无法抵扣'
  return null
}

/** What the coupon takes off `use` (assumes couponRefusal said yes); 0 for a gift. */
export function discountFor(terms: CouponTermsDoc, use: CouponUse): number {
  const base = eligibleAmount(terms, use)
  let off = 0
  if (terms.kind === 'amountOff') off = Math.min(terms.valueFen ?? 0, base)
  else if (terms.kind === 'discount') {
    off = Math.floor((base * (10_000 - (terms.rateBp ?? 10_000))) / 10_000)
    if (terms.maxOffFen !== null) off = Math.min(off, terms.maxOffFen)
  }
  return Math.max(0, Math.min(off, use.amountFen - MIN_PAYABLE_FEN))
}

/**
 * Spreads `discountFen` over lines in proportion to their `amountFen` (the eligible ones only:
 * `eligible[i]` false gets 0). Largest remainder, ties to the earlier line. Requires
 * 0 ≤ discountFen ≤ the eligible lines' total.
 */
export function allocateDiscount(
  discountFen: number,
  amounts: readonly number[],
  eligible: readonly boolean[] = amounts.map(() => true),
): number[] {
  const base = amounts.reduce((s, a, i) => s + (eligible[i] ? a : 0), 0)
  if (!Number.isInteger(discountFen) || discountFen < 0 || discountFen > base)
    throw new Error(`discount ${discountFen} outside 0..${base}`)
  if (discountFen === 0 || base === 0) return amounts.map(() => 0)
  const shares = amounts.map((a, i) => (eligible[i] ? Math.floor((discountFen * a) / base) : 0))
  // Remainders as exact integers (discount × amount mod base), so no float decides a fen.
  const remainders = amounts.map((a, i) => (eligible[i] ? (discountFen * a) % base : -1))
  let left = discountFen - shares.reduce((s, x) => s + x, 0)
  const order = amounts
    .map((_, i) => i)
    .filter((i) => remainders[i]! > 0)
    .sort((x, y) => remainders[y]! - remainders[x]! || x - y)
  for (const i of order) {
    if (left === 0) break
    shares[i]! += 1
    left--
  }
  return shares
}

/** The best of the usable coupons: the largest discount, then the one that expires first. */
export function bestCoupon<C extends { discountFen: number; expiresAt: Date | string }>(
  usable: readonly C[],
): C | null {
  let best: C | null = null
  for (const c of usable) {
    if (
      !best ||
      c.discountFen > best.discountFen ||
      (c.discountFen === best.discountFen &&
        new Date(c.expiresAt).getTime() < new Date(best.expiresAt).getTime())
    )
      best = c
  }
  return best
}
