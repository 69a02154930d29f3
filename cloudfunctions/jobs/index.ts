import '../../shared/flows/payment-owners'
import '../../shared/flows/campaign-coupons'
/**
 * All scheduled work, behind one every-minute timer trigger (CloudBase allows one trigger per
 * function). The table says when each job is due and how long it may take; shared/hq/system-jobs
 * runs the due ones once per slot. No user can call this function: only its timer.
 */
import { z } from 'zod'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import {
  checkSchedule,
  runDueJobs,
  runJobNow,
  type ScheduledJob,
} from '../../shared/hq/system-jobs'
import { finishBinds } from '../../shared/membership/bind-follow-up'
import { applyDueOrderEffects } from '../../shared/flows/order-effects'
import { expireOrders } from '../../shared/flows/orders'
import { repairOrders } from '../../shared/flows/order-repair'
import { autoDeliverOrders } from '../../shared/flows/order-fulfilment'
import { reconcilePayments } from '../../shared/payments/payment-service'
import { settleCommission } from '../../shared/commission/commission-service'
import { expireDuePoints } from '../../shared/points/points-account-service'
import { repairRedemptions } from '../../shared/flows/redemption'
import { expireMailRedemptions } from '../../shared/flows/mail-redemption'
import { expireJobFiles, stepRunningJobs } from '../../shared/flows/hq-jobs'
import { rollupDailyStats } from '../../shared/hq/daily-stats-service'
import { remindUnread } from '../../shared/flows/chat-reminders'
import { dispatchCampaigns } from '../../shared/campaigns/campaign-dispatch'
import { repairCoupons } from '../../shared/flows/welcome-coupons'

/** The trigger's name in cloudbaserc.json (`0 * * * * * *`). */
export const TRIGGER = 'everyMinute'

export const SCHEDULE: readonly ScheduledJob[] = [
  // Membership: new cards' attribution and welcome entries and their clerks' counts.
  { name: 'finishBinds', schedule: { everyMinutes: 1 }, budgetMs: 20_000, run: finishBinds },
  // Shop: after-payment effects nobody applied yet; unpaid orders past their 15 minutes.
  {
    name: 'applyOrderEffects',
    schedule: { everyMinutes: 1 },
    budgetMs: 20_000,
    run: applyDueOrderEffects,
  },
  { name: 'expireOrders', schedule: { everyMinutes: 1 }, budgetMs: 20_000, run: expireOrders },
  // Stock holds and coupon locks of orders a dying createOrder never wrote, given back once;
  // the next day's order-number counter made ahead.
  { name: 'repairOrders', schedule: { everyMinutes: 5 }, budgetMs: 20_000, run: repairOrders },
  // Payments and refunds a crash or a lost notification left half done, finished once.
  {
    name: 'reconcilePayments',
    schedule: { everyMinutes: 5 },
    budgetMs: 20_000,
    run: (ctx) => reconcilePayments(ctx, { budgetMs: 15_000 }),
  },
  // Shipped delivery orders nobody confirmed are delivered after HQ's days (shop rules).
  {
    name: 'autoDeliverOrders',
    schedule: { everyMinutes: 60 },
    budgetMs: 20_000,
    run: (ctx) => autoDeliverOrders(ctx, { budgetMs: 15_000 }),
  },
  // Commission whose refund window is over settles, daily (bounded batches; resumes next day).
  {
    name: 'settleCommission',
    schedule: { dailyAt: '03:30' },
    budgetMs: 40_000,
    run: settleCommission,
  },
  // Points: expiry, half-finished redemptions, unpaid mail redemptions.
  { name: 'expirePoints', schedule: { everyMinutes: 10 }, budgetMs: 40_000, run: expireDuePoints },
  {
    name: 'repairRedemptions',
    schedule: { everyMinutes: 5 },
    budgetMs: 20_000,
    run: repairRedemptions,
  },
  // Coupons: issuances a dying invocation left half done, and welcome coupons a bind left out.
  { name: 'repairCoupons', schedule: { everyMinutes: 5 }, budgetMs: 20_000, run: repairCoupons },
  {
    name: 'expireMailRedemptions',
    schedule: { everyMinutes: 1 },
    budgetMs: 20_000,
    run: expireMailRedemptions,
  },
  // HQ: long jobs (imports, exports, transfers) a batch at a time; the dashboard's daily rollup.
  { name: 'stepJobs', schedule: { everyMinutes: 1 }, budgetMs: 40_000, run: stepRunningJobs },
  // Finished jobs' files (exports, poster ZIPs) past HQ's retention days, deleted once.
  { name: 'expireJobFiles', schedule: { everyMinutes: 60 }, budgetMs: 20_000, run: expireJobFiles },
  {
    name: 'rollupDailyStats',
    schedule: { everyMinutes: 5 },
    budgetMs: 40_000,
    run: rollupDailyStats,
  },
  // Chat reminders and campaign sends.
  { name: 'remindUnread', schedule: { everyMinutes: 1 }, budgetMs: 20_000, run: remindUnread },
  {
    name: 'dispatchCampaigns',
    schedule: { everyMinutes: 1 },
    budgetMs: 40_000,
    run: dispatchCampaigns,
  },
]
checkSchedule(SCHEDULE)

const timerInput = z.object({ message: z.string().optional() }).strict()

export const main = defineFunction({
  name: 'jobs',
  input: { [TRIGGER]: timerInput } as { everyMinute: typeof timerInput },
  output: { [TRIGGER]: z.unknown() } as { everyMinute: z.ZodUnknown },
  policy: {
    everyMinute: 'timer',
  },
  handlers: {
    // A message names one job to run now (the local stack's `POST /dev/jobs/<job>`).
    everyMinute: (ctx, input) =>
      input.message ? runJobNow(ctx, SCHEDULE, input.message) : runDueJobs(ctx, SCHEDULE),
  },
})
