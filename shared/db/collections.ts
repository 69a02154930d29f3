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
      { name: 'storeId', fields: ['storeId'] },
    ],
  },
} as const satisfies Record<string, CollectionSpec>

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS]['name']

export const ALL_COLLECTIONS: readonly CollectionSpec[] = Object.values(COLLECTIONS)
