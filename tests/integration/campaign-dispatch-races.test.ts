/**
 * Campaign dispatch under the failures batching must survive: a run that claimed a wave, spent its
 * credits and took its week slots, then never heard back from WeChat (stuck, then dead or late),
 * while a second run took the campaign over once the first one's lease lapsed; and two campaigns
 * dispatched at the same moment to the same members, each holding one credit. Each member is sent
 * a campaign at most once and each credit is spent once.
 *
 * WeChat is held, not mocked: the stack's sandbox keeps this file's subscribe-message requests
 * open (nothing answered, nothing in the outbox) until the test lets them through or cuts them.
 */
import type http from 'node:http'
import { startTestStack, type TestStack } from '../support/local-stack'
import { addMembers } from '../support/fixtures'

jest.setTimeout(180_000)

let stack: TestStack
let storeId: string
const SEND_PATH = '/sandbox/wechat/cgi-bin/message/subscribe/send'

/** Subscribe-message requests the sandbox is holding: let through (answered as WeChat would) or cut. */
const held: { pass: () => Promise<void>; cut: () => void }[] = []
let holding = false

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  const stores = (await stack.db.collection('stores').where({ code: 'SH001' }).get()) as {
    data: any[]
  }
  storeId = stores.data[0]._id
  const sandbox = stack.wechat as unknown as {
    serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void>
  }
  const serve = sandbox.serve.bind(sandbox)
  sandbox.serve = (req, res, pathname) => {
    if (!holding || pathname !== SEND_PATH) return serve(req, res, pathname)
    return new Promise<void>((resolve) => {
      held.push({
        pass: () => serve(req, res, pathname).then(resolve),
        cut: () => {
          res.socket?.destroy()
          resolve()
        },
      })
    })
  }
  await stack.db.collection('settings').doc('campaigns').set({
    maxStoreCampaignsPerWeek: 2,
    maxStoreAudience: 2000,
    dispatchBatchesPerRun: 10,
    dispatchBatchSize: 40,
  })
})
afterAll(async () => {
  for (const request of held.splice(0)) request.cut()
  await stack.stop()
})

