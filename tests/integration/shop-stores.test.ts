/**
 * What the checkout and the product page ask the shop for: one product, and the pickup stores
 * nearest first (or the member's own store first) with what each cannot fill; and the delivery
 * address a delivery order carries.
 */
import { COLLECTIONS } from '../../shared/collections'
import { startTestStack, type TestStack } from '../support/local-stack'

let stack: TestStack
let jingan: string
let xujiahui: string
const CREAM = 'p-rose-cream'
const TEA = 'p-tea-gift'
/** Outside 港汇恒隆, a few hundred metres from 徐家汇店 and about 3 km from 静安寺店. */
const NEAR_XUJIAHUI = { lat: 31.1941, lng: 121.4361 }
const NEAR_JINGAN = { lat: 31.2229, lng: 121.4468 }

const shop = (body: Record<string, unknown>, openid = 'oStoreLooker') =>
  stack.call('shop', body, { openid })

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  const stores = (await stack.db.collection(COLLECTIONS.stores.name).limit(10).get()) as {
    data: { _id: string; name: string }[]
  }
  jingan = stores.data.find((s) => s.name === '静安寺店')!._id
  xujiahui = stores.data.find((s) => s.name === '徐家汇店')!._id
})
afterAll(() => stack.stop())

describe('shop.product', () => {
  it('answers one active product with its price and what is orderable where', async () => {
    const res = await shop({ action: 'product', productId: CREAM })
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({
      productId: CREAM,
      name: '玫瑰保湿面霜 50g',
      description: '温和保湿，四季可用',
      priceFen: 16_800,
      images: [],
      available: { central: 200, stores: { [jingan]: 20, [xujiahui]: 20 } },
    })
  })

  it('is 404 for an unknown or delisted product', async () => {
    expect((await shop({ action: 'product', productId: 'no-such-product' })).status).toBe(404)
    await stack.db.collection(COLLECTIONS.products.name).doc('p-delisted').set({
      name: '停售',
      description: '',
      priceFen: 100,
      status: 'inactive',
      sort: 99,
      createdAt: new Date(),
    })
    const delisted = await shop({ action: 'product', productId: 'p-delisted' })
    expect(delisted.status).toBe(404)
    expect(delisted.body.error.message).toBe('商品不存在或已下架')
  })
})

