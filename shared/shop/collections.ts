import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type {
  OfflineSaleDayDoc,
  OfflineSaleDoc,
  OfflineSaleRefusalDoc,
  OrderCounterDoc,
  OrderDoc,
  ProductDoc,
  StockDoc,
} from './documents'

/** The shop domain's collections and indexes. */
export const SHOP_COLLECTIONS = {
  /** Shop products: one price online and offline. */
  products: defineCollection<ProductDoc>({
    name: 'products',
    indexes: [{ name: 'status', fields: ['status', 'sort'] }],
  }),
  /**
   * Stock per product and location (a store, or `central` for delivery), `_id` =
   * `<productId>_<locationId>`; `available` never goes below zero.
   */
  stock: defineCollection<StockDoc>({
    name: 'stock',
    indexes: [
      { name: 'productLocation', fields: ['productId', 'locationId'], unique: true },
      { name: 'locationId', fields: ['locationId'] },
      // The order repair's work list: the documents some order holds units on.
      { name: 'reserved', fields: ['reserved'] },
    ],
  }),
  /** Shop orders (pickup or delivery); a paid pickup order has a unique pickup code. */
  orders: defineCollection<OrderDoc>({
    name: 'orders',
    indexes: [
      { name: 'openid', fields: ['openid', 'createdAt'] },
      { name: 'status', fields: ['status', 'expiresAt'] },
      { name: 'pickupCode', fields: ['pickupCode'] },
      // HQ's orders list: newest first, overall, per pickup store and per member.
      { name: 'createdAt', fields: ['createdAt'] },
      { name: 'storeId', fields: ['storeId', 'createdAt'] },
      { name: 'memberId', fields: ['memberId', 'createdAt'] },
      { name: 'effectsDueAt', fields: ['effectsDueAt'] },
      // autoDeliverOrders' work list: shipped delivery orders by shipment time.
      { name: 'shippedAt', fields: ['status', 'shipment.shippedAt'] },
      // The daily stats rollup reads the orders paid in a range of days.
      { name: 'paidAt', fields: ['paidAt'] },
      // HQ finds an order by its human number (not unique as an index: older orders have none;
      // the day's counter below hands out each number once).
      { name: 'orderNo', fields: ['orderNo'] },
    ],
  }),
  /**
   * One document per Asia/Shanghai day (`_id` = `orderNo:<YYYYMMDD>`) whose `seq` an atomic
   * increment advances: the source of the day's order numbers.
   */
  orderCounters: defineCollection<OrderCounterDoc>({ name: 'orderCounters', indexes: [] }),
  /** Offline sales booked at the till: a receipt number counts once per store. */
  offlineSales: defineCollection<OfflineSaleDoc>({
    name: 'offlineSales',
    indexes: [
      { name: 'storeReceipt', fields: ['storeId', 'receiptNo'], unique: true },
      { name: 'memberId', fields: ['memberId', 'at'] },
      // The daily stats rollup reads the sales of a range of days.
      { name: 'at', fields: ['at'] },
      // HQ's offline-sales list and export: one store's sales, newest first.
      { name: 'storeAt', fields: ['storeId', 'at'] },
    ],
  }),
  /** Per clerk per Asia/Shanghai day: what the clerk booked (`_id` = `<clerkId>:<day>`). */
  offlineSaleDays: defineCollection<OfflineSaleDayDoc>({ name: 'offlineSaleDays', indexes: [] }),
  /** Sales the till refused (ceilings, a clerk's own card), newest first for HQ review. */
  offlineSaleRefusals: defineCollection<OfflineSaleRefusalDoc>({
    name: 'offlineSaleRefusals',
    indexes: [{ name: 'at', fields: ['at'] }],
  }),
} as const satisfies Record<string, CollectionSpec>
