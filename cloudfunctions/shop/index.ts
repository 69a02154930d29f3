import '../../shared/flows/payment-owners'
import { shopInput, shopOutput } from '../../shared/shop/contract'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { confirmReceipt } from '../../shared/flows/order-fulfilment'
import { cancelOrder, createOrder, orderDetail, payOrder } from '../../shared/flows/orders'
import { listProducts, pickupStores, productDetail } from '../../shared/shop/catalog-service'
import { myOrders } from '../../shared/shop/orders'
import { orderQuote } from '../../shared/flows/coupon-orders'

export const main = defineFunction({
  name: 'shop',
  input: shopInput,
  output: shopOutput,
  policy: {
    products: 'wechat',
    product: 'wechat',
    stores: 'wechat',
    createOrder: 'wechat',
    orderQuote: 'wechat',
    order: 'wechat',
    myOrders: 'wechat',
    cancelOrder: 'wechat',
    payOrder: 'wechat',
    confirmReceipt: 'wechat',
  },
  handlers: {
    products: () => listProducts(),
    product: (_ctx, input) => productDetail(input),
    stores: (ctx, input) => pickupStores(ctx, input),
    createOrder: (ctx, input) => createOrder(ctx, input),
    orderQuote: (ctx, input) => orderQuote(ctx, input),
    order: (ctx, input) => orderDetail(ctx, input),
    myOrders: (ctx) => myOrders(ctx),
    cancelOrder: (ctx, input) => cancelOrder(ctx, input),
    payOrder: (ctx, input) => payOrder(ctx, input),
    confirmReceipt: (ctx, input) => confirmReceipt(ctx, input),
  },
})
