/**
 * Coupons at the till: after scanning the member's code, the clerk sees the member's coupons as a
 * sale in their store sees them (usable with what each takes off, or greyed with the reason),
 * then applies one with the sale (flows/offline-sale.ts, `couponId`).
 */
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireStaff } from '../staff/lookups'
import { resolveMemberCode } from '../staff/staff-service'
import { couponOptions } from '../coupons/coupon-use'

export async function memberCouponsAtTill(
  ctx: InvocationContext,
  input: { memberCode: string; amountFen?: number },
) {
  const clerk = await requireStaff(ctx)
  const member = await resolveMemberCode(ctx, input.memberCode)
  // Without an amount yet, the minimum spend is not judged: every coupon shows what it needs.
  const amountFen = input.amountFen ?? Number.MAX_SAFE_INTEGER
  const items = await couponOptions(
    member._id,
    { channel: 'offline', storeId: clerk.storeId, lines: null, amountFen },
    ctx.clock.now(),
  )
  return {
    memberNo: member.memberNo,
    items: input.amountFen === undefined ? items.map((o) => ({ ...o, discountFen: 0 })) : items,
  }
}
