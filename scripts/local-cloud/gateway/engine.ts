/**
 * The document database behind the gateway: collections in memory, every change made durable
 * through the write-ahead log before it is acknowledged, MongoDB query/update/aggregation
 * semantics from mingo, unique indexes, and CloudBase-style transactions.
 *
 * Concurrency model: Node runs each request's engine work synchronously, so every single
 * operation (including a multi-document `where().update()` and a transaction commit) is applied
 * atomically with respect to all others. Transactions behave as CloudBase's (MongoDB's) do:
 * - reads come from a snapshot taken at the transaction's first operation, as MongoDB takes it
 *   (startTransaction only opens it; documents changed since the snapshot keep
 *   their older versions in a per-document history while a transaction may still need them);
 * - a write takes the document's lock: a document another open transaction has written, or one
 *   changed since this transaction's snapshot, fails the write at once with
 *   DATABASE_TRANSACTION_CONFLICT and aborts the transaction (the SDK's runTransaction retries);
 * - a plain (non-transaction) write to a document an open transaction holds waits until it ends;
 * - nothing validates the documents a transaction only read (write skew is possible, as in
 *   production);
 * - a transaction must commit or abort within 30 seconds of its start.
 */
import { randomBytes } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { update as applyUpdate } from 'mingo'
import * as updateOperators from 'mingo/operators/update'
import type { CollectionSpec, IndexSpec } from '../../../shared/collections'
import { Aggregator, Query } from './operators'
import {
  cloneValue,
  fromLogJSON,
  isObjectId,
  isPlainObject,
  toLogJSON,
  type Doc,
  type DocId,
} from './ejson'
import type { DurableLog, LogOp, RecoveredState } from './durable-log'