describe('shop.stores', () => {
  it('lists stores nearest first with their distance when the shopper shares a location', async () => {
    const fromXujiahui = await shop({
      action: 'stores',
      items: [{ productId: CREAM, qty: 1 }],
      near: NEAR_XUJIAHUI,
    })
    expect(fromXujiahui.status).toBe(200)
    const [first, second] = fromXujiahui.body.data
    expect(first).toMatchObject({
      storeId: xujiahui,
      name: '徐家汇店',
      address: expect.stringContaining('虹桥路'),
      location: { lat: expect.any(Number), lng: expect.any(Number) },
      shortages: [],
    })
    expect(first.distanceM).toBeLessThan(500)
    expect(second).toMatchObject({ storeId: jingan, name: '静安寺店' })
    expect(second.distanceM).toBeGreaterThan(2500)

    const fromJingan = await shop({ action: 'stores', items: [], near: NEAR_JINGAN })
    expect(fromJingan.body.data.map((s: { name: string }) => s.name)).toEqual([
      '静安寺店',
      '徐家汇店',
    ])
  })

  it('without a location: the member’s own store first, no distances', async () => {
    const clerkCode = (await stack.personas()).codes.find(
      (c) => c.kind === 'store' && c.storeId === xujiahui,
    )!
    const openid = 'oXujiahuiMember'
    expect(
      (
        await stack.call(
          'member',
          { action: 'bind', scene: clerkCode.scene, phone: '13600009001' },
          { openid },
        )
      ).body.ok,
    ).toBe(true)
    const res = await shop({ action: 'stores', items: [] }, openid)
    expect(
      res.body.data.map(
        (s: { storeId: string; isHomeStore: boolean; distanceM: number | null }) => [
          s.storeId,
          s.isHomeStore,
          s.distanceM,
        ],
      ),
    ).toEqual([
      [xujiahui, true, null],
      [jingan, false, null],
    ])
    // Not a member: by name (静 jing before 徐 xu).
    const anonymous = await shop({ action: 'stores', items: [] }, 'oNotAMember')
    expect(anonymous.body.data.map((s: { name: string }) => s.name)).toEqual([
      '静安寺店',
      '徐家汇店',
    ])
  })

  it('names, per store, the cart lines it cannot fill now', async () => {
    // Sell 静安寺店's tea down to 3 through an order, so the shortage follows real reservations.
    const created = await shop(
      {
        action: 'createOrder',
        items: [{ productId: TEA, qty: 7 }],
        fulfilment: 'pickup',
        storeId: jingan,
      },
      'oTeaBuyer',
    )
    expect(created.status).toBe(200)
    const res = await shop({
      action: 'stores',
      items: [
        { productId: TEA, qty: 2 },
        { productId: TEA, qty: 2 },
        { productId: CREAM, qty: 1 },
      ],
      near: NEAR_JINGAN,
    })
    const byName = Object.fromEntries(res.body.data.map((s: { name: string }) => [s.name, s]))
    expect(byName['静安寺店'].shortages).toEqual([
      { productId: TEA, name: '明前龙井礼盒 250g', available: 3, wanted: 4 },
    ])
    expect(byName['徐家汇店'].shortages).toEqual([])
  })

  it('refuses a location out of range and an unknown product', async () => {
    const bad = await shop({ action: 'stores', items: [], near: { lat: 91, lng: 121 } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('near.lat')
    expect(
      (await shop({ action: 'stores', items: [{ productId: 'no-such-product', qty: 1 }] })).status,
    ).toBe(404)
  })
})

describe('delivery address', () => {
  const address = {
    name: '林女士',
    phone: '13812345678',
    province: '上海市',
    city: '上海市',
    district: '徐汇区',
    detail: '虹桥路 1 号 2 号楼 1001 室',
  }

  it('is kept on a delivery order and shown back', async () => {
    const created = await shop(
      {
        action: 'createOrder',
        items: [{ productId: CREAM, qty: 1 }],
        fulfilment: 'delivery',
        deliveryAddress: address,
      },
      'oDeliveree',
    )
    expect(created.status).toBe(200)
    const order = await shop({ action: 'order', orderId: created.body.data.orderId }, 'oDeliveree')
    expect(order.body.data).toMatchObject({
      fulfilment: 'delivery',
      deliveryAddress: address,
      shipment: null,
      deliveredAt: null,
    })
  })

  it('is refused when malformed or on a pickup order', async () => {
    const badPhone = await shop({
      action: 'createOrder',
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'delivery',
      deliveryAddress: { ...address, phone: '12345' },
    })
    expect(badPhone.status).toBe(400)
    expect(badPhone.body.error.field).toBe('deliveryAddress.phone')
    const onPickup = await shop({
      action: 'createOrder',
      items: [{ productId: CREAM, qty: 1 }],
      fulfilment: 'pickup',
      storeId: jingan,
      deliveryAddress: address,
    })
    expect(onPickup.status).toBe(400)
    expect(onPickup.body.error.field).toBe('deliveryAddress')
  })
})

describe('HQ sets a store’s location', () => {
  it('a store without one is listed last; once HQ places it, by its distance', async () => {
    const created = await stack.admin({
      action: 'createStore',
      code: 'SH099',
      name: '陆家嘴店',
      address: '上海市浦东新区世纪大道 8 号',
    })
    expect(created.body.data.location).toBeNull()
    const lujiazui = created.body.data.storeId as string
    const before = await shop({ action: 'stores', items: [], near: NEAR_XUJIAHUI })
    expect(
      before.body.data.map((s: { name: string; distanceM: number | null }) => [
        s.name,
        s.distanceM === null,
      ]),
    ).toEqual([
      ['徐家汇店', false],
      ['静安寺店', false],
      ['陆家嘴店', true],
    ])

    const outOfRange = await stack.admin({
      action: 'setStoreLocation',
      storeId: lujiazui,
      lat: 31.2,
      lng: 181,
    })
    expect(outOfRange.status).toBe(400)
    expect(outOfRange.body.error.field).toBe('lng')
    // Placed right next to the shopper: now it is the nearest.
    const placed = await stack.admin({
      action: 'setStoreLocation',
      storeId: lujiazui,
      ...NEAR_XUJIAHUI,
    })
    expect(placed.body.data).toEqual({ storeId: lujiazui, location: NEAR_XUJIAHUI })
    expect(
      (await stack.admin({ action: 'setStoreLocation', storeId: lujiazui, ...NEAR_XUJIAHUI }))
        .status,
    ).toBe(200)
    const after = await shop({ action: 'stores', items: [], near: NEAR_XUJIAHUI })
    expect(after.body.data.map((s: { name: string }) => s.name)).toEqual([
      '陆家嘴店',
      '徐家汇店',
      '静安寺店',
    ])
    expect(after.body.data[0].distanceM).toBe(0)
    const listed = await stack.admin({ action: 'listStores' })
    expect(
      listed.body.data.items.find((s: { storeId: string }) => s.storeId === lujiazui).location,
    ).toEqual(NEAR_XUJIAHUI)

    expect(
      (
        await stack.admin({
          action: 'setStoreLocation',
          storeId: 'no-such-store',
          lat: 31,
          lng: 121,
        })
      ).status,
    ).toBe(404)
  })
})
