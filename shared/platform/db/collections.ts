/**
 * Every collection of the document database and its indexes, declared once.
 *
 * The local gateway creates these at start (unique indexes are enforced there exactly as
 * CloudBase enforces them); for production, README "Deploying" lists how to create the same
 * collections and indexes in the CloudBase console or with `tcb db` (scripts/print-indexes).
 */
export interface IndexSpec {
  /** Index name as it appears in the CloudBase console. */
  name: string
  /** Field paths, in order; ascending. */
  fields: readonly string[]
  unique?: boolean
  /**
   * Skip documents that lack any of the fields (MongoDB's sparse/partial index). Without it a
   * unique index treats a missing field as null, so only one such document could exist.
   */
  sparse?: boolean
}

export interface CollectionSpec {
  name: string
  indexes: readonly IndexSpec[]
}

export const COLLECTIONS = {
  pings: { name: 'pings', indexes: [{ name: 'openid', fields: ['openid'] }] },
  stores: { name: 'stores', indexes: [{ name: 'code', fields: ['code'], unique: true }] },
  clerks: {
    name: 'clerks',
    indexes: [
      { name: 'code', fields: ['code'], unique: true },
      { name: 'openid', fields: ['openid'], unique: true, sparse: true },
      { name: 'storeId', fields: ['storeId', 'status', 'memberCount'] },
    ],
  },
  /** One-time staff invites: a WeChat user who opens one becomes a clerk of the store. */
  staffInvites: {
    name: 'staffInvites',
    indexes: [{ name: 'code', fields: ['code'], unique: true }],
  },
  members: {
    name: 'members',
    indexes: [
      // One member per WeChat user: this index is what makes concurrent first scans safe.
      { name: 'openid', fields: ['openid'], unique: true, sparse: true },
      { name: 'memberNo', fields: ['memberNo'], unique: true },
      { name: 'clerkId', fields: ['clerkId', 'lastPurchaseAt'] },
      { name: 'storeId', fields: ['storeId', 'joinedAt'] },
      { name: 'phone', fields: ['phone'] },
      // The expiry job's work list: members whose oldest remaining points have come due.
      { name: 'nextExpiryAt', fields: ['nextExpiryAt'] },
      // repairRedemptions' work list: redemptions whose invocation may have died half way.
      { name: 'pendingSpendsAt', fields: ['pendingSpends.at'] },
      // Campaign segments by birthday month (a range per month) and by trailing spend.
      { name: 'birthday', fields: ['birthday'] },
      { name: 'trailingSpendFen', fields: ['trailingSpendFen'] },
      // The daily stats rollup reads the members who joined in a range of days.
      { name: 'joinedAt', fields: ['joinedAt'] },
    ],
  },
  /** Append-only: every move of a member's attribution, with who, when and why. */
  attributionLog: {
    name: 'attributionLog',
    indexes: [
      { name: 'key', fields: ['key'], unique: true },
      { name: 'memberId', fields: ['memberId', 'at'] },
      { name: 'toClerkId', fields: ['toClerkId', 'at'] },
    ],
  },
  /** Later scans of any code by an existing member. */
  visits: { name: 'visits', indexes: [{ name: 'memberId', fields: ['memberId', 'at'] }] },
  /** Append-only points ledger; `key` is the idempotency key (e.g. `member:<id>:welcome`). */
  pointsLedger: {
    name: 'pointsLedger',
    indexes: [
      { name: 'key', fields: ['key'], unique: true },
      { name: 'memberId', fields: ['memberId', 'at'] },
      // The member's points line: credits with points remaining are those with end > debited.
      { name: 'memberIdEnd', fields: ['memberId', 'end'] },
      // The daily stats rollup reads the entries of a range of days.
      { name: 'at', fields: ['at'] },
    ],
  },
  /** The gift catalog HQ keeps. */
  gifts: { name: 'gifts', indexes: [{ name: 'status', fields: ['status', 'sort'] }] },
  /** Stock per gift and place (`<giftId>_<storeId>`, `<giftId>_central`), taken by conditional updates. */
  giftStock: {
    name: 'giftStock',
    indexes: [
      { name: 'giftId', fields: ['giftId'] },
      { name: 'storeId', fields: ['storeId'] },
    ],
  },
  /** Gift redemptions: pickup at a store (with a pickup code) or mail. */
  redemptions: {
    name: 'redemptions',
    indexes: [
      { name: 'pickupCode', fields: ['pickupCode'], unique: true, sparse: true },
      { name: 'memberId', fields: ['memberId', 'createdAt'] },
      { name: 'storeId', fields: ['storeId', 'status'] },
      // expireMailRedemptions' work list (awaitingPayment past payBy) and HQ's shipping list.
      { name: 'statusPayBy', fields: ['status', 'payBy'] },
    ],
  },
  /** Monotonic counters (member numbers), advanced with atomic increments. */
  counters: { name: 'counters', indexes: [] },
  /** Member codes already used for a sale: a scan books once. */
  memberCodeUses: {
    name: 'memberCodeUses',
    indexes: [{ name: 'code', fields: ['code'], unique: true }],
  },
  admins: { name: 'admins', indexes: [{ name: 'username', fields: ['username'], unique: true }] },
  adminSessions: {
    name: 'adminSessions',
    indexes: [{ name: 'tokenHash', fields: ['tokenHash'], unique: true }],
  },
  /** Append-only log of every HQ action. */
  auditLog: { name: 'auditLog', indexes: [{ name: 'at', fields: ['at'] }] },
  /** Settings HQ can change (points rules, attribution policy), one document per area. */
  settings: { name: 'settings', indexes: [] },
  /** The scheduled jobs' last runs, one document per job (`_id` = the job's name). */
  jobRuns: { name: 'jobRuns', indexes: [] },
  /**
   * One conversation per member (its _id is the member's id): the member talks with whoever is
   * their clerk now, so a transfer keeps the history and the new clerk sees it.
   */
  conversations: {
    name: 'conversations',
    indexes: [
      { name: 'clerkId', fields: ['clerkId', 'lastMessageAt'] },
      { name: 'storeId', fields: ['storeId', 'lastMessageAt'] },
      { name: 'memberUnread', fields: ['memberUnread', 'lastClerkMessageAt'] },
    ],
  },
  /** Chat messages; `seq` orders a conversation, `clientMsgId` makes a resend idempotent. */
  messages: {
    name: 'messages',
    indexes: [
      { name: 'conversationSeq', fields: ['conversationId', 'seq'], unique: true },
      { name: 'clientMsgId', fields: ['conversationId', 'clientMsgId'], unique: true },
    ],
  },
  /** HQ's ready-made texts (统一文案) that clerks pick and edit before sending. */
  chatTemplates: {
    name: 'chatTemplates',
    indexes: [{ name: 'active', fields: ['active', 'sort'] }],
  },
  /** Subscribe-message send credits: one per accepted request, per member and template. */
  subscribeConsents: {
    name: 'subscribeConsents',
    indexes: [{ name: 'memberId', fields: ['memberId'] }],
  },
  /** WeChat access tokens shared by all function instances. */
  wechatTokens: { name: 'wechatTokens', indexes: [] },
  /**
   * WeChat Pay payments, `_id` = out_trade_no. One payment per purpose (an order, a mail
   * redemption): the unique index is what stops one order being charged twice.
   */
  payments: {
    name: 'payments',
    indexes: [
      { name: 'purpose', fields: ['purpose.kind', 'purpose.id'], unique: true },
      { name: 'status', fields: ['status', 'expiresAt'] },
      { name: 'payerOpenid', fields: ['payerOpenid', 'createdAt'] },
    ],
  },
  /** Refunds, `_id` = out_refund_no (derived from the business key, so a retry is the same refund). */
  refunds: {
    name: 'refunds',
    indexes: [
      { name: 'outTradeNo', fields: ['outTradeNo', 'createdAt'] },
      // The daily stats rollup reads the refunds that succeeded in a range of days.
      { name: 'settledAt', fields: ['settledAt'] },
    ],
  },
  /** Shop products: one price online and offline. */
  products: { name: 'products', indexes: [{ name: 'status', fields: ['status', 'sort'] }] },
  /**
   * Stock per product and location (a store, or `central` for delivery), `_id` =
   * `<productId>_<locationId>`; `available` never goes below zero.
   */
  stock: {
    name: 'stock',
    indexes: [
      { name: 'productLocation', fields: ['productId', 'locationId'], unique: true },
      { name: 'locationId', fields: ['locationId'] },
    ],
  },
  /** Shop orders (pickup or delivery); a paid pickup order has a unique pickup code. */
  orders: {
    name: 'orders',
    indexes: [
      { name: 'openid', fields: ['openid', 'createdAt'] },
      { name: 'status', fields: ['status', 'expiresAt'] },
      { name: 'pickupCode', fields: ['pickupCode'], unique: true, sparse: true },
      // HQ's orders list: newest first, overall, per pickup store and per member.
      { name: 'createdAt', fields: ['createdAt'] },
      { name: 'storeId', fields: ['storeId', 'createdAt'] },
      { name: 'memberId', fields: ['memberId', 'createdAt'] },
      { name: 'effectsDueAt', fields: ['effectsDueAt'] },
      // The daily stats rollup reads the orders paid in a range of days.
      { name: 'paidAt', fields: ['paidAt'] },
    ],
  },
  /** Offline sales booked at the till: a receipt number counts once per store. */
  offlineSales: {
    name: 'offlineSales',
    indexes: [
      { name: 'storeReceipt', fields: ['storeId', 'receiptNo'], unique: true },
      { name: 'memberId', fields: ['memberId', 'at'] },
      // The daily stats rollup reads the sales of a range of days.
      { name: 'at', fields: ['at'] },
    ],
  },
  /** Commission per sale and its reversals, keyed (`order:<id>:commission`), settled monthly. */
  commissionLedger: {
    name: 'commissionLedger',
    indexes: [
      { name: 'key', fields: ['key'], unique: true },
      { name: 'clerkMonth', fields: ['clerkId', 'month'] },
      { name: 'month', fields: ['month', 'storeId'] },
      // settleCommission's work list.
      { name: 'status', fields: ['status', 'settleAfter'] },
      // The daily stats rollup reads the entries of a range of days.
      { name: 'at', fields: ['at'] },
    ],
  },
  /** Subscribe-message campaigns to member segments (HQ's and store managers'). */
  campaigns: {
    name: 'campaigns',
    indexes: [
      { name: 'status', fields: ['status', 'sendAt'] },
      { name: 'storeId', fields: ['storeId', 'createdAt'] },
    ],
  },
  /**
   * One row per campaign and member, `_id` = `<campaignId>:<memberId>`: inserted (claimed) before
   * the message is sent, so the unique _id is what stops a restarted dispatch sending twice.
   */
  campaignDeliveries: {
    name: 'campaignDeliveries',
    indexes: [
      { name: 'campaignId', fields: ['campaignId', 'status'] },
      // The member's campaign centre: what was sent to them, newest first.
      { name: 'memberId', fields: ['memberId', 'doneAt'] },
    ],
  },
  /** Campaigns a member received per Shanghai week (`<memberId>:<yyyy-mm-dd>`), capped by conditional increments. */
  campaignWeeks: { name: 'campaignWeeks', indexes: [] },
  /** Payments with nothing behind them, to check the payment edge end to end (local stack only). */
  payProbes: { name: 'payProbes', indexes: [{ name: 'openid', fields: ['openid', 'createdAt'] }] },
  /** HQ's long operations (CSV imports, exports), advanced in batches by the console and a timer. */
  jobs: {
    name: 'jobs',
    indexes: [
      { name: 'status', fields: ['status', 'createdAt'] },
      { name: 'createdAt', fields: ['createdAt'] },
    ],
  },
  /**
   * The dashboard's figures per Asia/Shanghai day and store (`_id` = `<day>_<storeId>`, `*` for
   * all stores), written by the `rollupDailyStats` timer so the dashboard never aggregates orders.
   */
  dailyStats: { name: 'dailyStats', indexes: [{ name: 'day', fields: ['day', 'storeId'] }] },
} as const satisfies Record<string, CollectionSpec>

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS]['name']

export const ALL_COLLECTIONS: readonly CollectionSpec[] = Object.values(COLLECTIONS)
