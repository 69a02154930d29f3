import '../../shared/flows/payment-owners'
import { shopInput, shopOutput } from '../../shared/shop/contract'
import { defineFunction, requireTimer } from '../../shared/platform/runtime/define-function'
import { reconcilePayments } from '../../shared/payments/payment-service'
import { settleCommission } from '../../shared/commission/commission-service'
import { applyDueOrderEffects } from '../../shared/flows/order-effects'
import { autoDeliverOrders, confirmReceipt } from '../../shared/flows/order-fulfilment'
import {
  cancelOrder,
  createOrder,
  expireOrders,
  orderDetail,
  payOrder,
} from '../../shared/flows/orders'
import { listProducts, pickupStores, productDetail } from '../../shared/shop/catalog-service'
import { myOrders } from '../../shared/shop/orders'

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
    reconcilePayments: (ctx) => {
      requireTimer(ctx)
      return reconcilePayments(ctx, { budgetMs: 15_000 })
    },
    autoDeliverOrders: (ctx) => {
      requireTimer(ctx)
      return autoDeliverOrders(ctx, { budgetMs: 15_000 })
    },
  },
})
