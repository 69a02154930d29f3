import { z } from 'zod'
import { isBirthday } from './rules/birthday'
import { emptyInput, isoDate, tier } from '../platform/contract/common'
import { couponsMemberInput, couponsMemberOutput } from '../coupons/contract'

const templateKey = z.enum(['newMessage', 'campaign', 'orderReady'])
export const birthday = z.string().refine(isBirthday, '生日格式为 月-日，如 03-15')

export const memberView = z.object({
  memberId: z.string(),
  memberNo: z.string(),
  phoneMasked: z.string().nullable(),
  tier,
  points: z.number().int(),
  storeId: z.string(),
  storeName: z.string(),
  clerkId: z.string(),
  clerkName: z.string(),
  joinedAt: isoDate,
  /** 'MM-DD' once the member set it; null before. */
  birthday: z.string().nullable(),
})
export type MemberView = z.infer<typeof memberView>

export const memberInput = {
  /** Bind the caller as a member from a scanned code (or return the existing member). */
  bind: z.strictObject({
    scene: z.string().min(1).max(32),
    /** Local stack: typed phone number. Production: use phoneCode. */
    phone: z.string().max(20).optional(),
    /** Production: the code from the getPhoneNumber button. */
    phoneCode: z.string().max(128).optional(),
  }),
  profile: emptyInput,
  memberCode: emptyInput,
  /** Everything stored about the caller (personal-information law: right of access). */
  myData: emptyInput,
  /** Delete the caller's account; ledgers keep an anonymised trail. */
  deleteAccount: z.strictObject({ confirm: z.literal('DELETE') }),
  /** What the member answered to wx.requestSubscribeMessage: each acceptance is one send credit. */
  reportConsent: z.strictObject({
    results: z
      .array(z.strictObject({ templateKey, accepted: z.boolean() }))
      .min(1)
      .max(3),
  }),
  /** The subscribe templates to ask for (WeChat's ids) and the caller's credits for each. */
  consentStatus: emptyInput,
  /** The birthday ('MM-DD'), once: afterwards only HQ corrects it. */
  setBirthday: z.strictObject({ birthday: birthday }),
  /** The campaign centre: the offers sent to the caller, newest first. */
  myCampaigns: emptyInput,
  ...couponsMemberInput,
} as const

export const memberOutput = {
  bind: memberView.extend({ outcome: z.enum(['created', 'existing', 'reattributed']) }),
  profile: memberView,
  memberCode: z.object({
    code: z.string(),
    memberNo: z.string(),
    expiresAt: isoDate,
    refreshAfterMs: z.number(),
  }),
  myData: z.object({
    member: z.record(z.string(), z.unknown()),
    attributionLog: z.array(z.record(z.string(), z.unknown())),
    visits: z.array(z.record(z.string(), z.unknown())),
    pointsLedger: z.array(z.record(z.string(), z.unknown())),
    redemptions: z.array(z.record(z.string(), z.unknown())),
  }),
  deleteAccount: z.object({ deleted: z.literal(true) }),
  reportConsent: z.record(templateKey, z.number().int()),
  consentStatus: z.object({
    templates: z.array(
      z.object({ templateKey, templateId: z.string(), credits: z.number().int() }),
    ),
  }),
  setBirthday: memberView,
  myCampaigns: z.object({
    items: z.array(
      z.object({
        campaignId: z.string(),
        title: z.string(),
        /** The message's field values, in field order: what the member read in WeChat. */
        lines: z.array(z.string()),
        storeName: z.string().nullable(),
        page: z.string(),
        sentAt: isoDate,
      }),
    ),
  }),
  ...couponsMemberOutput,
} as const
