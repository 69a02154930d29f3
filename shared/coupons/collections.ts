import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type { CouponClaimDoc, CouponDoc, CouponTemplateDoc } from './documents'

/** The coupons domain's collections and indexes. */
export const COUPONS_COLLECTIONS = {
  /** HQ's coupon templates; `issued` is the counter every issuing transaction advances. */
  couponTemplates: defineCollection<CouponTemplateDoc>({
    name: 'couponTemplates',
    indexes: [
      // The coupon centre: published, active templates.
      { name: 'inCentre', fields: ['inCentre', 'status'] },
      // Welcome coupons given on first bind.
      { name: 'onBind', fields: ['onBind', 'status'] },
      { name: 'createdAt', fields: ['createdAt'] },
    ],
  }),
  /** Per template and member, how many they received (`_id` = `<templateId>:<memberId>`). */
  couponClaims: defineCollection<CouponClaimDoc>({
    name: 'couponClaims',
    indexes: [{ name: 'templateId', fields: ['templateId'] }],
  }),
  /** One document per member's coupon: available → locked → used (expired when its time is over). */
  coupons: defineCollection<CouponDoc>({
    name: 'coupons',
    indexes: [
      // A member's coupons by status and expiry (我的优惠券, checkout, the till).
      { name: 'memberStatus', fields: ['memberId', 'status', 'expiresAt'] },
      // HQ's per-template figures.
      { name: 'templateStatus', fields: ['templateId', 'status', 'expiresAt'] },
    ],
  }),
} as const satisfies Record<string, CollectionSpec>
