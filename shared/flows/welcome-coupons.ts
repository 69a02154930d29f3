/**
 * Welcome coupons: a member binding their first card receives one coupon of every active
 * template HQ marked `onBind`, keyed `welcome:<memberId>` (the coupon's id follows from template
 * and key), so however many callers give it, it is given once.
 *
 * They are part of the bind's follow-up, not of the bind: the bind answers in at most six round
 * trips and reads nothing for them (a store without a welcome coupon never pays for the check).
 * Whichever comes first gives them, like the card's other follow-up:
 * - the member's next call (the access guard's finishNewCard), with the welcome templates each
 *   function instance reads at most once a minute (so a template HQ made a moment ago may not be
 *   known there yet);
 * - the `finishBinds` job (every minute), which reads the templates fresh once per batch and
 *   gives them to every card still due before the card's mark is removed;
 * - repairCoupons (every 5 minutes), for members who joined 1 to 10 minutes ago (a template
 *   activated after a card's follow-up was done).
 */
import { COLLECTIONS } from '../collections'
import type { MemberDoc } from '../membership/documents'
import { finishBindEntries, finishBinds, type DueCard } from '../membership/bind-follow-up'
import { AppError } from '../platform/errors'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { readEveryMinute } from '../platform/runtime/instance-cache'
import { issueCoupon, repairCouponIssues, welcomeTemplates } from '../coupons/coupon-service'
import type { CouponTemplateDoc } from '../coupons/documents'
import { repairCouponGives } from './coupon-budgets'
import { repairCouponExchanges } from './coupon-exchange'

type Recipient = Pick<MemberDoc, '_id' | 'memberNo' | 'tier'>

/**
 * One coupon of each template, keyed by the member (a repeat answers the coupon given before:
 * one read). A template read in this invocation is passed whole; an id alone is read fresh, so
 * the coupon copies the template's terms as they are now.
 */
async function giveWelcome(
  ctx: InvocationContext,
  member: Recipient,
  templates: (CouponTemplateDoc | string)[],
): Promise<void> {
  for (const template of templates) {
    const [templateId, known] =
      typeof template === 'string' ? [template, undefined] : [template._id, template]
    try {
      await issueCoupon(
        ctx,
        templateId,
        member,
        { kind: 'welcome', key: `welcome:${member._id}` },
        known,
      )
    } catch (err) {
      // Run out, paused or not for this tier: no welcome coupon of this template, by the rules
      // (a template gone since this instance read the list likewise).
      if (!(
        err instanceof AppError &&
        (err.code === 'COUPON_UNAVAILABLE' || err.code === 'NOT_FOUND')
      ))
        throw err
    }
  }
}

/** The ids of HQ's welcome templates, read at most once a minute per function instance. */
const welcomeTemplateIds = readEveryMinute(async () => (await welcomeTemplates()).map((t) => t._id))

/**
 * The access guard's part of a new card's follow-up, on the member's first call after binding:
 * the two entries (attribution, welcome points) and the welcome coupons. Without a welcome
 * template this costs nothing beyond the entries on a warm instance. A coupon that fails here is
 * logged and left to the finishBinds job (the card stays due until the job has run).
 */
export async function finishNewCard(
  ctx: InvocationContext,
  member: Pick<MemberDoc, '_id' | 'memberNo' | 'tier' | 'bindPending'>,
): Promise<void> {
  const coupons = async () => {
    try {
      const ids = await welcomeTemplateIds(ctx.clock.now())
      if (ids.length) await giveWelcome(ctx, member, ids)
    } catch (err) {
      process.stderr.write(
        `${JSON.stringify({ fn: ctx.fn, action: ctx.action, requestId: ctx.requestId, memberId: member._id, welcomeCoupons: 'deferred', error: (err as Error).message })}\n`,
      )
    }
  }
  await Promise.all([finishBindEntries(member), coupons()])
}

/** Timer `finishBinds`: the membership job, with the welcome coupons of every due card. */
export function finishBindsWithWelcome(
  ctx: InvocationContext,
  options: { batch?: number; budgetMs?: number } = {},
) {
  return finishBinds(ctx, {
    ...options,
    alsoFinish: async (cards: DueCard[]) => {
      const templates = await welcomeTemplates()
      if (!templates.length) return
      // A few cards at a time: each issuance is a handful of conditional writes.
      for (let i = 0; i < cards.length; i += 10)
        await Promise.all(cards.slice(i, i + 10).map((card) => giveWelcome(ctx, card, templates)))
    },
  })
}

/**
 * Timer `repairCoupons` (every 5 minutes): issuances a dying invocation left half done
 * (repairCouponIssues), then clerks' gives from a store budget likewise (repairCouponGives, after
 * the issuances so a give finished into its coupon keeps its unit this run), coupon exchanges for
 * points likewise (repairCouponExchanges), and welcome coupons for members who joined 1 to 10
 * minutes ago (keyed: a member who has theirs costs one read per template).
 */
export async function repairCoupons(ctx: InvocationContext) {
  const _ = database().command
  const now = ctx.clock.now().getTime()
  const [issues, exchanges, templates, joined] = await Promise.all([
    repairCouponIssues(ctx).then(async (done) => ({ ...done, ...(await repairCouponGives(ctx)) })),
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
