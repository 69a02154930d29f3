/**
 * EJSON in and out, as CloudBase does it: the SDK sends canonical EJSON strings (bson v4) and
 * parses whatever EJSON the server answers. Inside the gateway documents are plain JS values
 * (numbers, strings, Date, RegExp, arrays, objects), which is what the query engine expects.
 */
import { BSONRegExp, EJSON, Long, type ObjectId } from 'bson'

/** An `_id` keeps the type it was written with, as in CloudBase: a string, a number or an ObjectId. */
export type DocId = string | number | ObjectId
export type Doc = Record<string, unknown> & { _id: DocId }

export function isObjectId(value: unknown): value is ObjectId {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { _bsontype?: unknown })._bsontype === 'ObjectId'
  )
}

const JS_REGEXP_FLAGS = new Set(['i', 'm', 's', 'u'])

function toJsRegExp(re: BSONRegExp): RegExp {
  // MongoDB's `x` (extended) has no JS equivalent; dropping it matches patterns without
  // whitespace, which is how CloudBase apps use it in practice.
  const flags = [...re.options].filter((f) => JS_REGEXP_FLAGS.has(f)).join('')
  return new RegExp(re.pattern, flags)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * Turns parsed EJSON into plain values: regular expressions become RegExp, Longs become numbers,
 * and `{$tcb_server_date:{offset}}` becomes the gateway's own clock (CloudBase's serverDate()).
 */
export function normalize(value: unknown, now: number): unknown {
  if (value instanceof BSONRegExp) return toJsRegExp(value)
  if (value instanceof Long) return value.toNumber()
  if (Array.isArray(value)) return value.map((item) => normalize(item, now))
  if (isPlainObject(value)) {
    const serverDate = value.$tcb_server_date
    if (serverDate !== undefined && Object.keys(value).length === 1) {
      const offset = isPlainObject(serverDate) ? Number(serverDate.offset ?? 0) : 0
      return new Date(now + (Number.isFinite(offset) ? offset : 0))
    }
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = normalize(item, now)
    return out
  }
  // Int32/Double wrappers (only with relaxed:false) and other BSON scalars
  if (value !== null && typeof value === 'object' && 'valueOf' in value) {
    const bsontype = (value as { _bsontype?: string })._bsontype
    if (bsontype === 'Int32' || bsontype === 'Double') return Number(value.valueOf())
  }
  return value
}

export function decodeEJSON(text: unknown, now: number): unknown {
  if (typeof text !== 'string' || text === '') return undefined
  return normalize(EJSON.parse(text, { relaxed: true }), now)
}

/** Canonical EJSON, the form the SDK itself sends; keeps integer and double apart on the wire. */
export function encodeEJSON(value: unknown): string {
  return EJSON.stringify(value as Record<string, unknown>, { relaxed: false })
}

/** Relaxed EJSON object for the durable log: plain JSON numbers, dates as {$date}. */
export function toLogJSON(value: unknown): unknown {
  return EJSON.serialize(value as Record<string, unknown>, { relaxed: true })
}

export function fromLogJSON(value: unknown): unknown {
  return normalize(
    EJSON.deserialize(value as Record<string, unknown>, { relaxed: true }),
    Date.now(),
  )
}

/** Deep copy that keeps Dates and RegExps; documents are never shared between callers. */
export function cloneValue<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (Array.isArray(value)) return value.map((item) => cloneValue(item)) as T
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = cloneValue(item)
    return out as T
  }
  return value
}

export { isPlainObject }
