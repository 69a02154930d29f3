/**
 * Campaigns through the local stack: audience count, consent credits spent once per message, the
 * weekly cap, WeChat refusals recorded by code, a dispatch interrupted half way (cursor lost, a
 * delivery claimed by an invocation that died before sending) and concurrent timer runs never
 * sending one member a campaign twice, stop/resume, and store managers within HQ's limits.
 */
import { startTestStack, type TestStack } from '../support/local-stack'
import { addMembers } from '../support/fixtures'

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
  return (
    (await (await fetch(`${stack.url}/sandbox/messages?templateId=local-campaign`)).json()) as {
      messages: any[]
    }
  ).messages
}
const forCampaign = async (campaignId: string) =>
  (await outbox()).filter((m) => m.page.includes(`campaign=${campaignId}`))
const credits = async (id: string) =>
  (((await stack.db.collection('subscribeConsents').doc(`${id}:campaign`).get()) as { data: any[] })
    .data[0]?.credits ?? 0) as number
const setBatchesPerRun = (n: number) =>
  stack.db.collection('settings').doc('campaigns').set({
    maxStoreCampaignsPerWeek: 1,
    maxStoreAudience: 100,
    dispatchBatchesPerRun: n,
    dispatchBatchSize: 100,
  })

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  const stores = (await stack.db.collection('stores').where({ code: 'SH001' }).get()) as {
    data: any[]
  }
  storeId = stores.data[0]._id
  const clerk = (
    (await stack.db.collection('clerks').where({ storeId }).limit(1).get()) as { data: any[] }
  ).data[0]
  const now = new Date()
  const week = new Date(now.getTime() + 8 * 3_600_000)
  const weekday = (week.getUTCDay() + 6) % 7
  const weekKey = new Date(
    Date.UTC(week.getUTCFullYear(), week.getUTCMonth(), week.getUTCDate() - weekday),
  )
    .toISOString()
    .slice(0, 10)
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
  await addMembers(stack.db, members)
  await stack.db.collection('subscribeConsents').add(
    consenting.map((id) => ({
      _id: `${id}:campaign`,
      memberId: id,
      templateKey: 'campaign',
      credits: 1,
      updatedAt: now,
    })),
  )
  await stack.db
    .collection('campaignWeeks')
    .add(capped.map((id) => ({ _id: `${id}:${weekKey}`, memberId: id, week: weekKey, count: 2 })))
  for (const id of refused) {
    await fetch(`${stack.url}/sandbox/wechat/refuse`, {
      method: 'POST',
      body: JSON.stringify({ openid: openid(id), errcode: 43101 }),
    })
  }
})
afterAll(() => stack.stop())

const segment = { tags: [TAG] }
const campaignBody = {
  action: 'createCampaign',
  name: '双十二会员日',
  segment,
  page: 'pages/index/index',
  fields: { thing1: '会员日双倍积分', time2: '2026-12-12 10:00' },
}

