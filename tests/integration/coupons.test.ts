/**
 * Coupons through the local stack, with the numbers issue #19 names: HQ's templates, the coupon
 * centre, 200 concurrent claims by 100 members that never exceed the total or a member's limit,
 * one coupon used by at most one of racing checkouts and a till sale, a lock returned exactly
 * once on cancel or expiry, a refund that returns a coupon once however often it is notified,
 * and refusals (expired by the server's Shanghai day, another member's, another store's, the
 * wrong channel) with the reason a person reads.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { CouponDoc } from '../../shared/coupons/documents'
import type { PaymentDoc } from '../../shared/payments/documents'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
let storeA: string
let storeB: string
let clerkA: string // a clerk persona's openid at store A
let clerkB: string
let phones = 0
const CREAM = 'p-rose-cream' // ¥168
const HAND = 'p-hand-cream'

beforeAll(async () => {
  stack = await startTestStack({ seed: true, refundSettleMs: null })
  demo = await stack.personas()
  const stores = demo.codes.filter((c) => c.kind === 'store')
  storeA = stores[0]!.storeId
  storeB = stores.find((s) => s.storeId !== storeA)!.storeId
  clerkA = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeA)!.openid
  clerkB = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeB)!.openid
}, 120_000)
afterAll(() => stack.stop())
afterEach(() => stack.setClockOffset(0))

async function bind(openid: string, storeId = storeA, n = 0) {
  // Members spread over the store's clerks' codes (one code for all would contend on one clerk).
  const codes = demo.codes.filter((c) => c.storeId === storeId)
  const scene = codes[n % codes.length]!.scene
  const res = await stack.call(
    'member',
    { action: 'bind', scene, phone: `137${String(10_000_000 + ++phones).slice(-8)}` },
    { openid },
  )
  if (res.status !== 200) throw new Error(`bind ${openid}: ${JSON.stringify(res.body)}`)
  return res.body.data as { memberId: string; memberNo: string }
}

async function template(body: Record<string, unknown>): Promise<string> {
  const res = await stack.admin({
    action: 'createCouponTemplate',
    name: '满100减20',
    kind: 'amountOff',
    valueFen: 2_000,
    minSpendFen: 10_000,
    channels: ['online', 'offline'],
    validDays: 30,
    perMemberLimit: 1,
    publishToCentre: true,
    ...body,
  })
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data.templateId
}

const member = (action: string, openid: string, body: Record<string, unknown> = {}) =>
  stack.call('member', { action, ...body }, { openid })
const shop = (action: string, openid: string, body: Record<string, unknown> = {}) =>
  stack.call('shop', { action, ...body }, { openid })

async function claim(openid: string, templateId: string): Promise<string> {
  const res = await member('claimCoupon', openid, { templateId })
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data.couponId
}

async function couponDoc(couponId: string): Promise<CouponDoc> {
  return (
    (await stack.db.collection(COLLECTIONS.coupons.name).doc(couponId).get()) as {
      data: CouponDoc[]
    }
  ).data[0]!
}

const order = (openid: string, couponId?: string, storeId = storeA, qty = 1) =>
  shop('createOrder', openid, {
    items: [{ productId: CREAM, qty }],
    fulfilment: 'pickup',
    storeId,
    ...(couponId ? { couponId } : {}),
  })

async function sandbox(path: string, body: unknown = {}) {
  const res = await fetch(`${stack.url}${path}`, { method: 'POST', body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any }
}
const deliver = (n: { headers: Record<string, string>; body: string }) =>
  fetch(`${stack.url}/http/pay/notify`, { method: 'POST', headers: n.headers, body: n.body }).then(
    (r) => r.status,
  )
const memberCode = async (openid: string) =>
  (await member('memberCode', openid)).body.data.code as string

describe('templates and the coupon centre', () => {
  it('HQ creates, lists, pauses and publishes; bad input names the field in Chinese', async () => {
    const bad = await stack.admin({
      action: 'createCouponTemplate',
      name: '折扣券',
      kind: 'discount',
      channels: ['online'],
      validDays: 7,
      perMemberLimit: 1,
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'rateBp' })
    expect(bad.body.error.message).toBe('折扣券请填写折扣')
    const negative = await stack.admin({
      action: 'createCouponTemplate',
      name: '满减',
      kind: 'amountOff',
      valueFen: -1,
      channels: ['online'],
      validDays: 7,
      perMemberLimit: 1,
    })
    expect(negative.status).toBe(400)
    expect(negative.body.error).toMatchObject({ field: 'valueFen' })
    expect(negative.body.error.message).toMatch(/^减免金额/)
    expect(negative.body.error.message).not.toMatch(/[A-Za-z]/)

    const templateId = await template({ name: '新人券', publishToCentre: false })
    const listed = await stack.admin({ action: 'listCouponTemplates' })
    expect(listed.body.data.items.find((t: any) => t.templateId === templateId)).toMatchObject({
      name: '新人券',
      summary: '满 ¥100 减 ¥20',
      status: 'active',
      statusLabel: '发放中',
      inCentre: false,
      issued: 0,
    })
    const openid = 'oCentreShopper'
    await bind(openid)
    let centre = await member('couponCentre', openid)
    expect(centre.body.data.items.map((i: any) => i.templateId)).not.toContain(templateId)
    await stack.admin({ action: 'updateCouponTemplate', templateId, inCentre: true })
    centre = await member('couponCentre', openid)
    expect(centre.body.data.items.find((i: any) => i.templateId === templateId)).toMatchObject({
      canClaim: true,
      claimed: 0,
    })
    const paused = await stack.admin({
      action: 'updateCouponTemplate',
      templateId,
      status: 'paused',
    })
    expect(paused.body.data.statusLabel).toBe('已暂停')
    const refused = await member('claimCoupon', openid, { templateId })
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatchObject({
      code: 'COUPON_UNAVAILABLE',
      message: '该优惠券已暂停发放',
    })
    await stack.admin({ action: 'updateCouponTemplate', templateId, status: 'active' })
    const couponId = await claim(openid, templateId)
    const again = await member('claimCoupon', openid, { templateId })
    expect(again.body.error.message).toBe('每人限领 1 张，已领完')
    const mine = await member('myCoupons', openid, { status: 'available' })
    expect(mine.body.data.items).toEqual([
      expect.objectContaining({
        couponId,
        templateId,
        status: 'available',
        statusLabel: '可使用',
        actions: ['useOnline'],
      }),
    ])
    const detail = await member('coupon', openid, { couponId })
    // The code the clerk scans is a 22-digit coupon code of this minute, never the coupon's id.
    expect(detail.body.data.tillCode.code).toMatch(/^\d{22}$/)
    expect(JSON.stringify(detail.body.data.tillCode)).not.toContain(couponId)
    expect(detail.body.data.rules).toContain('线上商城和门店均可使用')
    // Another member cannot open it.
    await bind('oCentreOther')
    expect((await member('coupon', 'oCentreOther', { couponId })).status).toBe(404)
  })
})

describe('claims under concurrency (litemall #581, mall #134)', () => {
  let shoppers: { openid: string; memberId: string }[]
  beforeAll(async () => {
    shoppers = []
    for (let i = 0; i < 100; i += 10)
      shoppers.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, async (_, j) => {
            const openid = `oClaim${i + j}`
            return { openid, memberId: (await bind(openid, storeA, i + j)).memberId }
          }),
        )),
      )
    // Members of some standing, as at a real claim rush: their cards' follow-up (attribution log,
    // welcome coupons) is done by the job, not by their first claim racing their second.
    await stack.runJob('finishBinds')
  }, 180_000)

  async function race(templateId: string) {
    // 200 claims at once: every member twice.
    const answers = await Promise.all(
      [...shoppers, ...shoppers].map((s) =>
        member('claimCoupon', s.openid, { templateId }).then((r) => ({
          ...r,
          memberId: s.memberId,
        })),
      ),
    )
    const coupons = (
      (await stack.db
        .collection(COLLECTIONS.coupons.name)
        .where({ templateId })
        .limit(1000)
        .get()) as { data: CouponDoc[] }
    ).data
    const perMember = new Map<string, number>()
    for (const c of coupons) perMember.set(c.memberId, (perMember.get(c.memberId) ?? 0) + 1)
    const stats = await stack.admin({ action: 'couponTemplateStats', templateId })
    return { answers, coupons, perMember, stats: stats.body.data }
  }

  it('200 claims of a template of 50 by 100 members: exactly 50 issued, none twice to a member', async () => {
    const templateId = await template({ name: '限量50', totalQuantity: 50, perMemberLimit: 1 })
    const { answers, coupons, perMember, stats } = await race(templateId)
    expect(answers.filter((a) => a.status === 200)).toHaveLength(50)
    expect(coupons).toHaveLength(50)
    expect(Math.max(...perMember.values())).toBe(1)
    expect(stats).toMatchObject({ issued: 50, available: 50 })
    for (const a of answers.filter((a) => a.status !== 200)) {
      expect(a.status).toBe(409)
      expect(['该优惠券已被领完', '每人限领 1 张，已领完']).toContain(a.body.error.message)
    }
  }, 180_000)

  it('200 claims with no total and a limit of 1 each: exactly 100 issued, one per member', async () => {
    const templateId = await template({ name: '每人一张', perMemberLimit: 1 })
    const { answers, coupons, perMember, stats } = await race(templateId)
    expect(answers.filter((a) => a.status === 200)).toHaveLength(100)
    expect(coupons).toHaveLength(100)
    expect([...perMember.values()].every((n) => n === 1)).toBe(true)
    expect(perMember.size).toBe(100)
    expect(stats.issued).toBe(100)
  }, 180_000)
})

describe('using a coupon', () => {
  it('quotes the cart with the best coupon preselected and the others greyed with the reason', async () => {
    const openid = 'oQuote'
    await bind(openid)
    const big = await claim(openid, await template({ name: '满100减30', valueFen: 3_000 }))
    const small = await claim(openid, await template({ name: '满100减20' }))
    const far = await claim(
      openid,
      await template({ name: '满500减80', valueFen: 8_000, minSpendFen: 50_000 }),
    )
    const elsewhere = await claim(
      openid,
      await template({ name: '徐家汇专享', storeIds: [storeB] }),
    )
    const tillOnly = await claim(openid, await template({ name: '门店券', channels: ['offline'] }))
    const quote = await shop('orderQuote', openid, {
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'pickup',
      storeId: storeA,
    })
    expect(quote.status).toBe(200)
    expect(quote.body.data).toMatchObject({
      subtotalFen: 16_800,
      discountFen: 3_000,
      payableFen: 13_800,
      couponId: big,
    })
    const byId = new Map(quote.body.data.coupons.map((c: any) => [c.couponId, c]))
    expect(byId.get(small)).toMatchObject({ usable: true, discountFen: 2_000 })
    expect(byId.get(far)).toMatchObject({ usable: false, reason: '未满 ¥500' })
    expect(byId.get(elsewhere)).toMatchObject({ usable: false, reason: '不适用于该门店' })
    expect(byId.get(tillOnly)).toMatchObject({ usable: false, reason: '仅限门店使用' })
    // Choosing none, or another usable one.
    const none = await shop('orderQuote', openid, {
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'pickup',
      storeId: storeA,
      couponId: null,
    })
    expect(none.body.data).toMatchObject({ discountFen: 0, payableFen: 16_800, couponId: null })
    const chosenBad = await shop('orderQuote', openid, {
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'pickup',
      storeId: storeA,
      couponId: far,
    })
    expect(chosenBad.status).toBe(409)
    expect(chosenBad.body.error).toMatchObject({
      code: 'COUPON_UNAVAILABLE',
      message: '优惠券不可用：未满 ¥500',
    })
  })

  it('an order pays the discounted amount: WeChat Pay is charged it, points count it, the coupon is used', async () => {
    const openid = 'oPayer'
    await bind(openid)
    const couponId = await claim(openid, await template({ name: '满100减20 付款' }))
    const before = (await member('profile', openid)).body.data.points as number
    const created = await order(openid, couponId, storeA, 2)
    expect(created.status).toBe(200)
    expect(created.body.data).toMatchObject({
      subtotalFen: 33_600,
      discountFen: 2_000,
      payableFen: 31_600,
      totalFen: 31_600,
    })
    expect((await couponDoc(couponId)).status).toBe('locked')
    const payment = (
      (await stack.db
        .collection(COLLECTIONS.payments.name)
        .doc(created.body.data.outTradeNo)
        .get()) as {
        data: PaymentDoc[]
      }
    ).data[0]!
    expect(payment.amountFen).toBe(31_600)
    const paid = await sandbox(`/sandbox/pay/${created.body.data.outTradeNo}`, { notify: false })
    expect(paid.status).toBe(200)
    expect(await deliver(paid.body.notification)).toBe(204)
    const view = await shop('order', openid, { orderId: created.body.data.orderId })
    expect(view.body.data).toMatchObject({
      status: 'paid',
      totalFen: 31_600,
      subtotalFen: 33_600,
      discountFen: 2_000,
      coupon: { couponId },
    })
    expect(view.body.data.items[0].discountFen).toBe(2_000)
    const used = await couponDoc(couponId)
    expect(used.status).toBe('used')
    expect(used.use).toMatchObject({ kind: 'order', discountFen: 2_000, paidFen: 31_600 })
    const after = (await member('profile', openid)).body.data.points as number
    expect(after - before).toBe(316) // 1 point per whole yuan paid
    const usedTab = await member('myCoupons', openid, { status: 'used' })
    expect(usedTab.body.data.items[0]).toMatchObject({ couponId, statusLabel: '已使用' })
  })

  it('racing checkouts and a till sale: one coupon is used by exactly one of them', async () => {
    const openid = 'oRacer'
    await bind(openid)
    const couponId = await claim(openid, await template({ name: '抢用券' }))
    const code = await memberCode(openid)
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => order(openid, couponId)),
      stack.call(
        'staff',
        {
          action: 'recordSale',
          memberCode: code,
          amountFen: 20_000,
          receiptNo: 'RACE-1',
          couponId,
        },
        { openid: clerkA },
      ),
    ])
    const won = results.filter((r) => r.status === 200)
    expect(won).toHaveLength(1)
    for (const lost of results.filter((r) => r.status !== 200)) {
      expect(lost.status).toBe(409)
      expect(lost.body.error.code).toBe('COUPON_UNAVAILABLE')
      expect(lost.body.error.message).toMatch(/^优惠券不可用：(已被一笔待支付订单占用|已使用)$/)
    }
    const c = await couponDoc(couponId)
    if (won[0] === results[10]) {
      expect(c.status).toBe('used')
      expect(won[0]!.body.data).toMatchObject({
        grossFen: 20_000,
        discountFen: 2_000,
        amountFen: 18_000,
      })
    } else {
      expect(c.status).toBe('locked')
      expect(c.lock!.orderId).toBe(won[0]!.body.data.orderId)
    }
    // Nothing else holds it: no second order carries it.
    const holders = (await stack.db
      .collection(COLLECTIONS.orders.name)
      .where({ 'coupon.couponId': couponId })
      .count()) as { total: number }
    expect(holders.total).toBe(won[0] === results[10] ? 0 : 1)
  })

  it('at the till: the clerk sees the member coupons usable in that store and applies one', async () => {
    const openid = 'oTill'
    await bind(openid)
    const couponId = await claim(
      openid,
      await template({ name: '门店满减', channels: ['offline'] }),
    )
    const online = await claim(openid, await template({ name: '线上专享', channels: ['online'] }))
    const otherStore = await claim(
      openid,
      await template({ name: '徐家汇门店', channels: ['offline'], storeIds: [storeB] }),
    )
    const code = await memberCode(openid)
    const seen = await stack.call(
      'staff',
      { action: 'memberCoupons', memberCode: code, amountFen: 15_000 },
      { openid: clerkA },
    )
    expect(seen.status).toBe(200)
    const byId = new Map(seen.body.data.items.map((c: any) => [c.couponId, c]))
    expect(byId.get(couponId)).toMatchObject({ usable: true, discountFen: 2_000 })
    expect(byId.get(online)).toMatchObject({ usable: false, reason: '仅限线上商城使用' })
    expect(byId.get(otherStore)).toMatchObject({ usable: false, reason: '不适用于该门店' })
    const refusedHere = await stack.call(
      'staff',
      {
        action: 'recordSale',
        memberCode: code,
        amountFen: 15_000,
        receiptNo: 'TILL-0',
        couponId: otherStore,
      },
      { openid: clerkA },
    )
    expect(refusedHere.status).toBe(409)
    expect(refusedHere.body.error.message).toBe('优惠券不可用：不适用于该门店')
    const sale = await stack.call(
      'staff',
      {
        action: 'recordSale',
        memberCode: await memberCode(openid),
        amountFen: 15_000,
        receiptNo: 'TILL-1',
        couponId,
      },
      { openid: clerkA },
    )
    expect(sale.status).toBe(200)
    expect(sale.body.data).toMatchObject({
      amountFen: 13_000,
      grossFen: 15_000,
      discountFen: 2_000,
      pointsEarned: 130,
      coupon: { couponId, name: '门店满减' },
    })
    expect((await couponDoc(couponId)).use).toMatchObject({
      kind: 'sale',
      storeId: storeA,
      paidFen: 13_000,
    })
    // Voiding the sale (a full refund at the till) gives the coupon back, once.
    const voided = await stack.call(
      'staff',
      { action: 'voidSale', receiptNo: 'TILL-1', reason: '顾客退货' },
      { openid: clerkA },
    )
    expect(voided.status).toBe(200)
    await stack.call(
      'staff',
      { action: 'voidSale', receiptNo: 'TILL-1', reason: '顾客退货' },
      { openid: clerkA },
    )
    const back = await couponDoc(couponId)
    expect(back.status).toBe('available')
    expect(back.history.filter((h) => h.event === 'return')).toHaveLength(1)
  })
})

describe('the coupon code (券码) at the till', () => {
  const staff = (body: Record<string, unknown>) => stack.call('staff', body, { openid: clerkA })
  const tillCode = async (openid: string, couponId: string) =>
    (await member('coupon', openid, { couponId })).body.data.tillCode?.code as string | undefined

  it('scanned, it opens the sale with its coupon, books it with the discount, and is used once', async () => {
    const openid = 'oCouponCode'
    await bind(openid)
    const couponId = await claim(
      openid,
      await template({ name: '券码满减', channels: ['offline'] }),
    )
    const other = await claim(openid, await template({ name: '另一张', channels: ['offline'] }))
    const code = (await tillCode(openid, couponId))!
    const scan = await staff({ action: 'scanMember', memberCode: code })
    expect(scan.status).toBe(200)
    expect(scan.body.data).toMatchObject({ couponName: '券码满减' })
    const seen = await staff({ action: 'memberCoupons', memberCode: code, amountFen: 15_000 })
    expect(seen.status).toBe(200)
    expect(seen.body.data.scanned).toMatchObject({ couponId, usable: true, discountFen: 2_000 })
    expect(seen.body.data.items.map((c: any) => c.couponId).sort()).toEqual(
      [couponId, other].sort(),
    )
    // A coupon code names its coupon: another coupon with it is refused, naming the field.
    const mismatch = await staff({
      action: 'recordSale',
      memberCode: code,
      amountFen: 15_000,
      receiptNo: 'CODE-0',
      couponId: other,
    })
    expect(mismatch.status).toBe(400)
    expect(mismatch.body.error).toMatchObject({ field: 'couponId' })
    const sale = await staff({
      action: 'recordSale',
      memberCode: code,
      amountFen: 15_000,
      receiptNo: 'CODE-1',
    })
    expect(sale.status).toBe(200)
    expect(sale.body.data).toMatchObject({
      grossFen: 15_000,
      discountFen: 2_000,
      amountFen: 13_000,
      coupon: { couponId, name: '券码满减' },
    })
    expect((await couponDoc(couponId)).status).toBe('used')
    // The same request again answers the same sale; the code on another receipt is refused.
    const again = await staff({
      action: 'recordSale',
      memberCode: code,
      amountFen: 15_000,
      receiptNo: 'CODE-1',
    })
    expect(again.body.data.saleId).toBe(sale.body.data.saleId)
    const reused = await staff({
      action: 'recordSale',
      memberCode: code,
      amountFen: 9_000,
      receiptNo: 'CODE-2',
    })
    expect(reused.status).toBe(409)
    expect(reused.body.error.message).toBe('优惠券不可用：已使用')
    // The page now shows the coupon used, with no code to scan.
    const detail = await member('coupon', openid, { couponId })
    expect(detail.body.data).toMatchObject({ status: 'used', tillCode: null })
  })

  it('a used code is refused even while its coupon is usable again, and the page shows a fresh one', async () => {
    const openid = 'oCouponCodeReuse'
    await bind(openid)
    const couponId = await claim(openid, await template({ name: '可退回', channels: ['offline'] }))
    const code = (await tillCode(openid, couponId))!
    expect(
      (
        await staff({
          action: 'recordSale',
          memberCode: code,
          amountFen: 12_000,
          receiptNo: 'RE-1',
        })
      ).status,
    ).toBe(200)
    // Voided: the coupon is available again, but the scanned code stays spent.
    expect(
      (await staff({ action: 'voidSale', receiptNo: 'RE-1', reason: '顾客退货' })).status,
    ).toBe(200)
    expect((await couponDoc(couponId)).status).toBe('available')
    const reused = await staff({
      action: 'recordSale',
      memberCode: code,
      amountFen: 12_000,
      receiptNo: 'RE-2',
    })
    expect(reused.status).toBe(409)
    expect(reused.body.error.message).toBe('该券码已使用过，请顾客刷新券码后重新扫描')
    const fresh = (await tillCode(openid, couponId))!
    expect(fresh).not.toBe(code)
    expect(
      (
        await staff({
          action: 'recordSale',
          memberCode: fresh,
          amountFen: 12_000,
          receiptNo: 'RE-2',
        })
      ).status,
    ).toBe(200)
  })

  it("another member's coupon cannot be reached, a forged or stale code is refused, another store's coupon is refused with the reason", async () => {
    const owner = 'oCouponCodeOwner'
    const thief = 'oCouponCodeThief'
    const ownerNo = (await bind(owner)).memberNo
    const thiefNo = (await bind(thief)).memberNo
    const couponId = await claim(owner, await template({ name: '别人的', channels: ['offline'] }))
    const code = (await tillCode(owner, couponId))!
    // The owner's coupon under the other member's number: no coupon of theirs matches.
    const swapped = thiefNo + code.slice(9)
    expect(swapped.startsWith(ownerNo)).toBe(false)
    const forged = await staff({ action: 'memberCoupons', memberCode: swapped })
    expect(forged.status).toBe(400)
    expect(forged.body.error).toMatchObject({
      message: '券码无效，请重新扫描',
      field: 'memberCode',
    })
    // The other member's code with the owner's coupon id: refused as not theirs.
    const byMemberCode = await staff({
      action: 'recordSale',
      memberCode: await memberCode(thief),
      amountFen: 15_000,
      receiptNo: 'THIEF-1',
      couponId,
    })
    expect(byMemberCode.status).toBe(409)
    expect(byMemberCode.body.error.message).toBe('优惠券不可用：这张优惠券不属于该会员')
    // Two minutes later the code has expired.
    stack.setClockOffset(125_000)
    const stale = await staff({ action: 'scanMember', memberCode: code })
    expect(stale.status).toBe(400)
    expect(stale.body.error.message).toBe('券码已过期，请顾客刷新券码后重新扫描')
    stack.setClockOffset(0)
    // A coupon of another store: the scan shows it, the sale is refused with the reason.
    const elsewhere = await claim(
      owner,
      await template({ name: '仅徐家汇', channels: ['offline'], storeIds: [storeB] }),
    )
    const elsewhereCode = (await tillCode(owner, elsewhere))!
    const seen = await staff({ action: 'memberCoupons', memberCode: elsewhereCode })
    expect(seen.body.data.scanned).toMatchObject({ usable: false, reason: '不适用于该门店' })
    const refused = await staff({
      action: 'recordSale',
      memberCode: elsewhereCode,
      amountFen: 15_000,
      receiptNo: 'ELSEWHERE-1',
    })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toBe('优惠券不可用：不适用于该门店')
    // An online-only coupon shows no code at all.
    const online = await claim(owner, await template({ name: '线上券', channels: ['online'] }))
    expect((await member('coupon', owner, { couponId: online })).body.data.tillCode).toBeNull()
  })
})

describe('a coupon comes back exactly once', () => {
  it('cancelled by the member, however many cancels and expiry runs race: released once', async () => {
    const openid = 'oCanceller'
    await bind(openid)
    const couponId = await claim(openid, await template({ name: '取消退回' }))
    const created = await order(openid, couponId)
    expect(created.status).toBe(200)
    stack.setClockOffset(16 * 60_000)
    await Promise.all([
      ...Array.from({ length: 5 }, () =>
        shop('cancelOrder', openid, { orderId: created.body.data.orderId }),
      ),
      sandbox('/dev/jobs/expireOrders'),
      sandbox('/dev/jobs/expireOrders'),
    ])
    stack.setClockOffset(0)
    const c = await couponDoc(couponId)
    expect(c.status).toBe('available')
    expect(c.lock).toBeNull()
    expect(c.history).toEqual([
      expect.objectContaining({ event: 'release', id: created.body.data.orderId }),
    ])
    // Usable again, by a new order.
    expect((await order(openid, couponId)).status).toBe(200)
  })

  it('an unpaid order expired by the existing order-expiry job releases its coupon once', async () => {
    const openid = 'oExpirer'
    await bind(openid)
    const couponId = await claim(openid, await template({ name: '超时退回' }))
    const created = await order(openid, couponId)
    expect(created.status).toBe(200)
    const seen = await shop('orderQuote', openid, {
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'pickup',
      storeId: storeA,
    })
    expect(seen.body.data.coupons.find((c: any) => c.couponId === couponId)).toMatchObject({
      usable: false,
      reason: '已被一笔待支付订单占用',
    })
    stack.setClockOffset(16 * 60_000)
    const first = await sandbox('/dev/jobs/expireOrders')
    expect(first.status).toBe(200)
    await sandbox('/dev/jobs/expireOrders')
    stack.setClockOffset(0)
    const view = await shop('order', openid, { orderId: created.body.data.orderId })
    expect(view.body.data.status).toBe('cancelled')
    const c = await couponDoc(couponId)
    expect(c.status).toBe('available')
    expect(c.history).toHaveLength(1)
  })

  it('a full refund returns the coupon once, however often the refund notification repeats; a partial one keeps it used', async () => {
    const openid = 'oRefunded'
    await bind(openid)
    const couponId = await claim(openid, await template({ name: '退款退回' }))
    const created = await order(openid, couponId)
    await sandbox(`/sandbox/pay/${created.body.data.outTradeNo}`)
    await shop('order', openid, { orderId: created.body.data.orderId })
    expect((await couponDoc(couponId)).status).toBe('used')

    // Partial first: the coupon stays used.
    const part = await stack.admin({
      action: 'refundOrder',
      orderId: created.body.data.orderId,
      amountFen: 4_000,
      reason: '少发一件赠品',
    })
    expect(part.status).toBe(200)
    await sandbox(`/sandbox/refund/${created.body.data.outTradeNo}`, {
      outRefundNo: part.body.data.outRefundNo,
    })
    expect((await couponDoc(couponId)).status).toBe('used')

    const full = await stack.admin({
      action: 'refundOrder',
      orderId: created.body.data.orderId,
      reason: '顾客退货',
    })
    expect(full.status).toBe(200)
    expect(full.body.data.amountFen).toBe(14_800 - 4_000)
    const settled = await sandbox(`/sandbox/refund/${created.body.data.outTradeNo}`, {
      outRefundNo: full.body.data.outRefundNo,
      notify: false,
    })
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => deliver(settled.body.notification)),
    )
    expect(answers.every((s) => s === 200 || s === 204)).toBe(true)
    const c = await couponDoc(couponId)
    expect(c.status).toBe('available')
    expect(c.use).toBeNull()
    expect(c.history.filter((h) => h.event === 'return')).toHaveLength(1)
    // Repeated later too: still once.
    await deliver(settled.body.notification)
    expect((await couponDoc(couponId)).history).toHaveLength(1)
  })
})

describe('refusals with the reason', () => {
  it('an expired coupon (server clock, Shanghai day end) cannot be applied', async () => {
    const openid = 'oExpired'
    await bind(openid)
    const couponId = await claim(openid, await template({ name: '一日券', validDays: 1 }))
    const c = await couponDoc(couponId)
    // One second before the Shanghai day ends it still works in a quote; at the end it is expired.
    stack.setClockOffset(c.expiresAt.getTime() - Date.now() - 5_000)
    const quote = await shop('orderQuote', openid, {
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'pickup',
      storeId: storeA,
    })
    expect(quote.body.data.couponId).toBe(couponId)
    stack.setClockOffset(c.expiresAt.getTime() - Date.now() + 1_000)
    const refused = await order(openid, couponId)
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatchObject({
      code: 'COUPON_UNAVAILABLE',
      message: '优惠券不可用：已过期',
    })
    const expiredTab = await member('myCoupons', openid, { status: 'expired' })
    expect(expiredTab.body.data.items[0]).toMatchObject({
      couponId,
      state: 'expired',
      statusLabel: '已过期',
      actions: [],
    })
  })

  it("another member's, another store's and another channel's coupon is refused with the reason", async () => {
    await bind('oOwner')
    await bind('oThief')
    const theirs = await claim('oOwner', await template({ name: '别人的券' }))
    const stolen = await order('oThief', theirs)
    expect(stolen.status).toBe(409)
    expect(stolen.body.error.message).toBe('优惠券不可用：这张优惠券不属于该会员')
    const atTill = await stack.call(
      'staff',
      {
        action: 'recordSale',
        memberCode: await memberCode('oThief'),
        amountFen: 20_000,
        receiptNo: 'THIEF-1',
        couponId: theirs,
      },
      { openid: clerkB },
    )
    expect(atTill.status).toBe(409)
    expect(atTill.body.error.message).toBe('优惠券不可用：这张优惠券不属于该会员')
    expect((await couponDoc(theirs)).status).toBe('available')

    const storeOnly = await claim(
      'oOwner',
      await template({ name: '静安寺专享', storeIds: [storeA] }),
    )
    const wrongStore = await order('oOwner', storeOnly, storeB)
    expect(wrongStore.body.error.message).toBe('优惠券不可用：不适用于该门店')
    const delivery = await shop('createOrder', 'oOwner', {
      items: [
        { productId: HAND, qty: 1 },
        { productId: CREAM, qty: 1 },
      ],
      fulfilment: 'delivery',
      deliveryAddress: {
        name: '王小明',
        phone: '13800138000',
        province: '上海市',
        city: '上海市',
        district: '徐汇区',
        detail: '漕溪北路 88 号',
      },
      couponId: storeOnly,
    })
    expect(delivery.body.error.message).toBe('优惠券不可用：仅限指定门店自提订单使用')
    const tillOnly = await claim(
      'oOwner',
      await template({ name: '仅门店', channels: ['offline'] }),
    )
    expect((await order('oOwner', tillOnly)).body.error.message).toBe('优惠券不可用：仅限门店使用')
    // Nothing was reserved by the refused orders.
    for (const id of [storeOnly, tillOnly]) expect((await couponDoc(id)).status).toBe('available')
  })

  it('HQ issues to listed members, once per list and day, with each refusal named', async () => {
    const a = await bind('oIssuedA')
    const b = await bind('oIssuedB')
    const templateId = await template({
      name: '总部发放',
      publishToCentre: false,
      totalQuantity: 10,
    })
    const res = await stack.admin({
      action: 'issueCoupons',
      templateId,
      memberNos: [a.memberNo, b.memberNo, '999999999'],
    })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({
      issued: 2,
      refused: [{ memberNo: '999999999', reason: '会员不存在或已注销' }],
    })
    const again = await stack.admin({
      action: 'issueCoupons',
      templateId,
      memberNos: [b.memberNo, a.memberNo, '999999999'],
    })
    expect(again.body.data.issued).toBe(2)
    const stats = await stack.admin({ action: 'couponTemplateStats', templateId })
    expect(stats.body.data).toMatchObject({ issued: 2, available: 2, used: 0, expired: 0 })
    const hq = await stack.admin({ action: 'memberCoupons', memberId: a.memberId })
    expect(hq.body.data.items).toEqual([
      expect.objectContaining({ templateId, source: '总部发放' }),
    ])
    const badNo = await stack.admin({ action: 'issueCoupons', templateId, memberNos: ['12ab'] })
    expect(badNo.status).toBe(400)
    expect(badNo.body.error).toMatchObject({ field: 'memberNos.0', message: '会员号为 9 位数字' })
  })
})

describe('issuance channels and repair', () => {
  it('a campaign carrying a coupon gives one to each member it reaches, once', async () => {
    const templateId = await template({ name: '活动券', publishToCentre: false })
    const reached = await bind('oCampaignYes', storeB)
    const silent = await bind('oCampaignNo', storeB)
    await member('reportConsent', 'oCampaignYes', {
      results: [{ templateKey: 'campaign', accepted: true }],
    })
    const missing = await stack.admin({
      action: 'createCampaign',
      name: '回店礼',
      segment: { storeIds: [storeB] },
      page: 'pages/index/index',
      fields: { thing1: '送您一张满100减20券', time2: '2026-12-12 10:00' },
      couponTemplateId: 'no-such-template',
    })
    expect(missing.status).toBe(400)
    expect(missing.body.error).toMatchObject({
      field: 'couponTemplateId',
      message: '附带的优惠券不存在',
    })
    const created = await stack.admin({
      action: 'createCampaign',
      name: '回店礼',
      segment: { storeIds: [storeB] },
      page: 'pages/index/index',
      fields: { thing1: '送您一张满100减20券', time2: '2026-12-12 10:00' },
      couponTemplateId: templateId,
    })
    expect(created.status).toBe(200)
    expect(created.body.data.couponTemplateId).toBe(templateId)
    await stack.runJob('dispatchCampaigns')
    await stack.runJob('dispatchCampaigns')
    const got = await stack.admin({ action: 'memberCoupons', memberId: reached.memberId })
    expect(got.body.data.items).toEqual([
      expect.objectContaining({ templateId, source: '活动赠送' }),
    ])
    const none = await stack.admin({ action: 'memberCoupons', memberId: silent.memberId })
    expect(none.body.data.items).toEqual([])
    const stats = await stack.admin({ action: 'couponTemplateStats', templateId })
    expect(stats.body.data.issued).toBe(1)
  })

  it('repairCoupons finishes an issuance that died after taking its unit, and frees a slot left alone', async () => {
    const templateId = await template({ name: '修复券', totalQuantity: 5 })
    const m = await bind('oRepair')
    const long = new Date(Date.now() - 5 * 60_000)
    const db = stack.db
    // As a claim that died after step 2: slot and unit (with its pending entry), no coupon.
    await db.collection(COLLECTIONS.couponClaims.name).add({
      _id: `${templateId}:${m.memberId}:1`,
      templateId,
      memberId: m.memberId,
      slot: 1,
      couponId: 'c-dead-1',
      at: long,
    })
    await db
      .collection(COLLECTIONS.couponTemplates.name)
      .doc(templateId)
      .update({
        issued: 1,
        pendingIssues: [
          {
            couponId: 'c-dead-1',
            memberId: m.memberId,
            memberNo: m.memberNo,
            slot: 1,
            source: { kind: 'centre', key: null },
            at: long,
          },
        ],
      })
    // As a claim that died after step 1: a slot with neither unit nor coupon.
    await db.collection(COLLECTIONS.couponClaims.name).add({
      _id: `${templateId}:${m.memberId}:2`,
      templateId,
      memberId: m.memberId,
      slot: 2,
      couponId: 'c-dead-2',
      at: long,
    })
    const run = await stack.runJob('repairCoupons')
    expect(run).toMatchObject({ ok: true, data: { finished: 1, freed: 1 } })
    const again = await stack.runJob('repairCoupons')
    expect(again).toMatchObject({ ok: true, data: { finished: 0, freed: 0 } })
    expect((await couponDoc('c-dead-1')).status).toBe('available')
    const t = (
      (await db.collection(COLLECTIONS.couponTemplates.name).doc(templateId).get()) as {
        data: any[]
      }
    ).data[0]
    expect(t).toMatchObject({ issued: 1, pendingIssues: [] })
    const slots = (await db
      .collection(COLLECTIONS.couponClaims.name)
      .where({ templateId })
      .count()) as { total: number }
    expect(slots.total).toBe(1)
  })

  it("a welcome coupon is given on the first bind only, once, with the bind's follow-up", async () => {
    // Each function instance reads HQ's welcome templates at most once a minute: a member
    // binding while this one still holds the list without the new template gets the coupon from
    // the finishBinds job (templates read fresh) within the minute.
    // A member's next call after binding: this instance holds the list (read now, or under a
    // minute ago), without the template made below.
    await bind('oWelcomeEarly')
    await member('myCoupons', 'oWelcomeEarly')
    const templateId = await template({ name: '开卡礼券', publishToCentre: false, onBind: true })
    const welcomeCoupons = async (openid: string) =>
      ((await member('myCoupons', openid)).body.data.items as { templateId: string }[]).filter(
        (c) => c.templateId === templateId,
      )
    try {
      await bind('oWelcomeStale')
      await member('profile', 'oWelcomeStale')
      await stack.runJob('finishBinds')
      expect(await welcomeCoupons('oWelcomeStale')).toEqual([
        expect.objectContaining({ templateId, source: '开卡礼' }),
      ])
      // A minute later every instance knows the template: the bind's next call shows it.
      await stack.setClockOffset(61_000)
      await bind('oWelcome')
      const mine = await member('myCoupons', 'oWelcome')
      expect(mine.body.data.items).toEqual([
        expect.objectContaining({ templateId, source: '开卡礼' }),
      ])
      // Scanning again is no first bind; the job and the repair finishing the same cards give
      // no second coupon.
      await bind('oWelcome')
      await Promise.all([stack.runJob('finishBinds'), stack.runJob('finishBinds')])
      await stack.setClockOffset(3 * 60_000)
      await stack.runJob('repairCoupons')
      expect(await welcomeCoupons('oWelcome')).toHaveLength(1)
      expect(await welcomeCoupons('oWelcomeStale')).toHaveLength(1)
    } finally {
      await stack.admin({ action: 'updateCouponTemplate', templateId, status: 'paused' })
    }
  })
})
