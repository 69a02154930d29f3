/**
 * Coupons attached to campaigns: HQ names a template when creating a campaign (checked to exist
 * and be issuing), and each member the message reaches receives one coupon of it, keyed
 * `campaign:<campaignId>:<memberId>` so a repeated delivery gives nothing more. Importing this
 * module wires the reward (the jobs function, which dispatches, and admin, which sends now).
 */
import { COLLECTIONS } from '../collections'
import type { MemberDoc } from '../membership/documents'
import { AppError } from '../platform/errors'
import { collection } from '../platform/db/collection'
import type { InvocationContext } from '../platform/runtime/define-function'
import { createCampaign } from '../campaigns/campaign-authoring'
import { registerDeliveryReward } from '../campaigns/delivery-rewards'
import { issueCoupon } from '../coupons/coupon-service'

registerDeliveryReward(async (ctx, campaign, memberId) => {
  const member = await collection<MemberDoc>(COLLECTIONS.members).get(memberId)
  if (!member || member.status !== 'active' || !campaign.couponTemplateId) return null
  try {
    const coupon = await issueCoupon(ctx, campaign.couponTemplateId, member, {
      kind: 'campaign',
      key: `campaign:${campaign._id}:${memberId}`,
    })
    return coupon._id
  } catch (err) {
    // Paused or run out since the campaign was created: the message went, without a coupon.
    if (err instanceof AppError && err.code === 'COUPON_UNAVAILABLE') return null
    throw err
  }
})

/** HQ creates a campaign; a coupon template it carries must exist and be issuing. */
export async function createCampaignWithCoupon(
  ctx: InvocationContext,
  by: string,
  input: Parameters<typeof createCampaign>[2],
) {
  if (input.couponTemplateId) {
    const template = await collection(COLLECTIONS.couponTemplates).get(input.couponTemplateId)
    if (!template) throw new AppError('INVALID_INPUT', '附带的优惠券不存在', 'couponTemplateId')
    if (template.status !== 'active')
      throw new AppError('INVALID_INPUT', '附带的优惠券已暂停发放', 'couponTemplateId')
  }
  return createCampaign(ctx, by, input)
}