describe('an HQ campaign', () => {
  let campaignId: string

  it('counts the audience live before saving', async () => {
    // Both numbers HQ needs: who matches, and who of them can receive it (a consent credit).
    const count = await stack.admin({ action: 'campaignAudienceCount', segment })
    expect(count.body).toEqual({ ok: true, data: { count: N, reachable: consenting.length } })
    const gold = await stack.admin({
      action: 'campaignAudienceCount',
      segment: { ...segment, tiers: ['silver'] },
    })
    expect(gold.body.data.count).toBe(0)
    const bad = await stack.admin({
      action: 'campaignAudienceCount',
      segment: { birthdayMonth: 3 },
    })
    expect(bad.status).toBe(400)
  })

  it('timer-only dispatch refuses users', async () => {
    expect(
      (
        await stack.call(
          'jobs',
          { action: 'everyMinute', message: 'dispatchCampaigns' },
          { openid: 'o-cm0000' },
        )
      ).status,
    ).toBe(403)
  })

  it('sends in bounded batches; a run that died half way and a restart send each member once', async () => {
    const created = await stack.admin(campaignBody)
    expect(created.body.data).toMatchObject({ status: 'scheduled', targeted: null })
    campaignId = created.body.data.campaignId
    await setBatchesPerRun(1)
    const first = (await stack.runJob('dispatchCampaigns')) as any
    expect(first.data).toMatchObject({ processed: 100 })
    let doc = ((await stack.db.collection('campaigns').doc(campaignId).get()) as { data: any[] })
      .data[0]
    expect(doc).toMatchObject({ status: 'sending', targeted: N, cursor: 'cm0099', processed: 100 })
    const afterFirst = await forCampaign(campaignId)
    expect(afterFirst.length).toBe(100 - capped.length - refused.length)

    // The crash: an invocation claimed cm0150 and died before sending, and its cursor write was
    // lost (the campaign doc still points at the start).
    await stack.db.collection('campaignDeliveries').add({
      _id: `${campaignId}:cm0150`,
      campaignId,
      memberId: 'cm0150',
      openid: openid('cm0150'),
      status: 'claimed',
      claimedAt: new Date(),
    })
    await stack.db
      .collection('campaigns')
      .doc(campaignId)
      .update({ cursor: null, processed: 0, leaseId: null, leaseUntil: null })

    // Restart: two timer runs at once walk the whole audience again.
    await setBatchesPerRun(10)
    await Promise.all([stack.runJob('dispatchCampaigns'), stack.runJob('dispatchCampaigns')])
    doc = ((await stack.db.collection('campaigns').doc(campaignId).get()) as { data: any[] })
      .data[0]
    expect(doc.status).toBe('done')

    const messages = await forCampaign(campaignId)
    const tousers = messages.map((m) => m.touser)
    expect(new Set(tousers).size).toBe(tousers.length) // nobody twice
    const expected = consenting
      .filter((id) => !capped.includes(id) && !refused.includes(id) && id !== 'cm0150')
      .map(openid)
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
    expect(res.body.data).toMatchObject({
      targeted: 250,
      sent: 191,
      skippedCap: 5,
      failedByCode: { '43101': 3 },
      inFlight: 1,
      noConsent: 50,
    })
    stack.setClockOffset(6 * 60_000)
    res = await stack.admin({ action: 'campaignResults', campaignId })
    expect(res.body.data).toMatchObject({
      targeted: 250,
      eligible: 200,
      sent: 191,
      failed: 4,
      failedByCode: { '43101': 3, interrupted: 1 },
      inFlight: 0,
      skippedCap: 5,
    })
    stack.setClockOffset(0)
  })

  it('members who ordered within 7 days after the send', async () => {
    const later = new Date(Date.now() + 2 * 86_400_000)
    await stack.db
      .collection('members')
      .where({ _id: stack.db.command.in(['cm0010', 'cm0011', 'cm0220']) })
      .update({ lastPurchaseAt: later })
    const res = await stack.admin({ action: 'campaignResults', campaignId })
    expect(res.body.data.orderedWithin7Days).toBe(2) // cm0220 was not sent the message
    const list = await stack.admin({ action: 'listCampaigns' })
    expect(list.body.data.items.map((c: any) => c.campaignId)).toContain(campaignId)
  })
})

