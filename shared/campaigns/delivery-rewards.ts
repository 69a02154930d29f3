/**
 * What a member reached by a campaign receives besides the message (a coupon): the extension
 * point between dispatch and the domains that give things, wired by a flow
 * (flows/campaign-coupons.ts) so the campaigns domain never imports what it gives.
 *
 * The contract: called after WeChat accepted the message, possibly again for the same member and
 * campaign (a run that died before recording the delivery); it gives once by its own key and
 * answers what it gave (an id), or null when nothing could be given (the template ran out).
 */
import type { InvocationContext } from '../platform/runtime/define-function'
import type { CampaignDoc } from './documents'

export type DeliveryReward = (
  ctx: InvocationContext,
  campaign: CampaignDoc,
  memberId: string,
) => Promise<string | null>

let reward: DeliveryReward | null = null

export function registerDeliveryReward(fn: DeliveryReward): void {
  if (reward && reward !== fn) throw new Error('campaign delivery reward registered twice')
  reward = fn
}

/** The wired reward; a campaign that carries a coupon in a function that never wired one is a wiring mistake. */
export function deliveryReward(): DeliveryReward {
  if (!reward) throw new Error('campaign carries a coupon but no delivery reward is wired')
  return reward
}
