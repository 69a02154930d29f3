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

/** A stored document: every document has a string `_id`. */
export interface StoredDoc {
  _id: string
}

declare const documentType: unique symbol

/**
 * A collection spec that also knows its document type (a phantom: nothing at run time), so
 * `collection(COLLECTIONS.orders)` reads and writes `OrderDoc` without casts.
 */
export interface DocumentCollectionSpec<T extends StoredDoc> extends CollectionSpec {
  readonly [documentType]?: T
}

/** Declares a collection whose documents are `T`: `orders: defineCollection<OrderDoc>({ name, indexes })`. */
export function defineCollection<T extends StoredDoc>(
  spec: CollectionSpec,
): DocumentCollectionSpec<T> {
  return spec
}