describe('weekly cap across campaigns, stop and resume', () => {
  it('a second campaign this week reaches them; a third is capped', async () => {
    const few = ids.slice(20, 30)
    await stack.db
      .collection('subscribeConsents')
      .where({ _id: stack.db.command.in(few.map((id) => `${id}:campaign`)) })
      .update({ credits: 5 })
    const seg = { tags: [TAG], pointsMin: 100 }
    await setBatchesPerRun(1)
    const second = (await stack.admin({ ...campaignBody, name: '第二波', segment: seg })).body.data
      .campaignId
    const listed = await stack.admin({ action: 'listCampaigns' })
    expect(listed.body.data.items.find((c: any) => c.campaignId === second)).toMatchObject({
      statusLabel: '待发送',
      actions: ['sendNow', 'stop'],
    })
    // Stopped before its first batch: nothing goes out until resumed.
    expect(
      (await stack.admin({ action: 'stopCampaign', campaignId: second })).body.data,
    ).toMatchObject({ status: 'stopped', statusLabel: '已停止', actions: ['resume'] })
    await stack.runJob('dispatchCampaigns')
    expect(await forCampaign(second)).toHaveLength(0)
    expect(
      (await stack.admin({ action: 'resumeCampaign', campaignId: second })).body.data.status,
    ).toBe('scheduled')
    await setBatchesPerRun(10)
    await stack.runJob('dispatchCampaigns')
    // cm0150 still holds the credit the dead run never used, so the second campaign reaches it too
    expect((await forCampaign(second)).map((m) => m.touser).sort()).toEqual(
      [...few, 'cm0150'].map(openid).sort(),
    )
    const third = (await stack.admin({ ...campaignBody, name: '第三波', segment: seg })).body.data
      .campaignId
    await stack.runJob('dispatchCampaigns')
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
    const body = {
      action: 'createStoreCampaign',
      name: '门店活动',
      segment: { tags: [TAG], pointsMax: 50 },
      page: 'pages/index/index',
      fields: { thing1: '店庆' },
    }
    expect((await stack.call('staff', body, { openid: clerk.openid })).status).toBe(403)
    const other = await stack.call(
      'staff',
      { ...body, segment: { storeIds: ['elsewhere'] } },
      { openid: manager.openid },
    )
    expect(other.status).toBe(403)
    const tooMany = await stack.call(
      'staff',
      { ...body, segment: { tags: [TAG] } },
      { openid: manager.openid },
    )
    expect(tooMany.status).toBe(409) // 250 members > maxStoreAudience 100
    const ok = await stack.call('staff', body, { openid: manager.openid })
    expect(ok.body.data).toMatchObject({
      scope: 'store',
      storeId,
      segment: { storeIds: [storeId] },
    })
    const again = await stack.call('staff', body, { openid: manager.openid })
    expect(again.status).toBe(409) // maxStoreCampaignsPerWeek 1
  })
})

