/**
 * Campaigns through the local stack: audience count, consent credits spent once per message, the
 * weekly cap, WeChat refusals recorded by code, a dispatch interrupted half way (cursor lost, a
 * delivery claimed by an invocation that died before sending) and concurrent timer runs never
 * sending one member a campaign twice, stop/resume, and store managers within HQ's limits.
 */
import { startTestStack, type TestStack } from '../support/local-stack'

jest.setTimeout(180_000)

let stack: TestStack
let storeId: string
const N = 250
const TAG = 'camp-it'
const ids = Array.from({ length: N }, (_, i) => `cm${String(i).padStart(4, '0')}`)
const openid = (id: string) => `o-${id}`
// Members 0..199 accepted the campaign template once; 200..249 never did.
const consenting = ids.slice(0, 200)
// Members 0..4 already had two campaigns this week; 5..7 blocked messages at WeChat.
const capped = ids.slice(0, 5)
const refused = ids.slice(5, 8)

async function outbox(): Promise<{ touser: string; page: string }[]> {
  return ((await (await fetch(`${stack.url}/sandbox/messages?templateId=local-campaign`)).json()) as { messages: any[] }).messages
}
const forCampaign = async (campaignId: string) => (await outbox()).filter((m) => m.page.includes(`campaign=${campaignId}`))
const credits = async (id: string) => (((await stack.db.collection('subscribeConsents').doc(`${id}:campaign`).get()) as { data: any[] }).data[0]?.credits ?? 0) as number
const setBatchesPerRun = (n: number) => stack.db.collection('settings').doc('campaigns').set({ maxStoreCampaignsPerWeek: 1, maxStoreAudience: 100, dispatchBatchesPerRun: n, dispatchBatchSize: 100 })

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  const stores = (await stack.db.collection('stores').where({ code: 'SH001' }).get()) as { data: any[] }
  storeId = stores.data[0]._id
  const clerk = ((await stack.db.collection('clerks').where({ storeId }).limit(1).get()) as { data: any[] }).data[0]
  const now = new Date()
  const week = new Date(now.getTime() + 8 * 3_600_000)
  const weekday = (week.getUTCDay() + 6) % 7
  const weekKey = new Date(Date.UTC(week.getUTCFullYear(), week.getUTCMonth(), week.getUTCDate() - weekday)).toISOString().slice(0, 10)
  const members = ids.map((id, i) => ({
    _id: id,
    openid: openid(id),
    memberNo: String(700_000_000 + i),
    status: 'active',
    tier: 'gold',
    points: 100,
    storeId,
    clerkId: clerk._id,
    attributedAt: now,
    openedStoreId: storeId,
    openedClerkId: clerk._id,
    joinedAt: now,
    lastPurchaseAt: null,
    tags: [TAG],
    pointsCredited: 100,
    pointsDebited: 0,
    nextExpiryAt: new Date('2099-01-01'),
    latestExpiryAt: null,
  }))
  await stack.db.collection('members').add(members)
  await stack.db.collection('subscribeConsents').add(consenting.map((id) => ({ _id: `${id}:campaign`, memberId: id, templateKey: 'campaign', credits: 1, updatedAt: now })))
  await stack.db.collection('campaignWeeks').add(capped.map((id) => ({ _id: `${id}:${weekKey}`, memberId: id, week: weekKey, count: 2 })))
  for (const id of refused) {
    await fetch(`${stack.url}/sandbox/wechat/refuse`, { method: 'POST', body: JSON.stringify({ openid: openid(id), errcode: 43101 }) })
  }
})
afterAll(() => stack.stop())

const segment = { tags: [TAG] }
const campaignBody = { action: 'createCampaign', name: '双十二会员日', segment, page: 'pages/index/index', fields: { thing1: '会员日双倍积分', time2: '2026-12-12 10:00' } }

