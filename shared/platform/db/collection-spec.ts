/** How a collection and its indexes are declared (each domain declares its own in `collections.ts`). */
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