describe('member facts: birthday and trailing spend', () => {
  const FACTS = 'facts-it'
  const DAY = 86_400_000
  // Seeded with the facts as a purchase or the member would have written them.
  const facts = [
    { id: 'bf01', birthday: '03-01', trailingSpendFen: 600_000, lastPurchaseDaysAgo: 3 },
    { id: 'bf02', birthday: '03-31', trailingSpendFen: 90_000, lastPurchaseDaysAgo: 100 },
    { id: 'bf03', birthday: '04-01', trailingSpendFen: 500_000, lastPurchaseDaysAgo: 364 },
    { id: 'bf04', birthday: '02-29' },
    { id: 'bf05', trailingSpendFen: 800_000, lastPurchaseDaysAgo: 400 }, // bought before the window
    {
      id: 'bf06',
      birthday: '03-15',
      trailingSpendFen: 700_000,
      lastPurchaseDaysAgo: 1,
      status: 'deleted',
    },
  ]
  const count = async (seg: Record<string, unknown>) =>
    (await stack.admin({ action: 'campaignAudienceCount', segment: { tags: [FACTS], ...seg } }))
      .body.data.count as number

  beforeAll(async () => {
    const clerk = (
      (await stack.db.collection('clerks').where({ storeId }).limit(1).get()) as { data: any[] }
    ).data[0]
    const now = Date.now()
    await addMembers(
      stack.db,
      facts.map((f, i) => ({
        _id: f.id,
        ...(f.status === 'deleted' ? {} : { openid: openid(f.id) }),
        memberNo: String(710_000_000 + i),
        status: f.status ?? 'active',
        tier: 'standard',
        points: 0,
        storeId,
        clerkId: clerk._id,
        attributedAt: new Date(now),
        openedStoreId: storeId,
        openedClerkId: clerk._id,
        joinedAt: new Date(now - 500 * DAY),
        lastPurchaseAt:
          f.lastPurchaseDaysAgo === undefined ? null : new Date(now - f.lastPurchaseDaysAgo * DAY),
        tags: [FACTS],
        ...(f.birthday ? { birthday: f.birthday } : {}),
        ...(f.trailingSpendFen ? { trailingSpendFen: f.trailingSpendFen } : {}),
        pointsCredited: 0,
        pointsDebited: 0,
        nextExpiryAt: new Date('2099-01-01'),
        latestExpiryAt: null,
      })),
    )
  })

  it('segments by birthday month and trailing spend give exactly the expected members', async () => {
    expect(await count({})).toBe(5)
    expect(await count({ birthdayMonths: [3] })).toBe(2) // bf01, bf02 (bf06 deleted)
    expect(await count({ birthdayMonths: [2, 4] })).toBe(2) // bf04, bf03
    expect(await count({ spendMinFen: 500_000 })).toBe(2) // bf01, bf03 (bf05's spend left the window)
    expect(await count({ spendMaxFen: 100_000 })).toBe(3) // bf02, bf04 never bought, bf05 lapsed
    expect(await count({ birthdayMonths: [3], spendMinFen: 100_000 })).toBe(1) // bf01
    const bad = await stack.admin({
      action: 'campaignAudienceCount',
      segment: { spendMinFen: 10, spendMaxFen: 5 },
    })
    expect(bad.status).toBe(400)
  })

  it('purchases store the trailing spend with the tier; the segment finds the buyer', async () => {
    const demo = await stack.personas()
    const scene = demo.codes.find((c) => c.kind === 'clerk' && c.storeId === storeId)!.scene
    const clerk = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeId)!
    const buyer = 'o-facts-buyer'
    const bound = await stack.call(
      'member',
      { action: 'bind', scene, phone: '13700001111' },
      { openid: buyer },
    )
    expect(bound.status).toBe(200)
    // A member code books one sale: the second is a minute later, with the next code.
    for (const [amountFen, receiptNo, offsetMs] of [
      [60_000, 'F-1', 0],
      [45_000, 'F-2', 120_000],
    ] as const) {
      stack.setClockOffset(offsetMs)
      const code = (await stack.call('member', { action: 'memberCode' }, { openid: buyer })).body
        .data.code
      const sale = await stack.call(
        'staff',
        { action: 'recordSale', memberCode: code, amountFen, receiptNo },
        { openid: clerk.openid },
      )
      expect(sale.status).toBe(200)
    }
    stack.setClockOffset(0)
    const doc = (
      (await stack.db.collection('members').doc(bound.body.data.memberId).get()) as { data: any[] }
    ).data[0]
    expect(doc).toMatchObject({ trailingSpendFen: 105_000, tier: 'silver' })
    const at1000 = await stack.admin({
      action: 'campaignAudienceCount',
      segment: { storeIds: [storeId], spendMinFen: 105_000, spendMaxFen: 105_000 },
    })
    expect(at1000.body.data.count).toBe(1)
    const profile = await stack.admin({
      action: 'memberProfile',
      memberId: bound.body.data.memberId,
    })
    expect(profile.body.data.member).toMatchObject({ trailingSpendFen: 105_000, birthday: null })
  })

  it('a member sets their birthday once; HQ corrects it, audited', async () => {
    const demo = await stack.personas()
    const scene = demo.codes.find((c) => c.kind === 'store' && c.storeId === storeId)!.scene
    const who = 'o-facts-birthday'
    const bound = await stack.call(
      'member',
      { action: 'bind', scene, phone: '13700002222' },
      { openid: who },
    )
    expect(bound.body.data.birthday).toBeNull()
    expect(
      (await stack.call('member', { action: 'setBirthday', birthday: '02-30' }, { openid: who }))
        .status,
    ).toBe(400)
    const set = await stack.call(
      'member',
      { action: 'setBirthday', birthday: '07-14' },
      { openid: who },
    )
    expect(set.body).toMatchObject({ ok: true, data: { birthday: '07-14' } })
    const again = await stack.call(
      'member',
      { action: 'setBirthday', birthday: '08-14' },
      { openid: who },
    )
    expect(again.status).toBe(409)
    expect(again.body.error.message).toContain('不能再修改')
    expect(
      (await stack.call('member', { action: 'profile' }, { openid: who })).body.data.birthday,
    ).toBe('07-14')

    const memberId = bound.body.data.memberId
    const noReason = await stack.admin({ action: 'setMemberBirthday', memberId, birthday: '07-24' })
    expect(noReason.status).toBe(400)
    const fixed = await stack.admin({
      action: 'setMemberBirthday',
      memberId,
      birthday: '07-24',
      reason: '会员持身份证到店更正',
    })
    expect(fixed.body).toEqual({ ok: true, data: { memberId, birthday: '07-24' } })
    expect(
      (await stack.call('member', { action: 'profile' }, { openid: who })).body.data.birthday,
    ).toBe('07-24')
    expect(
      (
        await stack.admin({
          action: 'setMemberBirthday',
          memberId: 'nobody',
          birthday: '07-24',
          reason: 'x',
        })
      ).status,
    ).toBe(404)
    const audit = (await stack.db
      .collection('auditLog')
      .where({ action: 'setMemberBirthday', outcome: 'ok' })
      .get()) as { data: any[] }
    expect(audit.data).toHaveLength(1)
    expect(audit.data[0]).toMatchObject({
      username: 'admin',
      details: { memberId, birthday: '07-24', reason: '会员持身份证到店更正' },
    })
  })
})

