import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type { CouponBudgetDoc, CouponClaimDoc, CouponDoc, CouponTemplateDoc } from './documents'

/** The coupons domain's collections and indexes. */
export const COUPONS_COLLECTIONS = {
  /** HQ's coupon templates; `issued` is the claim counter every issuance advances conditionally. */
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
  /**
   * A member's slots of a template (`_id` = `<templateId>:<memberId>:<slot>`): taken once each,
   * before the template's unit, so perMemberLimit holds under racing claims.
   */
  couponClaims: defineCollection<CouponClaimDoc>({
    name: 'couponClaims',
    indexes: [
      { name: 'templateMember', fields: ['templateId', 'memberId'] },
      // repairCouponIssues looks at the recent ones.
      { name: 'at', fields: ['at'] },
    ],
  }),
  /** One document per member's coupon: available → locked → used (expired when its time is over). */
  coupons: defineCollection<CouponDoc>({
    name: 'coupons',
    indexes: [
      // A member's coupons by status and expiry (我的优惠券, checkout, the till).
      { name: 'memberStatus', fields: ['memberId', 'status', 'expiresAt'] },
      // HQ's per-template figures.
      { name: 'templateStatus', fields: ['templateId', 'status', 'expiresAt'] },
      // The order repair's work list: coupons locked longest (flows/order-repair.ts).
      { name: 'statusLockAt', fields: ['status', 'lock.at'] },
    ],
  }),
  /** Per store and template: what its clerks may hand to their own members (`<storeId>:<templateId>`). */
  couponBudgets: defineCollection<CouponBudgetDoc>({
    name: 'couponBudgets',
    indexes: [{ name: 'storeId', fields: ['storeId'] }],
  }),
} as const satisfies Record<string, CollectionSpec>