export class DbError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export const ERR = {
  collectionNotExist: (c: string) =>
    new DbError('DATABASE_COLLECTION_NOT_EXIST', `collection ${c} does not exist`),
  collectionExists: (c: string) =>
    new DbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${c} already exists`),
  duplicate: (c: string, index: string) =>
    new DbError('DATABASE_DUPLICATE_WRITE', `duplicate key in ${c}, unique index ${index}`),
  conflict: () => new DbError('DATABASE_TRANSACTION_CONFLICT', 'database transaction conflict'),
  /** CloudBase's answer for a transaction that ended (committed, aborted, or past 30 s). */
  txNotFound: () =>
    new DbError(
      'DATABASE_TRANSACTION_FAIL',
      '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.',
    ),
  invalid: (message: string) => new DbError('INVALID_PARAM', message),
}

interface Entry {
  doc: Doc
  ver: number
}

/** Whether a value may be an `_id`: a string, a finite number or an ObjectId. */
export function isDocId(value: unknown): value is DocId {
  return (
    (typeof value === 'string' && value !== '') ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    isObjectId(value)
  )
}

/** The key a document is stored and indexed under: its `_id`, with the type kept apart. */
export function idKey(id: unknown): string {
  if (typeof id === 'string') return id
  if (typeof id === 'number') return `\u0001n${id}`
  if (isObjectId(id)) return `\u0001o${id.toHexString()}`
  throw ERR.invalid('_id must be a string, a number or an ObjectId')
}

type Scalar = string | number | boolean | null
/** Marker for values an equality index cannot key (objects, regexps): always a candidate. */
const ANY = '*'

function keyOf(value: unknown): string {
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

function getPath(doc: unknown, fieldPath: string): unknown {
  let current: unknown = doc
  for (const part of fieldPath.split('.')) {
    if (Array.isArray(current)) return ANY_PATH
    if (!isPlainObject(current)) return undefined
    current = current[part]
  }
  return current
}
const ANY_PATH = Symbol('array-in-path')

/** Keys a document is filed under in a single-field equality index (multikey for arrays). */
function indexKeys(doc: Doc, field: string): string[] {
  const value = getPath(doc, field)
  if (value === ANY_PATH) return [ANY]
  if (Array.isArray(value))
    return value.length === 0 ? ['null', ANY] : [...new Set(value.map(keyOf)), ANY]
  return [keyOf(value)]
}

class UniqueIndex {
  readonly owners = new Map<string, string>()
  constructor(readonly spec: IndexSpec) {}

  key(doc: Doc): string | null {
    const parts: string[] = []
    for (const field of this.spec.fields) {
      const value = getPath(doc, field)
      if (value === undefined && this.spec.sparse) return null
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
function rangeValue(value: unknown): number | null {
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
class RangeIndex {
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
function rangeBounds(
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
function fieldRange(query: Record<string, unknown>, field: string): unknown {
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

/** A document's state that snapshots in [from, to) see; `doc` undefined = it did not exist. */
interface Version {
  doc: Doc | undefined
  from: number
  to: number
}

class Collection {
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
function pageByIndexOrder(
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

/** The scalar values an equality-style condition can match, or null if it is not one. */
function equalityValues(condition: unknown): Scalar[] | Date[] | null {
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

/** MongoDB refuses stored field names that start with `$` (they would read as operators). */
function checkFieldNames(value: unknown): void {
  if (Array.isArray(value)) for (const item of value) checkFieldNames(item)
  else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$'))
        throw ERR.invalid(`field name ${key} is not valid for storage: it must not start with $`)
      checkFieldNames(item)
    }
  }
}

function hasOperators(data: Record<string, unknown>): boolean {
  return Object.keys(data).some((k) => k.startsWith('$'))
}

type UpdateOperator = (expr: unknown) => (doc: Record<string, unknown>) => unknown
const UPDATE_OPERATORS = updateOperators as unknown as Record<string, UpdateOperator>

/**
 * Applies MongoDB update operators to `doc` in place. Plain paths go straight to mingo's
 * operators (mingo's `update()` rebuilds its whole operator context on every call, a quarter of
 * the gateway's time under load); positional paths (`a.$.b`, `a.$[]`) take the full updater.
 */
function applyOperators(doc: Doc, data: Record<string, unknown>): void {
  const positional = Object.values(data).some(
    (expr) => isPlainObject(expr) && Object.keys(expr).some((k) => k.includes('$')),
  )
  if (positional) {
    applyUpdate(doc, data as never, undefined, undefined, { cloneMode: 'deep' })
    return
  }
  for (const [op, expr] of Object.entries(data)) {
    const operator = UPDATE_OPERATORS[op]
    if (!operator) throw new Error(`unknown update operator ${op}`)
    operator(expr)(doc)
  }
}

/** Aggregation stages that build new documents and never modify their input. */
const READ_ONLY_STAGES = new Set([
  '$match',
  '$group',
  '$sort',
  '$limit',
  '$skip',
  '$count',
  '$project',
  '$sortByCount',
  '$bucket',
  '$bucketAuto',
])

export function newId(): string {
  // Time-ordered like CloudBase's ids: 8 hex chars of seconds, then 24 random hex chars.
  return (
    Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, '0') + randomBytes(12).toString('hex')
  )
}

export interface FindOptions {
  sort?: Record<string, 1 | -1>
  skip?: number
  limit?: number
  projection?: Record<string, unknown>
}

interface Change {
  coll: Collection
  id: string
  before: Entry | undefined
  after: Doc | null
}

interface TxWrite {
  coll: string
  id: string
  /** the transaction's version of the document (undefined = removed / missing) */
  doc: Doc | undefined
}

interface Transaction {
  id: string
  /** the engine version its reads see; -1 until its first operation takes the snapshot */
  snap: number
  started: number
  /** its own writes, by lock key; each holds that document's lock */
  writes: Map<string, TxWrite>
}

interface Lock {
  txId: string
  released: Promise<void>
  release: () => void
}

export interface ModifyArgs {
  query: Record<string, unknown>
  data: Record<string, unknown>
  multi: boolean
  merge: boolean
  upsert: boolean
}

/** CloudBase: "transaction must be commit or abort in 30 seconds". */
export const TRANSACTION_MAX_MS = 30_000

const lockKey = (collName: string, id: string) => `${collName}\u0000${id}`

export class Engine {
  private readonly collections = new Map<string, Collection>()
  private readonly specs = new Map<string, CollectionSpec>()
  private readonly transactions = new Map<string, Transaction>()
  private version = 0
  private readonly sweeper: NodeJS.Timeout
  /** Documents open transactions have written: plain writes to them wait, other transactions' conflict. */
  private readonly locks = new Map<string, Lock>()
  /** Every history version, in the order their `to` grew, for dropping them once unneeded. */
  private historyQueue: { coll: Collection; id: string; to: number }[] = []
  private historyHead = 0

  constructor(
    private readonly log: DurableLog,
    specs: readonly CollectionSpec[],
    state: RecoveredState,
    private readonly now: () => number = Date.now,
  ) {
    for (const spec of specs) this.specs.set(spec.name, spec)
    for (const name of state.collections) this.ensureCollectionObject(name)
    for (const { c, d } of state.docs) this.loadDoc(c, d)
    for (const record of state.records) {
      for (const op of record.ops) {
        if (op.create) this.ensureCollectionObject(op.c)
        else if (op.id !== undefined) {
          const coll = this.ensureCollectionObject(op.c)
          const before = coll.docs.get(op.id)
          if (before) {
            coll.indexDoc(before.doc, false)
            coll.docs.delete(op.id)
          }
          if (op.d !== undefined) this.loadDoc(op.c, op.d)
        }
      }
    }
    this.sweeper = setInterval(() => this.sweepTransactions(), 1_000)
    this.sweeper.unref()
  }

  private loadDoc(c: string, d: unknown): void {
    const coll = this.ensureCollectionObject(c)
    const doc = fromLogJSON(d) as Doc
    coll.docs.set(idKey(doc._id), { doc, ver: ++this.version })
    coll.indexDoc(doc, true)
  }

  private ensureCollectionObject(name: string): Collection {
    let coll = this.collections.get(name)
    if (!coll) {
      coll = new Collection(name, this.specs.get(name)?.indexes ?? [])
      this.collections.set(name, coll)
    }
    return coll
  }

  /** Creates the declared collections that do not exist yet (at gateway start). */
  async ensureCollections(specs: readonly CollectionSpec[]): Promise<void> {
    const missing = specs.filter((s) => !this.collections.has(s.name))
    if (missing.length === 0) return
    for (const spec of missing) this.ensureCollectionObject(spec.name)
    await this.log.append(missing.map((s) => ({ c: s.name, create: true as const })))
  }

  async createCollection(name: string): Promise<void> {
    if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name))
      throw ERR.invalid(`invalid collection name ${name}`)
    if (this.collections.has(name)) throw ERR.collectionExists(name)
    this.ensureCollectionObject(name)
    await this.log.append([{ c: name, create: true }])
  }

  /** For durability checks by readers: resolves when all applied changes are on disk. */
  settle(): Promise<void> {
    return this.log.waitDurable()
  }

  private coll(name: string): Collection {
    const coll = this.collections.get(name)
    if (!coll) throw ERR.collectionNotExist(name)
    return coll
  }

  // ---------------------------------------------------------------- reads

  find(collName: string, query: Record<string, unknown>, options: FindOptions = {}): Doc[] {
    const coll = this.coll(collName)
    const matcher = new Query(query)
    let matched = pageByIndexOrder(coll, query, matcher, options)
    if (!matched) {
      matched = []
      for (const entry of coll.candidates(query))
        if (matcher.test(entry.doc)) matched.push(entry.doc)
    }
    let cursor = new Query({}).find<Doc>(matched, options.projection as never)
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort)
    if (options.skip) cursor = cursor.skip(options.skip)
    if (options.limit !== undefined) cursor = cursor.limit(options.limit)
    return cursor.all().map((doc) => cloneValue(doc))
  }

  count(collName: string, query: Record<string, unknown>): number {
    const coll = this.coll(collName)
    if (Object.keys(query).length === 0) return coll.docs.size
    const matcher = new Query(query)
    const byIndex = coll.equalityOnlyCount(query, matcher)
    if (byIndex !== null) return byIndex
    let total = 0
    for (const entry of coll.candidates(query)) if (matcher.test(entry.doc)) total++
    return total
  }

  aggregate(collName: string, pipeline: Record<string, unknown>[]): unknown[] {
    const coll = this.coll(collName)
    // Leading $match stages use the indexes, as they would on the real database.
    let source: Iterable<Entry> = coll.docs.values()
    let rest = pipeline
    const first = pipeline[0]
    if (first && isPlainObject(first.$match)) {
      const query = first.$match
      const matcher = new Query(query)
      const narrowed: Entry[] = []
      for (const entry of coll.candidates(query)) if (matcher.test(entry.doc)) narrowed.push(entry)
      source = narrowed
      rest = pipeline.slice(1)
    }
    // Some stages ($addFields, $lookup, …) write into the documents they get; those pipelines get
    // copies so stored documents never change. Read-only pipelines (the dashboards') skip the copy.
    const readOnly = rest.every((stage) =>
      Object.keys(stage).every((op) => READ_ONLY_STAGES.has(op)),
    )
    const docs = Array.from(source, (entry) => (readOnly ? entry.doc : cloneValue(entry.doc)))
    const aggregator = new Aggregator(
      rest as never,
      {
        collectionResolver: (name: string) =>
          Array.from(this.coll(name).docs.values(), (e) => cloneValue(e.doc)),
      } as never,
    )
    return aggregator.run(docs)
  }

  // ---------------------------------------------------------------- writes (outside transactions)

  // A plain write to a document an open transaction has written waits until that transaction
  // ends, then runs on the state it left (as MongoDB's non-transaction writes wait for the lock).
  // Each attempt is synchronous from matching to commit, so it stays atomic.

  async insert(collName: string, docs: Record<string, unknown>[]): Promise<DocId[]> {
    for (;;) {
      const coll = this.coll(collName)
      const changes: Change[] = []
      const ids: DocId[] = []
      const keys: string[] = []
      for (const raw of docs) {
        if (!isPlainObject(raw)) throw ERR.invalid('document must be an object')
        checkFieldNames(raw)
        const id = raw._id === undefined ? newId() : raw._id
        if (!isDocId(id)) throw ERR.invalid('_id must be a string, a number or an ObjectId')
        const key = idKey(id)
        if (coll.docs.has(key) || keys.includes(key)) throw ERR.duplicate(collName, '_id')
        const doc = { ...cloneValue(raw), _id: id } as Doc
        changes.push({ coll, id: key, before: undefined, after: doc })
        ids.push(id)
        keys.push(key)
      }
      const lock = this.heldLock(collName, keys)
      if (lock) {
        await lock.released
        continue
      }
      await this.commit(changes)
      return ids
    }
  }

  async modify(collName: string, args: ModifyArgs): Promise<{ updated: number; upsertId?: DocId }> {
    for (;;) {
      const coll = this.coll(collName)
      const matcher = new Query(args.query)
      const changes: Change[] = []
      const matchedIds: string[] = []
      for (const entry of coll.candidates(args.query)) {
        if (!matcher.test(entry.doc)) continue
        const key = idKey(entry.doc._id)
        matchedIds.push(key)
        const after = this.applyData(entry.doc, args.data, args.merge)
        if (!isDeepStrictEqual(after, entry.doc))
          changes.push({ coll, id: key, before: entry, after })
        if (!args.multi) break
      }
      const idFromQuery = args.query._id
      const upsertId =
        matchedIds.length === 0 && args.upsert
          ? isDocId(idFromQuery)
            ? idFromQuery
            : newId()
          : undefined
      const lock = this.heldLock(collName, upsertId !== undefined ? [idKey(upsertId)] : matchedIds)
      if (lock) {
        await lock.released
        continue
      }
      if (upsertId !== undefined) {
        const after = this.applyData({ _id: upsertId } as Doc, args.data, args.merge)
        await this.commit([{ coll, id: idKey(upsertId), before: undefined, after }])
        return { updated: 0, upsertId }
      }
      await this.commit(changes)
      // A replacement (set) counts every matched document as updated, changed or not.
      return { updated: args.merge ? changes.length : matchedIds.length }
    }
  }

  /** `updateAndReturn`: the first match after the update; a match counts as updated even if unchanged. */
  async modifyAndReturn(
    collName: string,
    query: Record<string, unknown>,
    data: Record<string, unknown>,
  ): Promise<{ updated: number; doc: Doc | null }> {
    for (;;) {
      const coll = this.coll(collName)
      const matcher = new Query(query)
      let found: Entry | undefined
      for (const entry of coll.candidates(query)) {
        if (!matcher.test(entry.doc)) continue
        found = entry
        break
      }
      if (!found) return { updated: 0, doc: null }
      const key = idKey(found.doc._id)
      const lock = this.heldLock(collName, [key])
      if (lock) {
        await lock.released
        continue
      }
      const after = this.applyData(found.doc, data, true)
      if (!isDeepStrictEqual(after, found.doc))
        await this.commit([{ coll, id: key, before: found, after }])
      else await this.log.waitDurable()
      return { updated: 1, doc: cloneValue(after) }
    }
  }

  async remove(collName: string, query: Record<string, unknown>, multi: boolean): Promise<number> {
    for (;;) {
      const coll = this.coll(collName)
      const matcher = new Query(query)
      const changes: Change[] = []
      for (const entry of coll.candidates(query)) {
        if (!matcher.test(entry.doc)) continue
        changes.push({ coll, id: idKey(entry.doc._id), before: entry, after: null })
        if (!multi) break
      }
      const lock = this.heldLock(
        collName,
        changes.map((c) => c.id),
      )
      if (lock) {
        await lock.released
        continue
      }
      await this.commit(changes)
      return changes.length
    }
  }

  /** The document after `data`: an operator update, a merge of plain fields, or a replacement. */
  private applyData(current: Doc, data: Record<string, unknown>, merge: boolean): Doc {
    if (hasOperators(data)) {
      const next = cloneValue(current)
      try {
        applyOperators(next, data)
      } catch (err) {
        throw ERR.invalid(`invalid update: ${(err as Error).message}`)
      }
      next._id = current._id
      return next
    }
    if (merge) return { ...cloneValue(current), ...cloneValue(data), _id: current._id }
    return { ...cloneValue(data), _id: current._id }
  }

  /**
   * Applies a change set atomically: checks unique indexes against the state after the whole set,
   * then updates memory and appends one log record. The reply waits for that record's fsync.
   */
  private commit(changes: Change[]): Promise<void> {
    if (changes.length === 0) return this.log.waitDurable()
    this.checkUnique(changes)
    const ops: LogOp[] = []
    const keepHistory = this.transactions.size > 0
    for (const change of changes) {
      const { coll, id, after } = change
      const existing = coll.docs.get(id)
      const ver = ++this.version
      if (keepHistory) this.remember(coll, id, existing, ver)
      if (existing) coll.indexDoc(existing.doc, false)
      if (after) {
        coll.docs.set(id, { doc: after, ver })
        coll.indexDoc(after, true)
        ops.push({ c: coll.name, id, d: toLogJSON(after) })
      } else {
        coll.docs.delete(id)
        ops.push({ c: coll.name, id })
      }
    }
    const durable = this.log.append(ops)
    this.maybeCompact()
    return durable
  }

  private checkUnique(changes: Change[]): void {
    const byColl = new Map<Collection, Change[]>()
    for (const change of changes) {
      const list = byColl.get(change.coll) ?? []
      list.push(change)
      byColl.set(change.coll, list)
    }
    for (const [coll, list] of byColl) {
      if (coll.unique.length === 0) continue
      const changedIds = new Set(list.map((c) => c.id))
      for (const index of coll.unique) {
        const claimed = new Map<string, string>()
        for (const change of list) {
          if (!change.after) continue
          const key = index.key(change.after)
          if (key === null) continue
          const owner = index.owners.get(key)
          if (owner !== undefined && owner !== change.id && !changedIds.has(owner)) {
            throw ERR.duplicate(coll.name, index.spec.name)
          }
          if (owner !== undefined && owner !== change.id && changedIds.has(owner)) {
            // The owner is changing in this same set: conflict only if it keeps the key.
            const ownerChange = list.find((c) => c.id === owner)
            if (ownerChange?.after && index.key(ownerChange.after) === key)
              throw ERR.duplicate(coll.name, index.spec.name)
          }
          const other = claimed.get(key)
          if (other !== undefined && other !== change.id)
            throw ERR.duplicate(coll.name, index.spec.name)
          claimed.set(key, change.id)
        }
      }
    }
  }

  private maybeCompact(): void {
    if (!this.log.needsCompaction()) return
    // Waits for an idle moment of the log; retried on the next write otherwise.
    queueMicrotask(() => {
      void this.log.beginSnapshot(() => this.captureState())
    })
  }

  /** Synchronous copy of everything, for a snapshot. */
  captureState(): { collections: string[]; docs: { c: string; d: unknown }[] } {
    const docs: { c: string; d: unknown }[] = []
    for (const coll of this.collections.values()) {
      for (const entry of coll.docs.values()) docs.push({ c: coll.name, d: toLogJSON(entry.doc) })
    }
    return { collections: [...this.collections.keys()], docs }
  }

  // ---------------------------------------------------------------- snapshots

  /** Keeps the state a document had before version `to` for open transactions' snapshots. */
  private remember(coll: Collection, id: string, existing: Entry | undefined, to: number): void {
    let list = coll.history.get(id)
    if (!list) coll.history.set(id, (list = []))
    // A missing document's state began when it was last removed (or never existed).
    const from = existing ? existing.ver : (list[list.length - 1]?.to ?? 0)
    list.push({ doc: existing?.doc, from, to })
    this.historyQueue.push({ coll, id, to })
  }

  /** Drops history no open transaction can read (every version that ended at or before the oldest snapshot). */
  private dropHistory(): void {
    let oldest = Infinity
    for (const tx of this.transactions.values())
      if (tx.snap >= 0 && tx.snap < oldest) oldest = tx.snap
    const queue = this.historyQueue
    while (this.historyHead < queue.length && queue[this.historyHead]!.to <= oldest) {
      const { coll, id, to } = queue[this.historyHead++]!
      const list = coll.history.get(id)
      if (!list) continue
      while (list.length > 0 && list[0]!.to <= to) list.shift()
      if (list.length === 0) coll.history.delete(id)
    }
    if (this.historyHead === queue.length) {
      this.historyQueue = []
      this.historyHead = 0
    } else if (this.historyHead > 1024 && this.historyHead * 2 > queue.length) {
      this.historyQueue = queue.slice(this.historyHead)
      this.historyHead = 0
    }
  }

  /** The document as a snapshot at version `snap` sees it. */
  private atSnapshot(coll: Collection, id: string, snap: number): Doc | undefined {
    const current = coll.docs.get(id)
    if (current && current.ver <= snap) return current.doc
    const list = coll.history.get(id)
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) {
        const v = list[i]!
        if (v.from <= snap && snap < v.to) return v.doc
      }
    }
    return undefined
  }

  /** Whether the document changed (was written, created or removed) after version `snap`. */
  private changedSince(coll: Collection, id: string, snap: number): boolean {
    if ((coll.docs.get(id)?.ver ?? 0) > snap) return true
    const list = coll.history.get(id)
    return list !== undefined && list.length > 0 && list[list.length - 1]!.to > snap
  }

  // ---------------------------------------------------------------- transactions

  startTransaction(): string {
    const id = `tx-${newId()}`
    this.transactions.set(id, {
      id,
      snap: -1,
      started: this.now(),
      writes: new Map(),
    })
    return id
  }

  /** An open transaction; one past its 30 s ends here (rolled back), answering as CloudBase does. */
  private tx(id: string): Transaction {
    const tx = this.transactions.get(id)
    if (!tx) throw ERR.txNotFound()
    if (this.now() - tx.started > TRANSACTION_MAX_MS) {
      this.abort(id)
      throw ERR.txNotFound()
    }
    if (tx.snap < 0) tx.snap = this.version
    return tx
  }

  /** The transaction's view of one document (by key): its own write, else its snapshot. */
  private txView(tx: Transaction, collName: string, key: string): Doc | undefined {
    const own = tx.writes.get(lockKey(collName, key))
    if (own) return own.doc
    return this.atSnapshot(this.coll(collName), key, tx.snap)
  }

  txGet(txId: string, collName: string, id: DocId): Doc | undefined {
    const doc = this.txView(this.tx(txId), collName, idKey(id))
    return doc && cloneValue(doc)
  }

  /**
   * `where().get()` carrying a transaction id: the transaction's snapshot with its own writes.
   * Candidates: the indexes' (current state), every document changed since some open snapshot
   * (its history), and the transaction's own writes; each is read as the transaction sees it.
   */
  txFind(
    txId: string,
    collName: string,
    query: Record<string, unknown>,
    options: FindOptions = {},
  ): Doc[] {
    const tx = this.tx(txId)
    const coll = this.coll(collName)
    const matcher = new Query(query)
    const ids = new Set<string>()
    for (const entry of coll.candidates(query)) ids.add(idKey(entry.doc._id))
    for (const id of coll.history.keys()) ids.add(id)
    for (const w of tx.writes.values()) if (w.coll === collName) ids.add(w.id)
    const matched: Doc[] = []
    for (const id of ids) {
      const doc = this.txView(tx, collName, id)
      if (doc && matcher.test(doc)) matched.push(doc)
    }
    let cursor = new Query({}).find<Doc>(matched, options.projection as never)
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort)
    else cursor = cursor.sort({ _id: 1 })
    if (options.skip) cursor = cursor.skip(options.skip)
    if (options.limit !== undefined) cursor = cursor.limit(options.limit)
    return cursor.all().map((doc) => cloneValue(doc))
  }

  /**
   * A document-level write inside a transaction; `fn` gets the transaction's view. Fails at once
   * (and ends the transaction) when another open transaction holds the document or it changed
   * after this transaction's snapshot: CloudBase's write conflict.
   */
  txWrite(
    txId: string,
    collName: string,
    docId: DocId,
    fn: (current: Doc | undefined) => Doc | null,
  ): number {
    const tx = this.tx(txId)
    const coll = this.coll(collName)
    const id = idKey(docId)
    const key = lockKey(collName, id)
    let own = tx.writes.get(key)
    if (!own) {
      const lock = this.locks.get(key)
      if ((lock && lock.txId !== txId) || this.changedSince(coll, id, tx.snap)) {
        this.abort(txId)
        throw ERR.conflict()
      }
      own = { coll: collName, id, doc: this.atSnapshot(coll, id, tx.snap) }
      tx.writes.set(key, own)
      let release!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      this.locks.set(key, { txId, released, release })
    }
    const before = own.doc
    const next = fn(before) ?? undefined
    own.doc = next
    return isDeepStrictEqual(next, before) ? 0 : 1
  }

  txInsert(txId: string, collName: string, raw: Record<string, unknown>): DocId {
    checkFieldNames(raw)
    const id = raw._id === undefined ? newId() : raw._id
    if (!isDocId(id)) throw ERR.invalid('_id must be a string, a number or an ObjectId')
    const tx = this.tx(txId)
    if (this.txView(tx, collName, idKey(id))) throw ERR.duplicate(collName, '_id')
    this.txWrite(txId, collName, id, () => ({ ...cloneValue(raw), _id: id }) as Doc)
    return id
  }

  txModify(
    txId: string,
    collName: string,
    id: DocId,
    data: Record<string, unknown>,
    merge: boolean,
    upsert: boolean,
  ): { updated: number; upsertId?: DocId } {
    let upsertId: DocId | undefined
    let matched = false
    const updated = this.txWrite(txId, collName, id, (current) => {
      if (!current) {
        if (!upsert) return null
        upsertId = id
        return this.applyData({ _id: id } as Doc, data, merge)
      }
      matched = true
      return this.applyData(current, data, merge)
    })
    if (upsertId !== undefined) return { updated: 0, upsertId }
    // A replacement (set) of an existing document counts as updated even when nothing changed.
    return { updated: !merge && matched ? 1 : updated }
  }

  /** `updateAndReturn` carrying a transaction id joins it: the first match in its view. */
  txModifyAndReturn(
    txId: string,
    collName: string,
    query: Record<string, unknown>,
    data: Record<string, unknown>,
  ): { updated: number; doc: Doc | null } {
    const [found] = this.txFind(txId, collName, query, { limit: 1 })
    if (!found) return { updated: 0, doc: null }
    let after: Doc | undefined
    this.txWrite(txId, collName, found._id, (current) => {
      after = this.applyData(current ?? found, data, true)
      return after
    })
    return { updated: 1, doc: cloneValue(after!) }
  }

  async commitTransaction(txId: string): Promise<void> {
    const tx = this.tx(txId)
    const changes: Change[] = []
    for (const w of tx.writes.values()) {
      const coll = this.coll(w.coll)
      // Only the documents it wrote are checked (held by its locks, so only a plain write that
      // slipped past a lock could have changed them); what it only read is not validated.
      if (this.changedSince(coll, w.id, tx.snap)) {
        this.abort(txId)
        throw ERR.conflict()
      }
      const before = coll.docs.get(w.id)
      if (w.doc === undefined && before === undefined) continue
      if (w.doc !== undefined && before !== undefined && isDeepStrictEqual(w.doc, before.doc))
        continue
      changes.push({ coll, id: w.id, before, after: w.doc ?? null })
    }
    try {
      this.checkUnique(changes)
    } catch (err) {
      this.abort(txId)
      throw err
    }
    this.transactions.delete(txId)
    const durable = this.commit(changes)
    this.releaseLocks(tx)
    this.dropHistory()
    await durable
  }

  abort(txId: string): void {
    const tx = this.transactions.get(txId)
    if (!tx) return
    this.transactions.delete(txId)
    this.releaseLocks(tx)
    this.dropHistory()
  }

  private releaseLocks(tx: Transaction): void {
    for (const key of tx.writes.keys()) {
      const lock = this.locks.get(key)
      if (lock?.txId === tx.id) {
        this.locks.delete(key)
        lock.release()
      }
    }
  }

  /** The lock an open transaction holds on any of these documents (plain writes wait for it). */
  private heldLock(collName: string, ids: Iterable<string>): Lock | undefined {
    if (this.locks.size === 0) return undefined
    for (const id of ids) {
      const lock = this.locks.get(lockKey(collName, id))
      if (lock) {
        if (process.env.GATEWAY_DEBUG_LOCKS)
          console.error(
            `[gateway] plain write waits: ${collName}/${id} held by ${lock.txId}`,
            new Error().stack,
          )
        return lock
      }
    }
    return undefined
  }

  hasTransaction(txId: string): boolean {
    return this.transactions.has(txId)
  }

  private sweepTransactions(): void {
    const cutoff = this.now() - TRANSACTION_MAX_MS
    for (const [id, tx] of this.transactions) if (tx.started < cutoff) this.abort(id)
  }

  close(): void {
    clearInterval(this.sweeper)
  }
}
