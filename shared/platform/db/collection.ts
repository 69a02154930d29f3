/**
 * Typed collections: `collection(COLLECTIONS.orders)` reads and writes `OrderDoc` over the real
 * `@cloudbase/node-sdk`, without casts at the call sites.
 *
 * Every method is exactly ONE SDK call, so one database round trip (each invocation's log line
 * counts them; `npm run bench` reports them). The one exception is opt-in and says so:
 * `insertOnce(doc, { existing })` reads the winner after a duplicate (a second round trip, only
 * on the duplicate path).
 *
 * Inside a transaction (`collection(spec, t)`) only what CloudBase transactions allow is offered:
 * a document by id (get / set / update / remove) and inserts. Queries (`find`, `updateIf`, ...)
 * are not part of a transaction on CloudBase, so the transactional type does not have them.
 *
 * Filters and patches still use the SDK's command operators (`database().command`: `_.gt`,
 * `_.inc`, ...); `raw` is the SDK's own collection for what this layer does not cover
 * (aggregate, watch).
 */
import { database, type DbCommand } from '../runtime/cloudbase'
import { isDbError, type Transaction } from '../runtime/transaction'
import type { DocumentCollectionSpec, StoredDoc } from './collection-spec'

/**
 * A query filter: document fields (with values or command operators) and dotted paths, or a
 * logic command (`_.and([...])`, `_.or([...])`).
 */
export type Where<T> =
  ({ [K in keyof T]?: unknown } & Record<string, unknown>) | ReturnType<DbCommand['and']>
/** An update: fields to set (values or command operators such as `_.inc(1)`) and dotted paths. */
export type Patch<T> = { [K in keyof T]?: unknown } & Record<string, unknown>
/** A document to insert: `_id` optional (the database assigns one when it is missing). */
export type NewDoc<T extends StoredDoc> = Omit<T, '_id'> & { _id?: string }

export type SortDirection = 'asc' | 'desc'
export type OrderBy<T> = readonly [field: (keyof T & string) | (string & {}), SortDirection]

export interface FindOptions<T> {
  orderBy?: OrderBy<T> | readonly OrderBy<T>[]
  /** At most 1000 on CloudBase; default 100 (the SDK's). */
  limit?: number
  skip?: number
}

/** What `insertOnce` did: inserted, or found the key taken (and, when asked, who holds it). */
export type InsertOutcome<T> =
  { inserted: true; id: string } | { inserted: false; existing: T | null }

export interface InsertOnceOptions<T> {
  /**
   * On a duplicate, read the document holding the key: `'id'` by the new document's `_id`, or
   * a filter (a unique index's fields). One more round trip, on the duplicate path only.
   */
  existing?: 'id' | Where<T>
}

/** `T` the collection's documents, `D` what the sweep reads of each (all of it, or `fields`). */
export interface SweepOptions<T, D = T> {
  orderBy?: OrderBy<T> | readonly OrderBy<T>[]
  /** Documents per query (one round trip each). */
  batch: number
  /** Stop starting new batches once this much time has passed since the sweep began. */
  budgetMs: number
  /** Milliseconds now; `Date.now` unless a test drives the budget. */
  clock?: () => number
  /** Handlers running at once within a batch (default 1). */
  parallel?: number
  /**
   * A handler that throws: report it here and go on (the document stays due for the next run and
   * this sweep does not pick it again). Without it, the error ends the sweep and is rethrown.
   */
  onError?: (doc: D, err: unknown) => void
}

export interface SweepResult {
  handled: number
  failed: number
  /** The last batch was full: more documents may be due (the budget ran out first). */
  more: boolean
}

type SdkCollection = ReturnType<ReturnType<typeof database>['collection']>
type SdkQuery = ReturnType<SdkCollection['where']>

function applyFind<T>(query: SdkQuery, options: FindOptions<T>): SdkQuery {
  let q = query
  const orders = options.orderBy
    ? typeof options.orderBy[0] === 'string'
      ? [options.orderBy as OrderBy<T>]
      : (options.orderBy as readonly OrderBy<T>[])
    : []
  for (const [field, dir] of orders) q = q.orderBy(field, dir)
  if (options.skip) q = q.skip(options.skip)
  if (options.limit !== undefined) q = q.limit(options.limit)
  return q
}

function projection(fields: readonly string[]): Record<string, true> {
  return Object.fromEntries(fields.map((f) => [f, true]))
}

const isDuplicate = (err: unknown) => isDbError(err, 'DATABASE_DUPLICATE_WRITE')

/** A collection outside a transaction. */
export class TypedCollection<T extends StoredDoc> {
  constructor(readonly name: string) {}

  /** The SDK's collection, for what this layer does not cover (aggregate, watch). */
  get raw(): SdkCollection {
    return database().collection(this.name)
  }

  /** The document with this id, or null. */
  async get(id: string): Promise<T | null> {
    const res = (await this.raw.doc(id).get()) as { data: T[] }
    return res.data[0] ?? null
  }

