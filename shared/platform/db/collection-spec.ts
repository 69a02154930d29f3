/** How a collection and its indexes are declared (each domain declares its own in `collections.ts`). */
export interface IndexSpec {
  /** Index name as it appears in the CloudBase console. */
  name: string
  /** Field paths, in order; ascending. */
  fields: readonly string[]
  /**
   * A unique index treats a missing field as null, so only one document may lack it. There is no
   * `sparse` option on purpose: the CloudBase console cannot create one, so every index here must
   * be creatable as declared. A value unique only where present is kept unique by a claim
   * document whose `_id` is the value (platform/claims); the gateway refuses a sparse index.
   */
  unique?: boolean
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
