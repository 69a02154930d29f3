import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type {
  AttributionLogDoc,
  CounterDoc,
  MemberCodeUseDoc,
  MemberDoc,
  MemberTombstoneDoc,
  VisitDoc,
} from './documents'

/** The membership domain's collections and indexes. */
export const MEMBERSHIP_COLLECTIONS = {
  members: defineCollection<MemberDoc>({
    name: 'members',
    indexes: [
      // A lookup only: one member per WeChat user is kept by the card's `_id`, derived from the
      // openid (member-service memberIdFor), so a second first bind is a duplicate insert.
      { name: 'openid', fields: ['openid'] },
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
      // finishBinds' work list: new cards whose bind left its follow-up (BindPending).
      { name: 'bindPendingAt', fields: ['bindPending.at'] },
    ],
  }),
  /** Append-only: every move of a member's attribution, with who, when and why. */
  attributionLog: defineCollection<AttributionLogDoc>({
    name: 'attributionLog',
    indexes: [
      { name: 'key', fields: ['key'], unique: true },
      { name: 'memberId', fields: ['memberId', 'at'] },
      { name: 'toClerkId', fields: ['toClerkId', 'at'] },
    ],
  }),
  /** Later scans of any code by an existing member. */
  visits: defineCollection<VisitDoc>({
    name: 'visits',
    indexes: [{ name: 'memberId', fields: ['memberId', 'at'] }],
  }),
  /** Monotonic counters (member numbers), advanced with atomic increments. */
  counters: defineCollection<CounterDoc>({ name: 'counters', indexes: [] }),
  /** Keyed hashes of deleted cards' identities and phones (MemberTombstoneDoc): no second welcome. */
  memberTombstones: defineCollection<MemberTombstoneDoc>({ name: 'memberTombstones', indexes: [] }),
  /** Member codes already used for a sale: a scan books once. */
  memberCodeUses: defineCollection<MemberCodeUseDoc>({
    name: 'memberCodeUses',
    indexes: [{ name: 'code', fields: ['code'], unique: true }],
  }),
} as const satisfies Record<string, CollectionSpec>