  /** The first document matching `where` (in `orderBy` order when given), or null. */
  async findOne(where: Where<T>, options: Omit<FindOptions<T>, 'limit'> = {}): Promise<T | null> {
    const res = await applyFind(this.raw.where(where), { ...options, limit: 1 }).get()
    return (res.data[0] as T | undefined) ?? null
  }

  /** The documents matching `where`. */
  async find(where: Where<T>, options?: FindOptions<T>): Promise<T[]>
  /** The documents matching `where`, only `fields` (and `_id`) read. */
  async find<K extends keyof T & string>(
    where: Where<T>,
    options: FindOptions<T> & { fields: readonly K[] },
  ): Promise<Pick<T, K | '_id'>[]>
  async find(
    where: Where<T>,
    options: FindOptions<T> & { fields?: readonly string[] } = {},
  ): Promise<unknown[]> {
    let q = this.raw.where(where)
    if (options.fields) q = q.field(projection(options.fields))
    const res = await applyFind(q, options).get()
    return res.data
  }

  /** How many documents match `where`. */
  async count(where: Where<T> = {}): Promise<number> {
    const res = (await this.raw.where(where).count()) as { total: number }
    return res.total
  }

  /** Inserts the document; its id. A duplicate key throws (use `insertOnce` where that is expected). */
  async insert(doc: NewDoc<T>): Promise<string> {
    const res = await this.raw.add(doc)
    return (res as { id: string }).id
  }

  /** Inserts many documents in one call. */
  async insertMany(docs: readonly NewDoc<T>[]): Promise<void> {
    await this.raw.add(docs as unknown[])
  }

  /**
   * Inserts many documents in one call unless a key is taken: true when all went in, false on a
   * duplicate. Which of the others went in then depends on the database (MongoDB's ordered insert
   * keeps those before the duplicate, the local gateway none), so a caller on the false path reads
   * the keys back and must recognise its own documents (a token it wrote in them).
   */
  async insertManyUnlessTaken(docs: readonly NewDoc<T>[]): Promise<boolean> {
    if (!docs.length) return true
    try {
      await this.raw.add(docs as unknown[])
      return true
    } catch (err) {
      if (!isDuplicate(err)) throw err
      return false
    }
  }

  /**
   * Inserts the document unless its `_id` or a unique index's key is taken: never throws for a
   * duplicate, says what happened instead.
   */
  async insertOnce(doc: NewDoc<T>, options: InsertOnceOptions<T> = {}): Promise<InsertOutcome<T>> {
    try {
      return { inserted: true, id: await this.insert(doc) }
    } catch (err) {
      if (!isDuplicate(err)) throw err
    }
    if (!options.existing) return { inserted: false, existing: null }
    const existing =
      options.existing === 'id'
        ? doc._id === undefined
          ? null
          : await this.get(doc._id)
        : await this.findOne(options.existing)
    return { inserted: false, existing }
  }

  /** Replaces (or creates) the document with this id. */
  async set(id: string, doc: Omit<T, '_id'>): Promise<void> {
    await this.raw.doc(id).set(doc)
  }

  /** Updates the document with this id; how many documents changed (0 or 1). */
  async update(id: string, patch: Patch<T>): Promise<number> {
    const res = (await this.raw.doc(id).update(patch)) as { updated?: number }
    return res.updated ?? 0
  }

  /**
   * The conditional update: applies `patch` to the documents matching `where`; whether it changed
   * any. The filter is what a guarantee rests on (checked and written in one database operation).
   */
  async updateIf(where: Where<T>, patch: Patch<T>): Promise<boolean> {
    return (await this.updateWhere(where, patch)) > 0
  }

  /** Applies `patch` to every document matching `where`; how many changed. */
  async updateWhere(where: Where<T>, patch: Patch<T>): Promise<number> {
    const res = (await this.raw.where(where).update(patch)) as { updated?: number }
    return res.updated ?? 0
  }

  /**
   * The conditional update of ONE document that returns it: the document after `patch` when
   * `where` matched one, else null.
   */
  async updateAndReturn(where: Where<T>, patch: Patch<T>): Promise<T | null> {
    const res = (await this.raw.where(where).updateAndReturn(patch)) as {
      updated: number
      doc?: T
    }
    return res.updated && res.doc ? res.doc : null
  }

  /** Removes the document with this id; how many were removed (0 or 1). */
  async remove(id: string): Promise<number> {
    const res = (await this.raw.doc(id).remove()) as { deleted?: number | string }
    return Number(res.deleted ?? 0)
  }

  /** Removes every document matching `where`; how many. */
  async removeWhere(where: Where<T>): Promise<number> {
    const res = (await this.raw.where(where).remove()) as { deleted?: number | string }
    return Number(res.deleted ?? 0)
  }

