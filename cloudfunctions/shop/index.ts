import { shopInput, shopOutput } from '../../shared/shop/contract'
import { defineFunction } from '../../shared/platform/runtime/define-function'
import { settleCommission } from '../../shared/commission/commission-service'
import {
  applyDueOrderEffects,
  cancelOrder,
  confirmReceipt,
  createOrder,
  expireOrders,
  listProducts,
  myOrders,
  orderDetail,
  payOrder,
  pickupStores,
  productDetail,
} from '../../shared/shop/shop-service'

export const main = defineFunction({
  name: 'shop',
  input: shopInput,
  output: shopOutput,
  handlers: {
    products: () => listProducts(),
    product: (_ctx, input) => productDetail(input),
    stores: (ctx, input) => pickupStores(ctx, input),
    createOrder: (ctx, input) => createOrder(ctx, input),
    order: (ctx, input) => orderDetail(ctx, input),
    myOrders: (ctx) => myOrders(ctx),
    cancelOrder: (ctx, input) => cancelOrder(ctx, input),
    payOrder: (ctx, input) => payOrder(ctx, input),
    confirmReceipt: (ctx, input) => confirmReceipt(ctx, input),
    applyOrderEffects: (ctx) => applyDueOrderEffects(ctx),
    expireOrders: (ctx) => expireOrders(ctx),
    settleCommission: (ctx) => settleCommission(ctx),
  },
})
