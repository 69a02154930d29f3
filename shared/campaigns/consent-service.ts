/**
 * Subscribe-message consent. WeChat lets a mini-program send one subscribe message per accepted
 * request (`wx.requestSubscribeMessage`), so each acceptance is one credit for that member and
 * template; sending spends one credit by an atomic conditional decrement, never below zero.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import {
  ports,
  SUBSCRIBE_TEMPLATE_KEYS,
  type SubscribeTemplateKey,
} from '../platform/runtime/ports'
import { requireMember } from '../membership/lookups'

const consents = () => collection(COLLECTIONS.subscribeConsents)
const consentId = (memberId: string, key: SubscribeTemplateKey) => `${memberId}:${key}`

export async function reportConsent(
  ctx: InvocationContext,
  input: { results: { templateKey: SubscribeTemplateKey; accepted: boolean }[] },
) {
  const member = await requireMember(ctx)
  const db = database()
  const _ = db.command
  const now = ctx.clock.now()
  for (const result of input.results) {
    if (!result.accepted) continue
    const id = consentId(member._id, result.templateKey)
    const addCredit = () => consents().updateIf({ _id: id }, { credits: _.inc(1), updatedAt: now })
    if (!(await addCredit())) {
      const created = await consents().insertOnce({
        _id: id,
        memberId: member._id,
        templateKey: result.templateKey,
        credits: 1,
        updatedAt: now,
      })
      // Created concurrently by another report: add ours to it.
      if (!created.inserted) await addCredit()
    }
  }
  return consentCredits(member._id)
}

export async function consentCredits(
  memberId: string,
): Promise<Record<SubscribeTemplateKey, number>> {
  const rows = await consents().find({ memberId })
  const out = Object.fromEntries(SUBSCRIBE_TEMPLATE_KEYS.map((k) => [k, 0])) as Record<
    SubscribeTemplateKey,
    number
  >
  for (const row of rows) out[row.templateKey] = row.credits
  return out
}

/** The templates something sends to members (campaign dispatch, chat reminders); orderReady has no sender yet. */
const ASKED_TEMPLATES: readonly SubscribeTemplateKey[] = ['campaign', 'newMessage']

/**
 * What the mini-program asks WeChat for: each template's id (they differ per deployment, so the
 * app takes them from here) and the caller's credits for it.
 */
export async function consentStatus(ctx: InvocationContext) {
  const member = await requireMember(ctx)
  const credits = await consentCredits(member._id)
  return {
    templates: ASKED_TEMPLATES.map((templateKey) => ({
      templateKey,
      templateId: ports().templateId(templateKey),
      credits: credits[templateKey],
    })),
  }
}

/** Spends one credit; false when the member has none (no consent to message them). */
export async function spendConsent(memberId: string, key: SubscribeTemplateKey): Promise<boolean> {
  const db = database()
  const _ = db.command
  return consents().updateIf(
    { _id: consentId(memberId, key), credits: _.gt(0) },
    { credits: _.inc(-1) },
  )
}

/** Gives a credit back when a message could not be sent for reasons that did not use it up. */
export async function refundConsent(memberId: string, key: SubscribeTemplateKey): Promise<void> {
  const db = database()
  await db
    .collection(COLLECTIONS.subscribeConsents.name)
    .where({ _id: consentId(memberId, key) })
    .update({ credits: db.command.inc(1) })
}

/**
 * WeChat answered 43101 (the user holds no subscription): our count was wrong, so it becomes 0
 * rather than being spent down one failed send at a time.
 */
export async function clearConsent(memberId: string, key: SubscribeTemplateKey): Promise<void> {
  await database()
    .collection(COLLECTIONS.subscribeConsents.name)
    .where({ _id: consentId(memberId, key) })
    .update({ credits: 0 })
}

// ---- campaign credits, a dispatch batch at a time ----

/** How many campaign ids a consent row keeps in `spentFor` (weekly cap 2: months of campaigns). */
const SPENT_FOR_KEPT = 20

/**
 * Spends one campaign credit of each member, for `campaignId`, in one conditional update; the
 * members whose credit was spent. Guarantee: a credit is spent only where one is left
 * (`credits > 0`), and at most once per member and campaign (`spentFor` must not hold the
 * campaign, and the update adds it), so a retried or racing batch never spends twice. When every
 * member matched (the usual case) that is the answer; otherwise one read says which rows carry
 * the campaign now, which are exactly the spends this campaign made (another campaign's spend
 * adds its own id; ours is removed only by our refund).
 */
export async function spendCampaignCredits(
  memberIds: readonly string[],
  campaignId: string,
): Promise<Set<string>> {
  if (!memberIds.length) return new Set()
  const _ = database().command
  const ids = memberIds.map((id) => consentId(id, 'campaign'))
  const spent = await consents().updateWhere(
    { _id: _.in(ids), credits: _.gt(0), spentFor: _.neq(campaignId) },
    {
      credits: _.inc(-1),
      spentFor: _.push({ each: [campaignId], slice: -SPENT_FOR_KEPT } as never),
    },
  )
  if (spent === memberIds.length) return new Set(memberIds)
  const rows = await consents().find(
    { _id: _.in(ids), spentFor: campaignId },
    { fields: ['memberId'], limit: 1000 },
  )
  return new Set(rows.map((r) => r.memberId))
}

/**
 * Gives back the credits `campaignId` spent for these members (not sent: weekly cap, or WeChat
 * refused the campaign itself). Guarded by `spentFor` holding the campaign, which the refund
 * removes: a repeat gives nothing, and a resumed campaign may spend again.
 */
export async function refundCampaignCredits(
  memberIds: readonly string[],
  campaignId: string,
): Promise<void> {
  if (!memberIds.length) return
  const _ = database().command
  await consents().updateWhere(
    { _id: _.in(memberIds.map((id) => consentId(id, 'campaign'))), spentFor: campaignId },
    { credits: _.inc(1), spentFor: _.pull(campaignId) },
  )
}

/** 43101 for these members: they hold no subscription, so their campaign credits become 0. */
export async function clearCampaignCredits(memberIds: readonly string[]): Promise<void> {
  if (!memberIds.length) return
  const _ = database().command
  await consents().updateWhere(
    { _id: _.in(memberIds.map((id) => consentId(id, 'campaign'))) },
    { credits: 0 },
  )
}
