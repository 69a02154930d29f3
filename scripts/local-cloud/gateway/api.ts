/**
 * The CloudBase server API as `@cloudbase/node-sdk` speaks it: one POST per call, a JSON body
 * with `action` and EJSON strings; every reply is HTTP 200 JSON, errors as `{code, message}`
 * (which the SDK throws). Result shapes follow what the SDK's database module reads.
 */
import { randomUUID } from 'node:crypto'
import { isDocId } from './doc-ids'
import { type Engine } from './engine'
import { DbError, ERR } from './errors'
import { MingoError } from 'mingo/util'
import { OperatorError } from './operators'
import { decodeEJSON, encodeEJSON, isPlainObject, type Doc, type DocId } from './ejson'

export type InvokeFunction = (name: string, data: unknown) => Promise<unknown>

type Params = Record<string, unknown>
type Reply = Record<string, unknown>

const QUERY_TYPE_DOC = 'DOC'
const DEFAULT_LIMIT = 100
const MAX_LIMIT = 1000

function str(params: Params, key: string): string {
  const value = params[key]
  if (typeof value !== 'string' || value === '') throw ERR.invalid(`${key} is required`)
  return value
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {}
  if (!isPlainObject(value)) throw ERR.invalid(`${what} must be an object`)
  return value
}

function parseOrder(raw: unknown, now: number): Record<string, 1 | -1> | undefined {
  const decoded = decodeEJSON(raw, now)
  if (decoded === undefined) return undefined
  const sort: Record<string, 1 | -1> = {}
  const direction = (d: unknown): 1 | -1 => (d === -1 || d === 'desc' ? -1 : 1)
  if (Array.isArray(decoded)) {
    for (const item of decoded)
      if (isPlainObject(item)) sort[String(item.field)] = direction(item.direction)
  } else if (isPlainObject(decoded)) {
    for (const [field, d] of Object.entries(decoded)) sort[field] = direction(d)
  }
  return sort
}

/** The _id of a document-level call (`doc(id).…`), whose query is `{_id: id}`; its type kept. */
function docId(query: Record<string, unknown>): DocId {
  const id = query._id
  if (!isDocId(id)) throw ERR.invalid('document id is required')
  return id
}

export const functionNotFound = (name: string) =>
  new DbError('FUNCTION_NOT_FOUND', `cloud function ${name} not found`)