  /**
   * The bounded timer loop: reads up to `batch` documents matching `where` (one round trip), runs
   * `handler` on each (`parallel` at a time), and goes on batch after batch while the last batch
   * was full and the time budget is not spent. `handler` must make the document stop matching
   * `where` (or the next batch reads it again); one that fails is left out of later batches.
   */
  async sweepDue<K extends keyof T & string = keyof T & string>(
    where: Where<T>,
    options: SweepOptions<T, Pick<T, K | '_id'>> & {
      /** Read only these fields (and `_id`) of each due document. */
      fields?: readonly K[]
    },
    handler: (doc: Pick<T, K | '_id'>) => Promise<void>,
  ): Promise<SweepResult> {
    const clock = options.clock ?? Date.now
    const parallel = Math.max(1, options.parallel ?? 1)
    const started = clock()
    const _ = database().command
    const failedIds: string[] = []
    let handled = 0
    let more: boolean
    do {
      const skipFailed = { _id: _.nin(failedIds) }
      let query = this.raw.where(
        failedIds.length === 0
          ? where
          : Object.getPrototypeOf(where) === Object.prototype
            ? { ...where, ...skipFailed }
            : _.and([where, skipFailed]),
      )
      if (options.fields) query = query.field(projection(['_id', ...options.fields]))
      const due = (await applyFind(query, { orderBy: options.orderBy, limit: options.batch }).get())
        .data as Pick<T, K | '_id'>[]
      more = due.length === options.batch
      for (let i = 0; i < due.length; i += parallel) {
        await Promise.all(
          due.slice(i, i + parallel).map(async (doc) => {
            try {
              await handler(doc)
              handled++
            } catch (err) {
              if (!options.onError) throw err
              failedIds.push(doc._id)
              options.onError(doc, err)
            }
          }),
        )
      }
    } while (more && clock() - started < options.budgetMs)
    return { handled, failed: failedIds.length, more }
  }

  /** This collection inside transaction `t`. */
  in(t: Transaction): TransactionCollection<T> {
    return new TransactionCollection<T>(this.name, t)
  }
}

/**
 * A collection inside a CloudBase transaction: documents by id and inserts only (what CloudBase
 * transactions allow). Reads see the transaction's snapshot; writes apply at commit.
 */
export class TransactionCollection<T extends StoredDoc> {
  constructor(
    readonly name: string,
    private readonly t: Transaction,
  ) {}

  /** The transaction's own collection handle (its typings are `any`). */
  get raw(): {
    doc(id: string): any
    add(doc: unknown): Promise<any>
    /** A query carrying the transaction id (reads the transaction's snapshot). */
    where(query: object): any
  } {
    return this.t.collection(this.name)
  }

  /** The document with this id as the transaction sees it, or null. */
  async get(id: string): Promise<T | null> {
    const res = (await this.raw.doc(id).get()) as { data: T | null }
    return res.data ?? null
  }

  /** Inserts the document; its id. */
  async insert(doc: NewDoc<T>): Promise<string> {
    const res = (await this.raw.add(doc)) as { id: string }
    return res.id
  }

  /**
   * Inserts the document unless its key is taken; never throws for a duplicate. A duplicate
   * writes nothing; a caller that cannot go on without the insert throws, which rolls back the
   * transaction's other writes (withTransaction).
   */
  async insertOnce(doc: NewDoc<T>): Promise<InsertOutcome<T>> {
    try {
      return { inserted: true, id: await this.insert(doc) }
    } catch (err) {
      if (!isDuplicate(err)) throw err
      return { inserted: false, existing: null }
    }
  }

  async set(id: string, doc: Omit<T, '_id'>): Promise<void> {
    await this.raw.doc(id).set(doc)
  }

  /** Updates the document with this id; how many documents changed (0 or 1). */
  async update(id: string, patch: Patch<T>): Promise<number> {
    const res = (await this.raw.doc(id).update(patch)) as { updated?: number }
    return res.updated ?? 0
  }

  async remove(id: string): Promise<number> {
    const res = (await this.raw.doc(id).remove()) as { deleted?: number | string }
    return Number(res.deleted ?? 0)
  }

  /**
   * The conditional update of ONE document inside the transaction, returning it after `patch`
   * (null when `where` matched none in the transaction's view): a read and a write in one round
   * trip. The write takes part in the transaction (conflicts and commit as `update`).
   */
  async updateAndReturn(where: Where<T>, patch: Patch<T>): Promise<T | null> {
    const res = (await this.raw.where(where).updateAndReturn(patch)) as {
      updated: number
      doc?: T
    }
    return res.updated && res.doc ? res.doc : null
  }
}

/** The typed collection for `spec`; with a transaction, its transactional (doc-level) view. */
export function collection<T extends StoredDoc>(spec: DocumentCollectionSpec<T>): TypedCollection<T>
export function collection<T extends StoredDoc>(
  spec: DocumentCollectionSpec<T>,
  t: Transaction,
): TransactionCollection<T>
export function collection<T extends StoredDoc>(
  spec: DocumentCollectionSpec<T>,
  t?: Transaction,
): TypedCollection<T> | TransactionCollection<T> {
  return t ? new TransactionCollection<T>(spec.name, t) : new TypedCollection<T>(spec.name)
}
