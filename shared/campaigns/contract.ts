/** Campaigns: HQ's actions (joined into hq/contract.ts), the store manager's (staff/contract.ts), the timer function. */
import { z } from 'zod'
import { lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { docId, emptyInput, isoDate, tier } from '../platform/contract/common'
import { templateDataProblems } from './templates'
import { CAMPAIGN_ACTIONS, type CampaignAction } from './lifecycle'

const days = onFirstUse(() => z.number().int().min(1).max(3650))
const tag = onFirstUse(() => z.string().trim().min(1).max(20))

export const segmentSchema = onFirstUse(() =>
  z
    .strictObject({
      tiers: z.array(tier).max(3).optional(),
      storeIds: z.array(docId).max(200).optional(),
      clerkIds: z.array(docId).max(500).optional(),
      pointsMin: z.number().int().min(0).max(100_000_000).describe('积分下限').optional(),
      pointsMax: z.number().int().min(0).max(100_000_000).describe('积分上限').optional(),
      purchasedWithinDays: days().describe('近 N 天有购买的天数').optional(),
      notPurchasedWithinDays: days().describe('近 N 天未购买的天数').optional(),
      joinedWithinDays: days().describe('近 N 天入会的天数').optional(),
      tags: z.array(tag()).max(20).optional(),
      spendMinFen: z.number().int().min(0).max(10_000_000_000).describe('消费金额下限').optional(),
      spendMaxFen: z.number().int().min(0).max(10_000_000_000).describe('消费金额上限').optional(),
      birthdayMonths: z.array(z.number().int().min(1).max(12)).min(1).max(12).optional(),
    })
    .superRefine((s, issues) => {
      if (s.pointsMin !== undefined && s.pointsMax !== undefined && s.pointsMin > s.pointsMax) {
        issues.addIssue({ code: 'custom', path: ['pointsMax'], message: '积分上限不能低于下限' })
      }
      if (
        s.spendMinFen !== undefined &&
        s.spendMaxFen !== undefined &&
        s.spendMinFen > s.spendMaxFen
      ) {
        issues.addIssue({
          code: 'custom',
          path: ['spendMaxFen'],
          message: '消费金额上限不能低于下限',
        })
      }
      if (
        s.purchasedWithinDays !== undefined &&
        s.notPurchasedWithinDays !== undefined &&
        s.notPurchasedWithinDays >= s.purchasedWithinDays
      ) {
        issues.addIssue({
          code: 'custom',
          path: ['notPurchasedWithinDays'],
          message: '最近购买与未购买天数互相矛盾',
        })
      }
    }),
)

/**
 * Template data: `{ thing1: '…', time2: '…' }` → WeChat's `{ thing1: { value } }`. Checked against
 * the campaign template's catalogue (./templates.ts): a field WeChat would refuse with 47003 at
 * every recipient is refused here, naming the field.
 */
const templateFields = onFirstUse(() =>
  z
    .record(
      z.string().regex(/^[a-z_]+\d{1,2}$/, '模板字段名如 thing1'),
      z.string().trim().min(1).max(40),
    )
    .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 10, '模板字段 1-10 个')
    .superRefine((fields, issues) => {
      for (const problem of templateDataProblems('campaign', fields))
        issues.addIssue({ code: 'custom', path: [problem.key], message: problem.message })
    }),
)

const campaignFields = onFirstUse(() => ({
  name: z.string().trim().min(1).max(40),
  segment: segmentSchema(),
  templateKey: z.literal('campaign').default('campaign'),
  page: z
    .string()
    .regex(/^pages\/[A-Za-z0-9_/-]+(\?[A-Za-z0-9_=&%-]*)?$/, '页面路径如 pages/index/index'),
  fields: templateFields(),
  /** When sending may start; now when absent. */
  sendAt: z.iso.datetime({ offset: true }).optional(),
}))

export const campaignStatus = onFirstUse(() => z.enum(['scheduled', 'sending', 'stopped', 'done']))

