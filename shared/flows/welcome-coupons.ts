/**
 * Welcome coupons: a member binding their first card receives one coupon of every active
 * template HQ marked `onBind`, keyed `welcome:<memberId>` so it is given once. A bind answers
 * even if that fails (the card is what was asked for); repairCoupons gives what a failed or
 * dead invocation left out to members who joined in the last ten minutes.
 */
import { COLLECTIONS } from '../collections'
import type { MemberDoc } from '../membership/documents'
import { bindMember } from '../membership/member-service'
import { AppError } from '../platform/errors'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { issueCoupon, repairCouponIssues, welcomeTemplates } from '../coupons/coupon-service'
import type { CouponTemplateDoc } from '../coupons/documents'
import { repairCouponExchanges } from './coupon-exchange'

type Recipient = Pick<MemberDoc, '_id' | 'memberNo' | 'tier'>

async function giveWelcome(
  ctx: InvocationContext,
  member: Recipient,
  templates: CouponTemplateDoc[],
): Promise<void> {
  for (const template of templates) {
    try {
      await issueCoupon(
        ctx,
        template._id,
        member,
        { kind: 'welcome', key: `welcome:${member._id}` },
        template,
      )
    } catch (err) {
      // Run out, paused or not for this tier: no welcome coupon of this template, by the rules.
      if (!(err instanceof AppError && err.code === 'COUPON_UNAVAILABLE')) throw err
    }
  }
}

/** member.bind, with the welcome coupons of a first bind. */
export async function bindWithWelcome(
  ctx: InvocationContext,
  input: Parameters<typeof bindMember>[1],
) {
  const view = await bindMember(ctx, input)
  if (view.outcome !== 'created') return view
  try {
    const templates = await welcomeTemplates()
    await giveWelcome(
      ctx,
      { _id: view.memberId, memberNo: view.memberNo, tier: view.tier },
      templates,
    )
  } catch (err) {
    process.stderr.write(
      `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, memberId: view.memberId, welcomeCoupons: 'deferred', error: (err as Error).message })}\n`,
    )
  }
  return view
}

/**
 * Timer `repairCoupons` (every 5 minutes): issuances a dying invocation left half done
 * (repairCouponIssues), coupon exchanges for points likewise (repairCouponExchanges), and welcome coupons for members who joined 1 to 10 minutes ago (keyed:
 * a member who has theirs costs one read per template).
 */
export async function repairCoupons(ctx: InvocationContext) {
  const _ = database().command
  const now = ctx.clock.now().getTime()
  const [issues, exchanges, templates, joined] = await Promise.all([
    repairCouponIssues(ctx),
    repairCouponExchanges(ctx),
    welcomeTemplates(),
    collection<MemberDoc>(COLLECTIONS.members).find(
      {
        joinedAt: _.gte(new Date(now - 10 * 60_000)).and(_.lte(new Date(now - 60_000))),
        status: 'active',
      },
      { fields: ['memberNo', 'tier', 'status'], limit: 1000 },
    ),
  ])
  if (templates.length) for (const member of joined) await giveWelcome(ctx, member, templates)
  return { ...issues, ...exchanges, welcomeChecked: templates.length ? joined.length : 0 }
}