export function createApi(
  engine: Engine,
  options: { now: () => number; invokeFunction?: InvokeFunction },
) {
  const { now } = options

  async function dispatch(action: string, p: Params): Promise<Reply> {
    const t = now()
    const txId =
      typeof p.transactionId === 'string' && p.transactionId !== '' ? p.transactionId : undefined
    const isDoc = p.queryType === QUERY_TYPE_DOC
    switch (action) {
      case 'database.getDocument': {
        const coll = str(p, 'collectionName')
        const query = asObject(decodeEJSON(p.query, t), 'query')
        if (txId && isDoc) {
          const doc = engine.txGet(txId, coll, docId(query))
          return { data: { list: doc ? [encodeEJSON(doc)] : [] } }
        }
        const requested = Number(p.limit ?? DEFAULT_LIMIT)
        const limit =
          Number.isInteger(requested) && requested > 0
            ? Math.min(requested, MAX_LIMIT)
            : DEFAULT_LIMIT
        const offset =
          Number.isInteger(Number(p.offset)) && Number(p.offset) > 0 ? Number(p.offset) : 0
        const projection = decodeEJSON(p.projection, t)
        const findOptions = {
          sort: parseOrder(p.order, t),
          skip: offset,
          limit,
          projection: projection === undefined ? undefined : asObject(projection, 'projection'),
        }
        // A where().get() carrying a transaction id reads the transaction's snapshot and writes.
        if (txId) {
          const docs = engine.txFind(txId, coll, query, findOptions)
          return { data: { list: docs.map(encodeEJSON), limit, offset } }
        }
        const docs = engine.find(coll, query, findOptions)
        await engine.settle()
        return { data: { list: docs.map(encodeEJSON), limit, offset } }
      }
      case 'database.calculateDocument': {
        const total = engine.count(
          str(p, 'collectionName'),
          asObject(decodeEJSON(p.query, t), 'query'),
        )
        await engine.settle()
        return { data: { total } }
      }
      case 'database.insertDocument': {
        const coll = str(p, 'collectionName')
        if (!Array.isArray(p.data) || p.data.length === 0)
          throw ERR.invalid('data must be a non-empty array')
        const docs = p.data.map((item) => asObject(decodeEJSON(item, t), 'document'))
        if (txId)
          return { data: { insertedIds: docs.map((doc) => engine.txInsert(txId, coll, doc)) } }
        return { data: { insertedIds: await engine.insert(coll, docs) } }
      }
      case 'database.modifyDocument': {
        const coll = str(p, 'collectionName')
        const query = asObject(decodeEJSON(p.query, t), 'query')
        const data = asObject(decodeEJSON(p.data, t), 'data')
        const merge = p.merge !== false
        const upsert = p.upsert === true
        if (txId && isDoc) {
          const result = engine.txModify(txId, coll, docId(query), data, merge, upsert)
          return { data: { updated: result.updated, upsert_id: result.upsertId } }
        }
        const result = await engine.modify(coll, {
          query,
          data,
          multi: p.multi !== false && !isDoc,
          merge,
          upsert,
        })
        return { data: { updated: result.updated, upsert_id: result.upsertId } }
      }
      case 'database.modifyAndReturnDoc': {
        const coll = str(p, 'collectionName')
        const query = asObject(decodeEJSON(p.query, t), 'query')
        const data = asObject(decodeEJSON(p.data, t), 'data')
        // Carrying a transaction id it joins the transaction (applied only by its commit).
        const result = txId
          ? engine.txModifyAndReturn(txId, coll, query, data)
          : await engine.modifyAndReturn(coll, query, data)
        return {
          data: { updated: result.updated, doc: result.doc ? encodeEJSON(result.doc) : null },
        }
      }
      case 'database.removeDocument': {
        const coll = str(p, 'collectionName')
        const query = asObject(decodeEJSON(p.query, t), 'query')
        if (txId && isDoc) {
          const deleted = engine.txWrite(txId, coll, docId(query), () => null)
          return { data: { deleted } }
        }
        return { data: { deleted: await engine.remove(coll, query, p.multi !== false && !isDoc) } }
      }
      case 'database.aggregateDocuments': {
        const coll = str(p, 'collectionName')
        if (!Array.isArray(p.stages)) throw ERR.invalid('stages must be an array')
        const pipeline = p.stages.map((stage) => {
          if (!isPlainObject(stage) || typeof stage.stageKey !== 'string')
            throw ERR.invalid('invalid stage')
          const value =
            typeof stage.stageValue === 'string' ? decodeEJSON(stage.stageValue, t) : undefined
          return { [stage.stageKey]: value }
        })
        let list: unknown[]
        try {
          list = engine.aggregate(coll, pipeline)
        } catch (err) {
          if (err instanceof DbError) throw err
          throw new DbError(
            'DATABASE_REQUEST_FAILED',
            `aggregation failed: ${(err as Error).message}`,
          )
        }
        await engine.settle()
        return { data: { list: list.map((doc) => encodeEJSON(doc as Doc)) } }
      }
      case 'database.startTransaction':
        return { transactionId: engine.startTransaction() }
      case 'database.commitTransaction':
        await engine.commitTransaction(str(p, 'transactionId'))
        return {}
      case 'database.abortTransaction':
        engine.abort(str(p, 'transactionId'))
        return {}
      case 'database.addCollection':
        await engine.createCollection(str(p, 'collectionName'))
        return {}
      case 'functions.invokeFunction': {
        const name = str(p, 'function_name')
        // CloudBase's answer for a name with no deployed function; a gateway without a function
        // host has none.
        if (!options.invokeFunction) throw functionNotFound(name)
        const raw =
          typeof p.request_data === 'string' && p.request_data !== ''
            ? JSON.parse(p.request_data)
            : {}
        const result = await options.invokeFunction(name, raw)
        return { data: { response_data: JSON.stringify(result ?? null) } }
      }
      case 'auth.wsWebSign':
        // The first request of `watch()`: realtime runs over CloudBase's websocket service.
        throw new DbError(
          'ACTION_NOT_SUPPORTED',
          'realtime watch (websocket push) is not served by the local gateway: poll with get() instead',
        )
      default:
        throw new DbError(
          'ACTION_NOT_SUPPORTED',
          `action ${action} is not supported by the local gateway`,
        )
    }
  }

  /** Handles one SDK request body; never throws. */
  return async function handle(body: unknown): Promise<Reply> {
    const requestId = randomUUID()
    try {
      if (!isPlainObject(body) || typeof body.action !== 'string')
        throw ERR.invalid('action is required')
      const reply = await dispatch(body.action, body)
      return { requestId, ...reply }
    } catch (err) {
      if (err instanceof DbError) return { requestId, code: err.code, message: err.message }
      // A query or expression mingo or the gateway's operators refuse; the message names it.
      if (err instanceof OperatorError || err instanceof MingoError)
        return { requestId, code: 'DATABASE_REQUEST_FAILED', message: err.message }
      if (err instanceof SyntaxError)
        return { requestId, code: 'INVALID_PARAM', message: err.message }
      return { requestId, code: 'SYS_ERR', message: (err as Error).message }
    }
  }
}
