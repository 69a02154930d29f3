/**
 * One collection of the engine: its documents with their versions (older versions kept while a
 * transaction's snapshot may read them), its indexes, and finds that use them.
 */
import type { IndexSpec } from '../../../shared/collections'
import { Query } from './operators'
import { isObjectId, type Doc } from './ejson'
import { idKey } from './doc-ids'
import {
  ANY,
  ANY_PATH,
  RangeIndex,
  UniqueIndex,
  equalityValues,
  fieldRange,
  getPath,
  indexKeys,
  keyOf,
  rangeBounds,
  rangeValue,
  type Entry,
} from './indexes'

/** A document's state that snapshots in [from, to) see; `doc` undefined = it did not exist. */
interface Version {
  doc: Doc | undefined
  from: number
  to: number
}

export class Collection {
  readonly docs = new Map<string, Entry>()
  /** Older versions (ascending), kept only while an open transaction's snapshot may need them. */
  readonly history = new Map<string, Version[]>()
  readonly unique: UniqueIndex[]
  /** field → key → ids; the first field of every declared index, for equality lookups. */
  readonly fieldIndexes = new Map<string, Map<string, Set<string>>>()
  /** The same fields, ordered, for range conditions. */
  readonly rangeIndexes = new Map<string, RangeIndex>()

  constructor(
    readonly name: string,
    indexes: readonly IndexSpec[],
  ) {
    this.unique = indexes.filter((i) => i.unique).map((i) => new UniqueIndex(i))
    for (const index of indexes) {
      const field = index.fields[0]
      if (field && field !== '_id') {
        this.fieldIndexes.set(field, new Map())
        this.rangeIndexes.set(field, new RangeIndex(field))
      }
    }
  }

  indexDoc(doc: Doc, add: boolean): void {
    const id = idKey(doc._id)
    for (const [field, buckets] of this.fieldIndexes) {
      for (const key of indexKeys(doc, field)) {
        let bucket = buckets.get(key)
        if (add) {
          if (!bucket) buckets.set(key, (bucket = new Set()))
          bucket.add(id)
        } else if (bucket) {
          bucket.delete(id)
          if (bucket.size === 0) buckets.delete(key)
        }
      }
    }
    if (add) for (const range of this.rangeIndexes.values()) range.add(doc, this.docs)
    for (const unique of this.unique) {
      const key = unique.key(doc)
      if (key === null) continue
      if (add) unique.owners.set(key, id)
      else if (unique.owners.get(key) === id) unique.owners.delete(key)
    }
  }

  /**
   * How many documents the `_id` or indexed-equality lookup of `candidates` would give, without
   * reading them (null when the query has neither), so a caller can choose a cheaper plan first.
   */
  equalityCandidateCount(query: Record<string, unknown>): number | null {
    const idValues = equalityValues(query._id)
    if (idValues) return idValues.length
    for (const [field, buckets] of this.fieldIndexes) {
      const values = equalityValues(query[field])
      if (!values) continue
      let total = buckets.get(ANY)?.size ?? 0
      for (const key of new Set(values.map(keyOf))) total += buckets.get(key)?.size ?? 0
      return total
    }
    return null
  }

  /**
   * The exact count of a query that is one indexed equality and nothing else, from the buckets'
   * sizes (as an index-only count): only documents with arrays on the path are read and matched.
   * A document with an array sits in its elements' buckets and in ANY: counted once, by the matcher.
   */
  equalityOnlyCount(query: Record<string, unknown>, matcher: Query): number | null {
    const keys = Object.keys(query)
    if (keys.length !== 1) return null
    const buckets = this.fieldIndexes.get(keys[0]!)
    const values = buckets ? equalityValues(query[keys[0]!]) : null
    if (!buckets || !values) return null
    const valueKeys = [...new Set(values.map(keyOf))]
    let total = 0
    for (const key of valueKeys) total += buckets.get(key)?.size ?? 0
    for (const id of buckets.get(ANY) ?? []) {
      for (const key of valueKeys) if (buckets.get(key)?.has(id)) total--
      const entry = this.docs.get(id)
      if (entry && matcher.test(entry.doc)) total++
    }
    return total
  }

