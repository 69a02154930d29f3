import { defineCollection, type CollectionSpec } from '../platform/db/collection-spec'
import type { PointsLedgerDoc } from './documents'

/** The points domain's collections and indexes. */
export const POINTS_COLLECTIONS = {
  /** Append-only points ledger; `key` is the idempotency key (e.g. `member:<id>:welcome`). */
  pointsLedger: defineCollection<PointsLedgerDoc>({
    name: 'pointsLedger',
    indexes: [
      { name: 'key', fields: ['key'], unique: true },
      { name: 'memberId', fields: ['memberId', 'at'] },
      // The member's points line: credits with points remaining are those with end > debited.
      { name: 'memberIdEnd', fields: ['memberId', 'end'] },
      // The daily stats rollup reads the entries of a range of days.
      { name: 'at', fields: ['at'] },
    ],
  }),
} as const satisfies Record<string, CollectionSpec>
