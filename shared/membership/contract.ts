import { z } from 'zod'
import { joinActions, lazyActions, onFirstUse } from '../platform/contract/lazy-actions'
import { isBirthday } from './rules/birthday'
import { docId, emptyInput, isoDate, tier } from '../platform/contract/common'
import { AGREEMENT_KINDS } from './rules/agreements'
import { couponsMemberInput, couponsMemberOutput } from '../coupons/contract'

const templateKey = onFirstUse(() => z.enum(['newMessage', 'campaign', 'orderReady']))
export const birthday = onFirstUse(() =>
  z.string().refine(isBirthday, '生日格式为 月-日，如 03-15'),
)

export const memberView = onFirstUse(() =>
  z.object({
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
  }),
)
export type MemberView = z.infer<ReturnType<typeof memberView>>

export const memberInput = joinActions(
  lazyActions({
    /** Bind the caller as a member from a scanned code (or return the existing member). */
    bind: () =>
      z.strictObject({
        scene: z.string().min(1).max(32),
        /** Local stack: typed phone number. Production: use phoneCode. */
        phone: z.string().max(20).optional(),
        /** Production: the code from the getPhoneNumber button. */
        phoneCode: z.string().max(128).optional(),
      }),
    profile: () => emptyInput,
    /** Add or replace the card's phone: WeChat's phone button (phoneCode), or typed on the local stack. */
    setPhone: () =>
      z.strictObject({
        phone: z.string().max(20).optional(),
        phoneCode: z.string().max(128).optional(),
      }),
    /** The member agreement or the privacy policy, as HQ last saved it (anyone may read them). */
    agreement: () => z.strictObject({ kind: z.enum(AGREEMENT_KINDS) }),
    /**
     * A store's code for someone who is not a member yet (checkout offers to open a card first):
     * the given store's, else the nearest to `near`, else the first store.
     */
    storeCode: () =>
      z.strictObject({
        storeId: docId.optional(),
        near: z
          .strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
          .optional(),
      }),
    memberCode: () => emptyInput,
    /** Everything stored about the caller (personal-information law: right of access). */
    myData: () => emptyInput,
    /** Delete the caller's account; ledgers keep an anonymised trail. */
    deleteAccount: () => z.strictObject({ confirm: z.literal('DELETE') }),
    /** What the member answered to wx.requestSubscribeMessage: each acceptance is one send credit. */
    reportConsent: () =>
      z.strictObject({
        results: z
          .array(z.strictObject({ templateKey: templateKey(), accepted: z.boolean() }))
          .min(1)
          .max(3),
      }),
    /** The subscribe templates to ask for (WeChat's ids) and the caller's credits for each. */
    consentStatus: () => emptyInput,
    /** The birthday ('MM-DD'), once: afterwards only HQ corrects it. */
    setBirthday: () => z.strictObject({ birthday: birthday() }),
    /** The campaign centre: the offers sent to the caller, newest first. */
    myCampaigns: () => emptyInput,
  }),
  couponsMemberInput,
)

export const memberOutput = joinActions(
  lazyActions({
    bind: () => memberView().extend({ outcome: z.enum(['created', 'existing', 'reattributed']) }),
    profile: () => memberView(),
    setPhone: () => memberView(),
    agreement: () =>
      z.object({
        kind: z.enum(AGREEMENT_KINDS),
        title: z.string(),
        /** Paragraphs separated by blank lines. */
        body: z.string(),
        updatedAt: isoDate.nullable(),
      }),
    storeCode: () => z.object({ scene: z.string(), storeId: z.string(), storeName: z.string() }),
    memberCode: () =>
      z.object({
        code: z.string(),
        memberNo: z.string(),
        expiresAt: isoDate,
        refreshAfterMs: z.number(),
      }),
    myData: () =>
      z.object({
        member: z.record(z.string(), z.unknown()),
        attributionLog: z.array(z.record(z.string(), z.unknown())),
        visits: z.array(z.record(z.string(), z.unknown())),
        pointsLedger: z.array(z.record(z.string(), z.unknown())),
        redemptions: z.array(z.record(z.string(), z.unknown())),
      }),
    deleteAccount: () => z.object({ deleted: z.literal(true) }),
    reportConsent: () => z.record(templateKey(), z.number().int()),
    consentStatus: () =>
      z.object({
        templates: z.array(
          z.object({
            templateKey: templateKey(),
            templateId: z.string(),
            credits: z.number().int(),
          }),
        ),
      }),
    setBirthday: () => memberView(),
    myCampaigns: () =>
      z.object({
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
  }),
  couponsMemberOutput,
)