export const campaignView = onFirstUse(() =>
  z.object({
    campaignId: z.string(),
    name: z.string(),
    scope: z.enum(['hq', 'store']),
    storeId: z.string().nullable(),
    status: campaignStatus(),
    /** The one label of its status (campaigns/lifecycle.ts). */
    statusLabel: z.string(),
    /** HQ's next actions (sendNow, stop, resume); none for an analyst or a store's manager. */
    actions: z.array(z.enum(CAMPAIGN_ACTIONS as [CampaignAction, ...CampaignAction[]])),
    segment: z.record(z.string(), z.unknown()),
    page: z.string(),
    fields: z.record(z.string(), z.string()),
    sendAt: isoDate,
    createdAt: isoDate,
    createdBy: z.string(),
    startedAt: isoDate.nullable(),
    finishedAt: isoDate.nullable(),
    targeted: z.number().int().nullable(),
    processed: z.number().int(),
    /** Why sending stopped by itself (Chinese; e.g. WeChat refused the template), null otherwise. */
    stopReason: z.string().nullable(),
    /** The coupon template every member reached receives, or null. */
    couponTemplateId: z.string().nullable(),
  }),
)

export const campaignResultsView = onFirstUse(() =>
  z.object({
    campaign: campaignView(),
    targeted: z.number().int(),
    /** Had a consent credit when their turn came (sent + failed + in flight + over the weekly cap). */
    eligible: z.number().int(),
    noConsent: z.number().int(),
    skippedCap: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    failedByCode: z.record(z.string(), z.number().int()),
    /** The failures with their reason in Chinese (rules/send-failures.ts), the most frequent first. */
    failures: z.array(z.object({ code: z.string(), reason: z.string(), count: z.number().int() })),
    inFlight: z.number().int(),
    /** Members sent the message whose last purchase is within 7 days after it. */
    orderedWithin7Days: z.number().int(),
  }),
)

export const campaignLimitsView = onFirstUse(() =>
  z.object({
    maxStoreCampaignsPerWeek: z.number().int(),
    maxStoreAudience: z.number().int(),
  }),
)

export const campaignAdminInput = lazyActions({
  campaignAudienceCount: () => z.strictObject({ segment: segmentSchema() }),
  createCampaign: () =>
    z.strictObject({
      ...campaignFields(),
      /** HQ only: a coupon template; every member the message reaches receives one coupon of it. */
      couponTemplateId: docId.describe('附带优惠券').optional(),
    }),
  listCampaigns: () => z.strictObject({ status: campaignStatus().optional() }),
  campaignResults: () => z.strictObject({ campaignId: docId }),
  stopCampaign: () => z.strictObject({ campaignId: docId }),
  resumeCampaign: () => z.strictObject({ campaignId: docId }),
  sendCampaignNow: () => z.strictObject({ campaignId: docId }),
  campaignLimits: () => emptyInput,
  setCampaignLimits: () =>
    z.strictObject({
      maxStoreCampaignsPerWeek: z.number().int().min(0).max(50),
      maxStoreAudience: z.number().int().min(0).max(1_000_000),
    }),
})

export const campaignAdminOutput = lazyActions({
  /** Matching members, and those of them who can receive it now (an unused consent credit). */
  campaignAudienceCount: () => z.object({ count: z.number().int(), reachable: z.number().int() }),
  createCampaign: () => campaignView(),
  listCampaigns: () => z.object({ items: z.array(campaignView()) }),
  campaignResults: () => campaignResultsView(),
  stopCampaign: () => campaignView(),
  resumeCampaign: () => campaignView(),
  sendCampaignNow: () => campaignView(),
  campaignLimits: () => campaignLimitsView(),
  setCampaignLimits: () => campaignLimitsView(),
})

/** A store manager's campaign: the segment is limited to their store's members. */
export const campaignStaffInput = lazyActions({
  storeCampaignAudienceCount: () => z.strictObject({ segment: segmentSchema() }),
  createStoreCampaign: () => z.strictObject(campaignFields()),
  /** The manager's store's campaigns, HQ's limits and this week's use of them. */
  storeCampaigns: () => z.strictObject({}),
  storeCampaignResults: () => z.strictObject({ campaignId: docId }),
})

export const campaignStaffOutput = lazyActions({
  storeCampaignAudienceCount: () =>
    z.object({
      count: z.number().int(),
      /** Members with a campaign consent to spend; null when the audience is over the limit. */
      reachable: z.number().int().nullable(),
      /** HQ's audience limit for a store campaign. */
      limit: z.number().int(),
    }),
  createStoreCampaign: () => campaignView(),
  storeCampaigns: () =>
    campaignLimitsView().extend({
      usedThisWeek: z.number().int(),
      items: z.array(campaignView()),
    }),
  storeCampaignResults: () => campaignResultsView(),
})
