/**
 * The engine's indexes: unique indexes (a duplicate key refuses the write, as CloudBase's
 * DATABASE_DUPLICATE_WRITE), equality keys, and range indexes that answer a range or a sorted page
 * without scanning the collection. Index specs CloudBase cannot create are refused at start.
 */
import type { CollectionSpec, IndexSpec } from '../../../shared/collections'
import { isPlainObject, toLogJSON, type Doc } from './ejson'
import { idKey } from './doc-ids'

/** A stored document and its version (the engine's history of changes). */
export interface Entry {
  doc: Doc
  ver: number
}

type Scalar = string | number | boolean | null

/** Marker for values an equality index cannot key (objects, regexps): always a candidate. */
export const ANY = '*'

export function keyOf(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  switch (typeof value) {
    case 'string':
      return `s${value}`
    case 'number':
      return `n${value}`
    case 'boolean':
      return `b${value}`
    default:
      if (value instanceof Date) return `d${value.getTime()}`
      return ANY
  }
}

export function getPath(doc: unknown, fieldPath: string): unknown {
  let current: unknown = doc
  for (const part of fieldPath.split('.')) {
    if (Array.isArray(current)) return ANY_PATH
    if (!isPlainObject(current)) return undefined
    current = current[part]
  }
  return current
}

export const ANY_PATH = Symbol('array-in-path')

/** Keys a document is filed under in a single-field equality index (multikey for arrays). */
export function indexKeys(doc: Doc, field: string): string[] {
  const value = getPath(doc, field)
  if (value === ANY_PATH) return [ANY]
  if (Array.isArray(value))
    return value.length === 0 ? ['null', ANY] : [...new Set(value.map(keyOf)), ANY]
  return [keyOf(value)]
}

export class UniqueIndex {
  readonly owners = new Map<string, string>()
  constructor(readonly spec: IndexSpec) {}

  key(doc: Doc): string | null {
    const parts: string[] = []
    for (const field of this.spec.fields) {
      const value = getPath(doc, field)
      parts.push(
        value === ANY_PATH
          ? JSON.stringify(toLogJSON({ v: getPath(doc, field) }))
          : keyOf(value) === ANY
            ? `j${JSON.stringify(toLogJSON({ v: value }))}`
            : keyOf(value),
      )
    }
    return parts.join('\u0001')
  }
}

/** Numbers and dates order; anything else is not in a range index. */
export function rangeValue(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (value instanceof Date) return value.getTime()
  return null
}

interface RangeEntry {
  v: number
  id: string
}

const byValue = (a: RangeEntry, b: RangeEntry) =>
  a.v - b.v || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * An ordered index on one field, for range conditions ($gt/$gte/$lt/$lte on numbers or dates),
 * as the real database's B-tree indexes serve them. A sorted array plus an unsorted tail of
 * recent writes; the tail is merged in once it passes a quarter of the sorted part (so inserts
 * stay amortised O(log n) and a query scans at most that tail linearly). Entries may be stale
 * (the document changed or went since): they are only candidates, every candidate is re-checked
 * by the query matcher, and merges drop stale entries.
 */
export class RangeIndex {
  private sorted: RangeEntry[] = []
  private tail: RangeEntry[] = []
  /** Documents where the path crosses or ends in an array (multikey): always candidates. */
  private arrays = new Set<string>()
  /** Documents with no number or date there (missing, null, a string…): the index cannot order them. */
  private unorderable = new Set<string>()

  constructor(readonly field: string) {}

  add(doc: Doc, docs: Map<string, Entry>): void {
    const raw = getPath(doc, this.field)
    const id = idKey(doc._id)
    if (raw === ANY_PATH || Array.isArray(raw)) {
      this.arrays.add(id)
      return
    }
    const v = rangeValue(raw)
    if (v === null) {
      this.unorderable.add(id)
      return
    }
    this.tail.push({ v, id })
    if (this.tail.length > Math.max(4096, this.sorted.length / 4)) this.merge(docs)
  }

  private merge(docs: Map<string, Entry>): void {
    const current = (e: RangeEntry) => {
      const entry = docs.get(e.id)
      return entry !== undefined && rangeValue(getPath(entry.doc, this.field)) === e.v
    }
    const all = this.sorted.concat(this.tail).filter(current).sort(byValue)
    this.sorted = all.filter((e, i) => i === 0 || e.id !== all[i - 1]!.id || e.v !== all[i - 1]!.v)
    this.tail = []
    for (const id of this.arrays) {
      const entry = docs.get(id)
      const raw = entry ? getPath(entry.doc, this.field) : undefined
      if (!entry || (raw !== ANY_PATH && !Array.isArray(raw))) this.arrays.delete(id)
    }
    for (const id of this.unorderable) {
      const entry = docs.get(id)
      const raw = entry ? getPath(entry.doc, this.field) : undefined
      if (!entry || raw === ANY_PATH || Array.isArray(raw) || rangeValue(raw) !== null)
        this.unorderable.delete(id)
    }
  }