  /** Candidate documents for a query: narrowed by _id or an indexed equality when possible. */
  candidates(query: Record<string, unknown>): Iterable<Entry> {
    const idCondition = query._id
    if (isObjectId(idCondition)) {
      const entry = this.docs.get(idKey(idCondition))
      return entry ? [entry] : []
    }
    const idValues = equalityValues(idCondition)
    if (idValues) {
      const out: Entry[] = []
      for (const id of idValues) {
        const entry =
          typeof id === 'string' || typeof id === 'number' ? this.docs.get(idKey(id)) : undefined
        if (entry) out.push(entry)
      }
      return out
    }
    for (const [field, buckets] of this.fieldIndexes) {
      const values = equalityValues(query[field])
      if (!values) continue
      const ids = new Set<string>()
      for (const value of values) for (const id of buckets.get(keyOf(value)) ?? []) ids.add(id)
      for (const id of buckets.get(ANY) ?? []) ids.add(id)
      const out: Entry[] = []
      for (const id of ids) {
        const entry = this.docs.get(id)
        if (entry) out.push(entry)
      }
      return out
    }
    for (const [field, range] of this.rangeIndexes) {
      const bounds = rangeBounds(fieldRange(query, field))
      if (!bounds) continue
      const out: Entry[] = []
      for (const id of range.ids(bounds.lo, bounds.loInclusive, bounds.hi, bounds.hiInclusive)) {
        const entry = this.docs.get(id)
        if (entry) out.push(entry)
      }
      return out
    }
    return this.docs.values()
  }
}

/** Past this many documents (skip + limit) a page is sorted from all matches, as before. */
const INDEX_ORDER_MAX_ROWS = 10_000

/**
 * `orderBy(field).skip(s).limit(l)` on a field with an ordered index: walks the index from the
 * wanted end and stops once `s + l` matches are found, as a B-tree serves such a page, instead of
 * matching and sorting every candidate (HQ's newest-first lists over a million orders). When an
 * `_id` or equality lookup would already narrow the query to `narrowedTo` candidates, the walk
 * is taken only if it should test fewer documents than sorting those would: about
 * `(s + l) × size / narrowedTo` steps against `narrowedTo × log` comparisons.
 * Returns a superset of the page for the caller's usual sort, skip and limit; null when this does
 * not apply.
 *
 * Exactness: the walk yields the smallest (or largest) ordered values first; it continues through
 * every tie of the last value taken, so a page boundary never depends on the walk's tie order;
 * documents the index cannot order (no number or date in the field, or arrays) are all matched and
 * left to the caller's sort, which places them where the database would.
 */
export function pageByIndexOrder(
  coll: Collection,
  query: Record<string, unknown>,
  matcher: Query,
  options: FindOptions,
): Doc[] | null {
  const keys = options.sort ? Object.keys(options.sort) : []
  if (keys.length !== 1 || options.limit === undefined) return null
  const wanted = (options.skip ?? 0) + options.limit
  if (wanted > INDEX_ORDER_MAX_ROWS) return null
  const field = keys[0]!
  const range = coll.rangeIndexes.get(field)
  if (!range) return null
  // Asked only now: every other read (an _id get, an unsorted where) skips this planning.
  const narrowedTo = coll.equalityCandidateCount(query)
  if (narrowedTo !== null && narrowedTo * narrowedTo < 4 * wanted * coll.docs.size) return null
  const direction = options.sort![field] === -1 ? -1 : 1
  const bounds = rangeBounds(fieldRange(query, field))
  const beforeStart = (v: number) =>
    bounds !== null &&
    (direction === 1
      ? bounds.lo !== null && (v < bounds.lo || (!bounds.loInclusive && v === bounds.lo))
      : bounds.hi !== null && (v > bounds.hi || (!bounds.hiInclusive && v === bounds.hi)))
  const pastEnd = (v: number) =>
    bounds !== null &&
    (direction === 1
      ? bounds.hi !== null && (v > bounds.hi || (!bounds.hiInclusive && v === bounds.hi))
      : bounds.lo !== null && (v < bounds.lo || (!bounds.loInclusive && v === bounds.lo)))
  const picked: Doc[] = []
  const seen = new Set<string>()
  let lastValue: number | undefined
  for (const e of range.inOrder(direction)) {
    if (lastValue !== undefined && e.v !== lastValue) break
    if (beforeStart(e.v)) continue
    if (pastEnd(e.v)) break
    if (seen.has(e.id)) continue
    const entry = coll.docs.get(e.id)
    // Stale: the document went, or its value moved (its current value has its own entry).
    if (!entry || rangeValue(getPath(entry.doc, field)) !== e.v) continue
    seen.add(e.id)
    if (!matcher.test(entry.doc)) continue
    picked.push(entry.doc)
    if (picked.length === wanted) lastValue = e.v
  }
  for (const id of range.unordered()) {
    if (seen.has(id)) continue
    seen.add(id)
    const entry = coll.docs.get(id)
    if (!entry) continue
    const raw = getPath(entry.doc, field)
    // Now ordered (stale here): the walk above saw it, or it lies beyond the page.
    if (raw !== ANY_PATH && !Array.isArray(raw) && rangeValue(raw) !== null) continue
    if (matcher.test(entry.doc)) picked.push(entry.doc)
  }
  return picked
}

export interface FindOptions {
  sort?: Record<string, 1 | -1>
  skip?: number
  limit?: number
  projection?: Record<string, unknown>
}
