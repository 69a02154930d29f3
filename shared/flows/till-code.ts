/**
 * What the till scans: a member code (20 digits, membership/rules/member-code.ts) or a coupon code
 * (22 digits, coupons/rules/coupon-code.ts) shown on a coupon's page. Both name the member; a
 * coupon code also names one of that member's coupons, which the sale then uses. A coupon code
 * is checked against the member's own coupons only (its mac covers the member number and the
 * coupon's id), so it can never name another member's coupon.
 */
import { COLLECTIONS } from '../collections'
import { heldCoupons } from '../coupons/coupon-use'
import type { CouponDoc } from '../coupons/documents'
import { couponOfCode, isCouponCode, readCouponCode } from '../coupons/rules/coupon-code'
import type { MemberDoc } from '../membership/documents'
import { AppError } from '../platform/errors'
import { collection } from '../platform/db/collection'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { requireStaff } from '../staff/lookups'
import { memberPreview, resolveMemberCode } from '../staff/staff-service'

export interface TillCode {
  member: MemberDoc
  /** The coupon a coupon code names (null for a member code). */
  coupon: CouponDoc | null
  /** The member's coupons a till may still use (read for a coupon code; undefined otherwise). */
  held?: CouponDoc[]
}

/**
 * The member (and coupon) behind a scanned code. Round trips: a member code one; a coupon code
 * two (the member, their held coupons), three when it names none of them (their other coupons,
 * to say the coupon was used or has expired).
 */
export async function resolveTillCode(ctx: InvocationContext, code: string): Promise<TillCode> {
  if (!isCouponCode(code)) return { member: await resolveMemberCode(ctx, code), coupon: null }
  const now = ctx.clock.now()
  const read = readCouponCode(code, now)
  if (!read.ok)
    throw new AppError(
      'INVALID_INPUT',
      read.reason === 'expired' ? '券码已过期，请顾客刷新券码后重新扫描' : '券码无效，请重新扫描',
      'memberCode',
    )
  const member = await collection(COLLECTIONS.members).findOne({ memberNo: read.memberNo })
  if (!member || member.status !== 'active') throw new AppError('NOT_FOUND', '会员不存在或已注销')
  const secret = ports().secrets.memberCode
  const held = await heldCoupons(member._id, now)
  const couponId = couponOfCode(
    code,
    read,
    held.map((c) => c._id),
    secret,
  )
  if (couponId) return { member, coupon: held.find((c) => c._id === couponId)!, held }
  // Not one the member still holds: say why when it is theirs, else the code is not genuine.
  const others = await collection(COLLECTIONS.coupons).find(
    { memberId: member._id },
    { fields: ['_id', 'status'], orderBy: ['issuedAt', 'desc'], limit: 1000 },
  )
  const gone = couponOfCode(
    code,
    read,
    others.map((c) => c._id),
    secret,
  )
  if (!gone) throw new AppError('INVALID_INPUT', '券码无效，请重新扫描', 'memberCode')
  const status = others.find((c) => c._id === gone)!.status
  throw new AppError(
    'COUPON_UNAVAILABLE',
    `优惠券不可用：${status === 'used' ? '已使用' : '已过期'}`,
    'memberCode',
  )
}

/** The clerk's scan: who the member is, and which coupon a coupon code brings to the sale. */
export async function scanTillCode(ctx: InvocationContext, input: { memberCode: string }) {
  await requireStaff(ctx)
  const { member, coupon } = await resolveTillCode(ctx, input.memberCode)
  return { ...(await memberPreview(member)), couponName: coupon?.terms.name ?? null }
}