describe('the member campaign centre', () => {
  it('lists the campaigns sent to me, newest first, with my consent credits', async () => {
    const demo = await stack.personas()
    const scene = demo.codes.find((c) => c.kind === 'store' && c.storeId === storeId)!.scene
    const me = 'o-centre'
    expect(
      (await stack.call('member', { action: 'bind', scene, phone: '13700003333' }, { openid: me }))
        .status,
    ).toBe(200)
    expect(
      (await stack.call('member', { action: 'myCampaigns' }, { openid: me })).body.data,
    ).toEqual({ items: [] })
    const before = await stack.call('member', { action: 'consentStatus' }, { openid: me })
    expect(before.body.data.templates).toEqual([
      { templateKey: 'campaign', templateId: 'local-campaign', credits: 0 },
      { templateKey: 'newMessage', templateId: 'local-newMessage', credits: 0 },
    ])
    for (let i = 0; i < 2; i++)
      await stack.call(
        'member',
        { action: 'reportConsent', results: [{ templateKey: 'campaign', accepted: true }] },
        { openid: me },
      )
    await stack.call(
      'member',
      { action: 'reportConsent', results: [{ templateKey: 'campaign', accepted: false }] },
      { openid: me },
    )
    const after = await stack.call('member', { action: 'consentStatus' }, { openid: me })
    expect(after.body.data.templates[0]).toEqual({
      templateKey: 'campaign',
      templateId: 'local-campaign',
      credits: 2,
    })

    await stack.call('member', { action: 'setBirthday', birthday: '11-05' }, { openid: me })
    const send = async (name: string, thing1: string) => {
      const created = await stack.admin({
        ...campaignBody,
        name,
        segment: { storeIds: [storeId], birthdayMonths: [11] },
        fields: { thing1, time2: '2026年11月30日 23:59' },
      })
      await stack.runJob('dispatchCampaigns')
      return created.body.data.campaignId as string
    }
    const first = await send('生日月礼遇', '生日月双倍积分')
    stack.setClockOffset(60_000)
    const second = await send('生日月到店礼', '到店领取生日礼')
    stack.setClockOffset(0)
    const centre = await stack.call('member', { action: 'myCampaigns' }, { openid: me })
    expect(centre.body.data.items).toEqual([
      {
        campaignId: second,
        title: '生日月到店礼',
        lines: ['到店领取生日礼', '2026年11月30日 23:59'],
        storeName: null,
        page: 'pages/index/index',
        sentAt: expect.any(String),
      },
      {
        campaignId: first,
        title: '生日月礼遇',
        lines: ['生日月双倍积分', '2026年11月30日 23:59'],
        storeName: null,
        page: 'pages/index/index',
        sentAt: expect.any(String),
      },
    ])
    expect(Date.parse(centre.body.data.items[0].sentAt)).toBeGreaterThan(
      Date.parse(centre.body.data.items[1].sentAt),
    )
    expect(
      (await stack.call('member', { action: 'consentStatus' }, { openid: me })).body.data
        .templates[0].credits,
    ).toBe(0)
    // Nobody else's campaigns, and only for members.
    expect(
      (await stack.call('member', { action: 'myCampaigns' }, { openid: 'o-facts-birthday' })).body
        .data.items,
    ).toEqual([])
    expect(
      (await stack.call('member', { action: 'myCampaigns' }, { openid: 'o-stranger' })).status,
    ).toBe(404)
  })
})
