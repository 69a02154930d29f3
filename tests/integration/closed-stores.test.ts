/**
 * A closed store hands out nothing (issue #18): a pickup gift redemption and a pickup shop order
 * there are refused on the server with a Chinese reason, nothing of the member's points or the
 * store's stock is taken, and the mini-program's store lists (the gift's pickup stores, the shop's
 * pickup stores) stop offering it. Reopened, the same redemption goes through.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { GiftStockDoc } from '../../shared/gifts/documents'
import { startTestStack, type TestStack } from '../support/local-stack'

jest.setTimeout(120_000)

let stack: TestStack
let storeId: string
const GIFT = 'demo-gift-tote'
const CREAM = 'p-rose-cream'
const SHOPPER = 'oClosedStoreShopper'

const giftStock = async () =>
  (
    (await stack.db
      .collection(COLLECTIONS.giftStock.name)
      .where({ giftId: GIFT, storeId })
      .get()) as { data: GiftStockDoc[] }
  ).data[0]?.available
const balance = async () =>
  (await stack.call('member', { action: 'profile' }, { openid: SHOPPER })).body.data
    .points as number
const redeem = () =>
  stack.call(
    'points',
    { action: 'redeem', giftId: GIFT, fulfilment: 'pickup', storeId },
    { openid: SHOPPER },
  )
const giftStores = async () =>
  (
    (await stack.call('points', { action: 'gift', giftId: GIFT }, { openid: SHOPPER })).body.data
      .stores as { storeId: string }[]
  ).map((s) => s.storeId)
const shopStores = async () =>
  (
    (
      await stack.call(
        'shop',
        { action: 'stores', items: [{ productId: CREAM, qty: 1 }] },
        { openid: SHOPPER },
      )
    ).body.data as { storeId: string }[]
  ).map((s) => s.storeId)

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  const demo = await stack.personas()
  const created = await stack.admin({
    action: 'createStore',
    code: 'CZ001',
    name: '将停业店',
    address: '上海市长宁区某路 1 号',
  })
  expect(created.status).toBe(200)
  storeId = created.body.data.storeId
  for (const res of [
    await stack.admin({
      action: 'adjustGiftStock',
      giftId: GIFT,
      storeId,
      delta: 5,
      reason: '铺货',
    }),
    await stack.admin({ action: 'setStock', productId: CREAM, locationId: storeId, quantity: 5 }),
  ])
    expect(res.status).toBe(200)
  const code = demo.codes.find((c) => c.kind === 'clerk')!
  const bound = await stack.call(
    'member',
    { action: 'bind', scene: code.scene, phone: '13900009999' },
    { openid: SHOPPER },
  )
  expect(bound.status).toBe(200)
})
afterAll(() => stack.stop())

it('while open, the store is offered for the gift and for pickup orders', async () => {
  expect(await giftStores()).toContain(storeId)
  expect(await shopStores()).toContain(storeId)
})

it('closed: a pickup redemption is refused in Chinese and takes neither points nor stock', async () => {
  const closed = await stack.admin({ action: 'closeStore', storeId, reason: '租约到期' })
  expect(closed.status).toBe(200)
  const [pointsBefore, stockBefore] = [await balance(), await giftStock()]
  const refused = await redeem()
  expect(refused.status).toBe(409)
  expect(refused.body.error).toMatchObject({
    code: 'CONFLICT',
    message: '该门店已停业，请选择其他门店自提',
    field: 'storeId',
  })
  expect(await balance()).toBe(pointsBefore)
  expect(await giftStock()).toBe(stockBefore)
  expect(
    await stack.db.collection(COLLECTIONS.redemptions.name).where({ storeId }).count(),
  ).toMatchObject({ total: 0 })
})

it('closed: a pickup shop order there is refused in Chinese', async () => {
  const refused = await stack.call(
    'shop',
    { action: 'createOrder', items: [{ productId: CREAM, qty: 1 }], fulfilment: 'pickup', storeId },
    { openid: SHOPPER },
  )
  expect(refused.status).toBe(409)
  expect(refused.body.error.message).toBe('该门店已停业，请选择其他门店')
  expect(
    await stack.db.collection(COLLECTIONS.orders.name).where({ storeId }).count(),
  ).toMatchObject({ total: 0 })
})

it('closed: the mini-program’s store lists no longer offer it', async () => {
  expect(await giftStores()).not.toContain(storeId)
  const shop = await shopStores()
  expect(shop.length).toBeGreaterThan(0)
  expect(shop).not.toContain(storeId)
})

it('reopened, the same redemption goes through', async () => {
  expect((await stack.admin({ action: 'reopenStore', storeId })).status).toBe(200)
  const stockBefore = await giftStock()
  const redeemed = await redeem()
  expect(redeemed.status).toBe(200)
  expect(redeemed.body.data.status).toBe('awaitingPickup')
  expect(await giftStock()).toBe(stockBefore! - 1)
})
