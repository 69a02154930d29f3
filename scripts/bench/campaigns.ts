/**
 * Campaigns at scale through a fresh local stack (bundled functions, gateway with durable writes,
 * the real SDK): 100,000 members seeded by batch inserts, 10% of them with a campaign consent.
 *
 *  - campaigns.audienceCount: `admin.campaignAudienceCount` latency for a few segments (the count
 *    the console shows live while HQ edits the segment);
 *  - campaigns.dispatch: timer runs of the `campaign` function over the whole audience (bounded
 *    to 85 s): members walked per second and messages sent per second, and whether any member
 *    got the campaign twice.
 */
import { performance } from 'node:perf_hooks'
import { startTestStack } from '../../tests/support/local-stack'
import { benchMember, benchMemberId, insertMany } from './seed-bulk'

const round = (n: number, digits = 1) => Number(n.toFixed(digits))

export async function benchCampaigns(
  options: { members?: number; consentShare?: number; dispatchBudgetMs?: number } = {},
): Promise<object[]> {
  const total = options.members ?? 100_000
  const consentEvery = Math.round(1 / (options.consentShare ?? 0.1))
  const budget = options.dispatchBudgetMs ?? 85_000
  const stack = await startTestStack({ seed: false })
  const rows: object[] = []
  try {
    const now = new Date()
    const seedStarted = performance.now()
    await insertMany(stack, 'members', total, (i) => benchMember(i, now))
    await insertMany(stack, 'subscribeConsents', total, (i) =>
      i % consentEvery === 0
        ? {
            _id: `${benchMemberId(i)}:campaign`,
            memberId: benchMemberId(i),
            templateKey: 'campaign',
            credits: 1,
            updatedAt: now,
          }
        : null,
    )
    rows.push({
      bench: 'campaigns.seed',
      members: total,
      consents: Math.ceil(total / consentEvery),
      seconds: round((performance.now() - seedStarted) / 1000),
    })

    const segments: Record<string, object> = {
      all: {},
      goldOneStore: { tiers: ['gold'], storeIds: ['store1'] },
      lapsedWithPoints: { pointsMin: 1000, notPurchasedWithinDays: 90 },
      vipRecentThreeStores: {
        tags: ['vip'],
        purchasedWithinDays: 30,
        storeIds: ['store0', 'store5', 'store10'],
      },
    }
    for (const [name, segment] of Object.entries(segments)) {
      const times: number[] = []
      let count = 0
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now()
        const res = await stack.admin({ action: 'campaignAudienceCount', segment })
        times.push(performance.now() - t0)
        count = res.body.data.count
      }
      times.sort((a, b) => a - b)
      rows.push({
        bench: 'campaigns.audienceCount',
        segment: name,
        count,
        medianMs: round(times[1]!),
        maxMs: round(times[2]!),
      })
    }

    await stack.db
      .collection('settings')
      .doc('campaigns')
      .set({ maxStoreCampaignsPerWeek: 2, maxStoreAudience: 2000 }) // default batches: 500 members, 20 per run
    const created = await stack.admin({
      action: 'createCampaign',
      name: 'bench',
      segment: {},
      page: 'pages/index/index',
      fields: { thing1: '会员日' },
    })
    const campaignId = created.body.data.campaignId as string
    const t0 = performance.now()
    let runs = 0
    let processed = 0
    let sent = 0
    let status = 'scheduled'
    while (performance.now() - t0 < budget && status !== 'done') {
      const res = (await stack.runJob('dispatchCampaigns')) as {
        data: { processed: number; sent: number }
      }
      runs++
      processed += res.data.processed
      sent += res.data.sent
      status =
        (
          (await stack.db.collection('campaigns').doc(campaignId).get()) as {
            data: { status: string }[]
          }
        ).data[0]?.status ?? ''
    }
    const seconds = (performance.now() - t0) / 1000
    const outbox = (
      (await (await fetch(`${stack.url}/sandbox/messages?templateId=local-campaign`)).json()) as {
        messages: { touser: string }[]
      }
    ).messages
    const duplicates = outbox.length - new Set(outbox.map((m) => m.touser)).size
    rows.push({
      bench: 'campaigns.dispatch',
      audience: total,
      timerRuns: runs,
      finished: status === 'done',
      membersProcessed: processed,
      messagesSent: sent,
      seconds: round(seconds),
      membersPerSecond: round(processed / seconds),
      messagesPerSecond: round(sent / seconds),
      duplicateRecipients: duplicates,
    })
  } finally {
    await stack.stop()
  }
  return rows
}
