import { orderStatusLabel } from '../../../miniprogram/src/lib/order-status'

const shipment = { carrier: '顺丰速运', trackingNo: 'SF1', shippedAt: '2026-11-20T06:00:00.000Z' }

describe('order status label', () => {
  it('names a pickup order by its status', () => {
    expect(
      orderStatusLabel({ status: 'paid', fulfilment: 'pickup', shipment: null, deliveredAt: null }),
    ).toBe('已付款')
    expect(
      orderStatusLabel({
        status: 'picked_up',
        fulfilment: 'pickup',
        shipment: null,
        deliveredAt: null,
      }),
    ).toBe('已完成')
  })

  it('follows a paid delivery order from the warehouse to the door', () => {
    expect(
      orderStatusLabel({
        status: 'paid',
        fulfilment: 'delivery',
        shipment: null,
        deliveredAt: null,
      }),
    ).toBe('待发货')
    expect(
      orderStatusLabel({ status: 'paid', fulfilment: 'delivery', shipment, deliveredAt: null }),
    ).toBe('已发货')
    expect(
      orderStatusLabel({
        status: 'paid',
        fulfilment: 'delivery',
        shipment,
        deliveredAt: '2026-11-21T06:00:00.000Z',
      }),
    ).toBe('已签收')
    expect(
      orderStatusLabel({
        status: 'awaiting_payment',
        fulfilment: 'delivery',
        shipment: null,
        deliveredAt: null,
      }),
    ).toBe('待付款')
    expect(
      orderStatusLabel({
        status: 'cancelled',
        fulfilment: 'delivery',
        shipment: null,
        deliveredAt: null,
      }),
    ).toBe('已取消')
  })
})
