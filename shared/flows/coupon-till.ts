/**
 * Coupons at the till: after scanning the member's code, the clerk sees the member's coupons as a
 * sale in their store sees them (usable with what each takes off, or greyed with the reason),
 * then applies one with the sale (flows/offline-sale.ts, `couponId`). A scanned coupon code
 * (flows/till-code.ts) names its coupon as `scanned`, which the till preselects.
 */
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireStaff } from '../staff/lookups'
import { couponOptions } from '../coupons/coupon-use'
import { couponOption } from '../coupons/views'
import type { CouponUse } from '../coupons/rules/coupons'
import { resolveTillCode } from './till-code'

export async function memberCouponsAtTill(
  ctx: InvocationContext,
  input: { memberCode: string; amountFen?: number },
) {
  const clerk = await requireStaff(ctx)
  const { member, coupon, held } = await resolveTillCode(ctx, input.memberCode)
  const now = ctx.clock.now()
  // Without an amount yet, the minimum spend is not judged: every coupon shows what it needs.
  const use: CouponUse = {
    channel: 'offline',
    storeId: clerk.storeId,
    lines: null,
    amountFen: input.amountFen ?? Number.MAX_SAFE_INTEGER,
  }
  const options = held
    ? held.map((c) => couponOption(c, use, now))
    : await couponOptions(member._id, use, now)
  const shown =
    input.amountFen === undefined ? options.map((o) => ({ ...o, discountFen: 0 })) : options
  return {
    memberNo: member.memberNo,
    items: shown,
    scanned: coupon ? shown.find((o) => o.couponId === coupon._id)! : null,
  }
}
