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
import { isDeepStrictEqual } from 'node:util'
import type { CollectionSpec } from '../../../shared/collections'
import { Aggregator, Query } from './operators'
import { cloneValue, fromLogJSON, isPlainObject, toLogJSON, type Doc, type DocId } from './ejson'
import type { DurableLog, LogOp, RecoveredState } from './durable-log'
import { Collection, type FindOptions, pageByIndexOrder } from './collection'
import { idKey, isDocId, newId } from './doc-ids'
import { ERR } from './errors'
import { refuseUndeployableIndexes, type Entry } from './indexes'
import { applyOperators, checkFieldNames, hasOperators } from './updates'

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

export interface Transaction {
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
  /**
   * Transaction conflicts so far by document (`<collection>:<id>` as the locks name it): where
   * contention lives, for the benchmarks. A diagnostic only; nothing depends on it.
   */
  readonly conflicts = new Map<string, number>()

  private tallyConflict(key: string): void {
    this.conflicts.set(key, (this.conflicts.get(key) ?? 0) + 1)
  }

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
    for (const spec of specs) {
      refuseUndeployableIndexes(spec)
      this.specs.set(spec.name, spec)
    }
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
        this.tallyConflict(key)
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
        this.tallyConflict(lockKey(w.coll, w.id))
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