  /**
   * Every entry by value (then id), ascending or descending: the sorted part merged with a sorted
   * copy of the tail. May repeat an id or hold stale entries; the reader checks each document.
   */
  *inOrder(direction: 1 | -1): Generator<RangeEntry> {
    const a = this.sorted
    const t = [...this.tail].sort(byValue)
    if (direction === 1) {
      let i = 0
      let j = 0
      while (i < a.length || j < t.length)
        yield j >= t.length || (i < a.length && byValue(a[i]!, t[j]!) <= 0) ? a[i++]! : t[j++]!
    } else {
      let i = a.length - 1
      let j = t.length - 1
      while (i >= 0 || j >= 0)
        yield j < 0 || (i >= 0 && byValue(a[i]!, t[j]!) >= 0) ? a[i--]! : t[j--]!
    }
  }

  /** Documents the order above leaves out (arrays, and values that are no number or date); may be stale. */
  *unordered(): Generator<string> {
    yield* this.arrays
    yield* this.unorderable
  }

  /** Ids whose value may lie in the range; null bounds are open. */
  ids(
    lo: number | null,
    loInclusive: boolean,
    hi: number | null,
    hiInclusive: boolean,
  ): Set<string> {
    const inRange = (v: number) =>
      (lo === null || v > lo || (loInclusive && v === lo)) &&
      (hi === null || v < hi || (hiInclusive && v === hi))
    let start = 0
    if (lo !== null) {
      let high = this.sorted.length
      while (start < high) {
        const mid = (start + high) >> 1
        if (this.sorted[mid]!.v < lo) start = mid + 1
        else high = mid
      }
    }
    const out = new Set<string>()
    for (let i = start; i < this.sorted.length; i++) {
      const e = this.sorted[i]!
      if (hi !== null && (e.v > hi || (!hiInclusive && e.v === hi))) break
      if (inRange(e.v)) out.add(e.id)
    }
    for (const e of this.tail) if (inRange(e.v)) out.add(e.id)
    for (const id of this.arrays) out.add(id)
    return out
  }
}

/** `{ $gte: x, $lt: y }` on numbers or dates → bounds; anything else → null. */
export function rangeBounds(
  condition: unknown,
): { lo: number | null; loInclusive: boolean; hi: number | null; hiInclusive: boolean } | null {
  if (!isPlainObject(condition)) return null
  const keys = Object.keys(condition)
  if (
    keys.length === 0 ||
    !keys.every((k) => k === '$gt' || k === '$gte' || k === '$lt' || k === '$lte')
  )
    return null
  const bounds = {
    lo: null as number | null,
    loInclusive: false,
    hi: null as number | null,
    hiInclusive: false,
  }
  for (const key of keys) {
    const v = rangeValue(condition[key])
    if (v === null) return null
    if (key === '$gt' || key === '$gte') {
      bounds.lo = v
      bounds.loInclusive = key === '$gte'
    } else {
      bounds.hi = v
      bounds.hiInclusive = key === '$lte'
    }
  }
  return bounds
}

/**
 * A field's range conditions, also from a top-level `$and` (the SDK sends `_.gte(a).and(_.lt(b))`
 * as `{$and: [{f: {$gte: a}}, {f: {$lt: b}}]}`). Every part must hold, so any of them, or all of
 * them merged, bound the candidates.
 */
export function fieldRange(query: Record<string, unknown>, field: string): unknown {
  const parts = [
    query[field],
    ...(Array.isArray(query.$and)
      ? query.$and.map((q) => (isPlainObject(q) ? q[field] : undefined))
      : []),
  ]
  const conditions = parts.filter(
    (c): c is Record<string, unknown> => isPlainObject(c) && rangeBounds(c) !== null,
  )
  return conditions.length ? Object.assign({}, ...conditions) : query[field]
}

/**
 * Every declared index must be one the CloudBase console can create as declared: it offers no
 * `sparse` option (only the management API does), so the gateway refuses one at start rather
 * than enforce a uniqueness production would not have (shared/platform/claims is the way).
 */
export function refuseUndeployableIndexes(spec: CollectionSpec): void {
  for (const index of spec.indexes)
    if ('sparse' in index)
      throw new Error(
        `${spec.name}.${index.name} declares sparse, which the CloudBase console cannot create; keep a value unique where present with a claim document (shared/platform/claims)`,
      )
}

/** The scalar values an equality-style condition can match, or null if it is not one. */
export function equalityValues(condition: unknown): Scalar[] | Date[] | null {
  const isKeyable = (v: unknown) =>
    v === null || ['string', 'number', 'boolean'].includes(typeof v) || v instanceof Date
  if (condition === undefined) return null
  if (isKeyable(condition)) return [condition as Scalar]
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition)
    if (keys.length === 1 && keys[0] === '$eq' && isKeyable(condition.$eq))
      return [condition.$eq as Scalar]
    if (
      keys.length === 1 &&
      keys[0] === '$in' &&
      Array.isArray(condition.$in) &&
      condition.$in.every(isKeyable)
    ) {
      return condition.$in as Scalar[]
    }
  }
  return null
}