async function population(tag: string, count: number, credits: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${tag}${String(i).padStart(4, '0')}`)
  const now = new Date()
  await addMembers(
    stack.db,
    ids.map((id, i) => ({
      _id: id,
      openid: `o-${id}`,
      memberNo: String(720_000_000 + Math.floor(Math.random() * 1e5) * 1000 + i),
      status: 'active',
      tier: 'standard',
      points: 0,
      storeId,
      clerkId: null,
      joinedAt: now,
      lastPurchaseAt: null,
      tags: [tag],
      pointsCredited: 0,
      pointsDebited: 0,
      nextExpiryAt: null,
      latestExpiryAt: null,
    })),
  )
  await stack.db.collection('subscribeConsents').add(
    ids.map((id) => ({
      _id: `${id}:campaign`,
      memberId: id,
      templateKey: 'campaign',
      credits,
      updatedAt: now,
    })),
  )
  return ids
}

async function createCampaign(tag: string, name: string): Promise<string> {
  const res = await stack.admin({
    action: 'createCampaign',
    name,
    segment: { tags: [tag] },
    page: 'pages/index/index',
    fields: { thing1: name },
  })
  expect(res.status).toBe(200)
  return res.body.data.campaignId as string
}

const messagesOf = async (campaignId: string) =>
  (
    (await (await fetch(`${stack.url}/sandbox/messages?templateId=local-campaign`)).json()) as {
      messages: { touser: string; page: string }[]
    }
  ).messages.filter((m) => m.page.includes(`campaign=${campaignId}`))
const creditsOf = async (ids: string[]) =>
  new Map(
    (
      (await stack.db
        .collection('subscribeConsents')
        .where({ memberId: stack.db.command.in(ids) })
        .limit(1000)
        .get()) as { data: { memberId: string; credits: number }[] }
    ).data.map((c) => [c.memberId, c.credits]),
  )
const deliveriesOf = async (campaignId: string) =>
  (
    (await stack.db.collection('campaignDeliveries').where({ campaignId }).limit(1000).get()) as {
      data: { memberId: string; status: string; reason?: string }[]
    }
  ).data
const statusOf = async (campaignId: string) =>
  (
    (await stack.db.collection('campaigns').doc(campaignId).get()) as {
      data: { status: string }[]
    }
  ).data[0]!.status
async function until(what: () => boolean, ms = 60_000) {
  const start = Date.now()
  while (!what()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('a run stuck between claim and answer, and the run that takes over', () => {
  it('the stuck wave is never sent again; the next run finishes the rest, each member once', async () => {
    // Two credits each: the stuck wave's members still hold one, so the second run reaches
    // them and must be stopped by their claimed rows, not by an empty credit.
    const ids = await population('stk', 120, 2)
    const campaignId = await createCampaign('stk', '卡住的一轮')
    holding = true
    const stuck = stack.runJob('dispatchCampaigns')
    await until(() => held.length === 40) // the first wave of 40: claimed, spent, capped, sending
    holding = false
    // Its lease (60 s) lapses; the next timer run takes the campaign over while it is stuck.
    stack.setClockOffset(2 * 60_000)
    const takeover = (await stack.runJob('dispatchCampaigns')) as { data: { campaigns: number } }
    expect(takeover.data.campaigns).toBe(1)
    expect(await statusOf(campaignId)).toBe('done')

    const firstWave = ids.slice(0, 40)
    const rest = ids.slice(40)
    let messages = await messagesOf(campaignId)
    expect(messages.map((m) => m.touser).sort()).toEqual(rest.map((id) => `o-${id}`))
    let credits = await creditsOf(ids)
    for (const id of ids) expect(credits.get(id)).toBe(1) // one spent each, the stuck wave's too
    const rows = await deliveriesOf(campaignId)
    expect(
      rows
        .filter((r) => r.status === 'claimed')
        .map((r) => r.memberId)
        .sort(),
    ).toEqual(firstWave)
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(80)

    // The stuck run dies (its WeChat calls never answer): the wave stays unsent, and once stale
    // it counts as failed, interrupted.
    for (const request of held.splice(0)) request.cut()
    await stuck
    stack.setClockOffset(8 * 60_000)
    const results = await stack.admin({ action: 'campaignResults', campaignId })
    expect(results.body.data).toMatchObject({
      targeted: 120,
      sent: 80,
      failed: 40,
      failedByCode: { interrupted: 40 },
      inFlight: 0,
    })
    messages = await messagesOf(campaignId)
    expect(messages).toHaveLength(80)
    credits = await creditsOf(ids)
    for (const id of ids) expect(credits.get(id)).toBe(1)
    stack.setClockOffset(0)
  })

  it('a stuck run that wakes up late sends its own wave only, once', async () => {
    const ids = await population('lat', 100, 2)
    const campaignId = await createCampaign('lat', '迟到的一轮')
    holding = true
    const late = stack.runJob('dispatchCampaigns')
    await until(() => held.length === 40)
    holding = false
    stack.setClockOffset(2 * 60_000)
    await stack.runJob('dispatchCampaigns')
    expect(await statusOf(campaignId)).toBe('done')
    // WeChat answers the stuck run after all: it records its wave, and its cursor write (under a
    // lease it no longer holds) changes nothing.
    await Promise.all(held.splice(0).map((request) => request.pass()))
    await late
    const tousers = (await messagesOf(campaignId)).map((m) => m.touser)
    expect(tousers).toHaveLength(100)
    expect(new Set(tousers).size).toBe(100)
    const rows = await deliveriesOf(campaignId)
    expect(rows.map((r) => r.status)).toEqual(Array(100).fill('sent'))
    const credits = await creditsOf(ids)
    for (const id of ids) expect(credits.get(id)).toBe(1)
    expect(await statusOf(campaignId)).toBe('done')
    stack.setClockOffset(0)
  })
})

describe('two campaigns at once to the same members', () => {
  it('with one credit each, every member gets exactly one of them; no credit below zero', async () => {
    const ids = await population('two', 160, 1)
    const first = await createCampaign('two', '同时一')
    const second = await createCampaign('two', '同时二')
    // Two timer runs at the same moment: each leases one campaign and walks the same members.
    const [a, b] = (await Promise.all([
      stack.runJob('dispatchCampaigns'),
      stack.runJob('dispatchCampaigns'),
    ])) as { data: { campaigns: number } }[]
    expect(a!.data.campaigns + b!.data.campaigns).toBeGreaterThanOrEqual(2)
    expect(await statusOf(first)).toBe('done')
    expect(await statusOf(second)).toBe('done')
    const tousers = [...(await messagesOf(first)), ...(await messagesOf(second))].map(
      (m) => m.touser,
    )
    expect(tousers.sort()).toEqual(ids.map((id) => `o-${id}`))
    const credits = await creditsOf(ids)
    for (const id of ids) expect(credits.get(id)).toBe(0)
    // The loser of each member's race keeps no row and took no week slot.
    const rows = [...(await deliveriesOf(first)), ...(await deliveriesOf(second))]
    expect(rows.map((r) => r.status)).toEqual(Array(160).fill('sent'))
    const weeks = (
      (await stack.db
        .collection('campaignWeeks')
        .where({ memberId: stack.db.command.in(ids) })
        .limit(1000)
        .get()) as { data: { count: number; campaigns: string[] }[] }
    ).data
    expect(weeks).toHaveLength(160)
    expect(weeks.every((w) => w.count === 1 && w.campaigns.length === 1)).toBe(true)
  })
})