describe('an HQ campaign', () => {
  let campaignId: string

  it('counts the audience live before saving', async () => {
    const count = await stack.admin({ action: 'campaignAudienceCount', segment })
    expect(count.body).toEqual({ ok: true, data: { count: N } })
    const gold = await stack.admin({ action: 'campaignAudienceCount', segment: { ...segment, tiers: ['silver'] } })
    expect(gold.body.data.count).toBe(0)
    const bad = await stack.admin({ action: 'campaignAudienceCount', segment: { birthdayMonth: 3 } })
    expect(bad.status).toBe(400)
  })

  it('timer-only dispatch refuses users', async () => {
    expect((await stack.call('campaign', { action: 'dispatch' }, { openid: 'o-cm0000' })).status).toBe(403)
  })

  it('sends in bounded batches; a run that died half way and a restart send each member once', async () => {
    const created = await stack.admin(campaignBody)
    expect(created.body.data).toMatchObject({ status: 'scheduled', targeted: null })
    campaignId = created.body.data.campaignId
    await setBatchesPerRun(1)
    const first = (await stack.fireTimer('campaign', 'dispatch')) as any
    expect(first.data).toMatchObject({ processed: 100 })
    let doc = ((await stack.db.collection('campaigns').doc(campaignId).get()) as { data: any[] }).data[0]
    expect(doc).toMatchObject({ status: 'sending', targeted: N, cursor: 'cm0099', processed: 100 })
    const afterFirst = await forCampaign(campaignId)
    expect(afterFirst.length).toBe(100 - capped.length - refused.length)

    // The crash: an invocation claimed cm0150 and died before sending, and its cursor write was
    // lost (the campaign doc still points at the start).
    await stack.db.collection('campaignDeliveries').add({ _id: `${campaignId}:cm0150`, campaignId, memberId: 'cm0150', openid: openid('cm0150'), status: 'claimed', claimedAt: new Date() })
    await stack.db.collection('campaigns').doc(campaignId).update({ cursor: null, processed: 0, leaseId: null, leaseUntil: null })

    // Restart: two timer runs at once walk the whole audience again.
    await setBatchesPerRun(10)
    await Promise.all([stack.fireTimer('campaign', 'dispatch'), stack.fireTimer('campaign', 'dispatch')])
    doc = ((await stack.db.collection('campaigns').doc(campaignId).get()) as { data: any[] }).data[0]
    expect(doc.status).toBe('done')

    const messages = await forCampaign(campaignId)
    const tousers = messages.map((m) => m.touser)
    expect(new Set(tousers).size).toBe(tousers.length) // nobody twice
    const expected = consenting.filter((id) => !capped.includes(id) && !refused.includes(id) && id !== 'cm0150').map(openid)
    expect([...tousers].sort()).toEqual(expected.sort())
  })

  it('spends one credit per message; the weekly cap and no-consent keep theirs', async () => {
    expect(await credits('cm0010')).toBe(0) // sent
    expect(await credits('cm0000')).toBe(1) // capped: credit given back
    expect(await credits('cm0005')).toBe(0) // refused by WeChat: the credit was used on the attempt
    expect(await credits('cm0150')).toBe(1) // claimed by the dead run, never sent from it
    expect(await credits('cm0220')).toBe(0) // never consented
  })

  it('results: targeted, eligible, sent, failed by code; the dead claim counts failed once stale', async () => {
    let res = await stack.admin({ action: 'campaignResults', campaignId })
    expect(res.body.data).toMatchObject({ targeted: 250, sent: 191, skippedCap: 5, failedByCode: { '43101': 3 }, inFlight: 1, noConsent: 50 })
    stack.setClockOffset(6 * 60_000)
    res = await stack.admin({ action: 'campaignResults', campaignId })
    expect(res.body.data).toMatchObject({ targeted: 250, eligible: 200, sent: 191, failed: 4, failedByCode: { '43101': 3, interrupted: 1 }, inFlight: 0, skippedCap: 5 })
    stack.setClockOffset(0)
  })

  it('members who ordered within 7 days after the send', async () => {
    const later = new Date(Date.now() + 2 * 86_400_000)
    await stack.db.collection('members').where({ _id: stack.db.command.in(['cm0010', 'cm0011', 'cm0220']) }).update({ lastPurchaseAt: later })
    const res = await stack.admin({ action: 'campaignResults', campaignId })
    expect(res.body.data.orderedWithin7Days).toBe(2) // cm0220 was not sent the message
    const list = await stack.admin({ action: 'listCampaigns' })
    expect(list.body.data.items.map((c: any) => c.campaignId)).toContain(campaignId)
  })
})

describe('weekly cap across campaigns, stop and resume', () => {
  it('a second campaign this week reaches them; a third is capped', async () => {
    const few = ids.slice(20, 30)
    await stack.db.collection('subscribeConsents').where({ _id: stack.db.command.in(few.map((id) => `${id}:campaign`)) }).update({ credits: 5 })
    const seg = { tags: [TAG], pointsMin: 100 }
    await setBatchesPerRun(1)
    const second = (await stack.admin({ ...campaignBody, name: '第二波', segment: seg })).body.data.campaignId
    // Stopped before its first batch: nothing goes out until resumed.
    await stack.admin({ action: 'stopCampaign', campaignId: second })
    await stack.fireTimer('campaign', 'dispatch')
    expect(await forCampaign(second)).toHaveLength(0)
    expect((await stack.admin({ action: 'resumeCampaign', campaignId: second })).body.data.status).toBe('scheduled')
    await setBatchesPerRun(10)
    await stack.fireTimer('campaign', 'dispatch')
    // cm0150 still holds the credit the dead run never used, so the second campaign reaches it too
    expect((await forCampaign(second)).map((m) => m.touser).sort()).toEqual([...few, 'cm0150'].map(openid).sort())
    const third = (await stack.admin({ ...campaignBody, name: '第三波', segment: seg })).body.data.campaignId
    await stack.fireTimer('campaign', 'dispatch')
    expect(await forCampaign(third)).toHaveLength(0)
    const res = await stack.admin({ action: 'campaignResults', campaignId: third })
    expect(res.body.data).toMatchObject({ sent: 0, skippedCap: 15 }) // the ten, and cm0000-04 (full since before)
    expect(await credits('cm0020')).toBe(4) // 5 − the second campaign; the capped third gave its back
  })
})

describe('store managers', () => {
  it('limited to their own store, the audience size and campaigns per week HQ sets', async () => {
    const demo = await stack.personas()
    const manager = demo.personas.find((p) => p.role === 'manager' && p.storeId === storeId)!
    const clerk = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeId)!
    const body = { action: 'createStoreCampaign', name: '门店活动', segment: { tags: [TAG], pointsMax: 50 }, page: 'pages/index/index', fields: { thing1: '店庆' } }
    expect((await stack.call('staff', body, { openid: clerk.openid })).status).toBe(403)
    const other = await stack.call('staff', { ...body, segment: { storeIds: ['elsewhere'] } }, { openid: manager.openid })
    expect(other.status).toBe(403)
    const tooMany = await stack.call('staff', { ...body, segment: { tags: [TAG] } }, { openid: manager.openid })
    expect(tooMany.status).toBe(409) // 250 members > maxStoreAudience 100
    const ok = await stack.call('staff', body, { openid: manager.openid })
    expect(ok.body.data).toMatchObject({ scope: 'store', storeId, segment: { storeIds: [storeId] } })
    const again = await stack.call('staff', body, { openid: manager.openid })
    expect(again.status).toBe(409) // maxStoreCampaignsPerWeek 1
  })
})
