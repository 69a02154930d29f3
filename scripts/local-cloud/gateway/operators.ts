/**
 * mingo's operators, corrected where they differ from MongoDB's, plus the ones mingo lacks.
 * Every query and aggregation of the gateway runs with these options.
 *
 * - `$elemMatch` with field conditions matches only embedded documents (mingo matched `[1,2,3]`
 *   against `{value: {$gt: 0}}`).
 * - `$substr` / `$substrBytes`: a negative count returns the rest of the string; a start outside
 *   the string returns "" (mingo refused both).
 * - `$week`: MongoDB's definition, 0–53, weeks start on Sunday, days before the year's first
 *   Sunday are week 0, in UTC (mingo answered ISO weeks).
 * - `$indexOfCP` (missing from mingo).
 * - `$jsonSchema` through a validator of MongoDB's keywords (mingo has none); an unsupported
 *   keyword is refused by name.
 */
import { Context, evalExpr } from 'mingo/core'
import * as accumulatorOperators from 'mingo/operators/accumulator'
import * as expressionOperators from 'mingo/operators/expression'
import * as pipelineOperators from 'mingo/operators/pipeline'
import * as projectionOperators from 'mingo/operators/projection'
import * as queryOperators from 'mingo/operators/query'
import * as windowOperators from 'mingo/operators/window'
import { Query as CoreQuery } from 'mingo/query'
import { Aggregator as CoreAggregator } from 'mingo/aggregator'
import { isOperator, resolve } from 'mingo/util'
import type { Options } from 'mingo/types'

type Any = unknown
type Obj = Record<string, Any>
type Predicate = (value: Any) => boolean

export class OperatorError extends Error {}

const isPlain = (v: Any): v is Obj =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  !(v instanceof Date) &&
  !(v instanceof RegExp)

// ---------------------------------------------------------------- query operators

function elemMatchPredicate(criteria: Obj, options: Options): Predicate {
  const keys = Object.keys(criteria)
  if (keys.length === 0) return isPlain
  // {$gt: 0}-style conditions apply to the element itself; field conditions ({value: …}, and
  // $and/$or/$nor of them) only to elements that are documents.
  const onElement = keys.every((k) => isOperator(k) && k !== '$and' && k !== '$or' && k !== '$nor')
  if (onElement) {
    const q = new CoreQuery({ field: criteria }, options)
    return (v) => q.test({ field: v })
  }
  const q = new CoreQuery(criteria, options)
  return (v) => isPlain(v) && q.test(v)
}

const $elemMatch = (selector: string, value: Any, options: Options) => {
  if (!isPlain(value)) throw new OperatorError('$elemMatch needs an object')
  const predicate = elemMatchPredicate(value, options)
  return (obj: Any) => {
    const lhs = resolve(obj as Obj, selector, { unwrapArray: true })
    return Array.isArray(lhs) && lhs.some(predicate)
  }
}

// ---------------------------------------------------------------- $jsonSchema

const BSON_TYPES: Record<string, Predicate> = {
  double: (v) => typeof v === 'number',
  int: (v) => typeof v === 'number' && Number.isInteger(v),
  long: (v) => typeof v === 'number' && Number.isInteger(v),
  decimal: (v) => typeof v === 'number',
  number: (v) => typeof v === 'number',
  string: (v) => typeof v === 'string',
  object: isPlain,
  array: Array.isArray,
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp,
  objectId: (v) => (v as { _bsontype?: string } | null)?._bsontype === 'ObjectId',
}
const JSON_TYPES: Record<string, Predicate> = {
  object: isPlain,
  array: Array.isArray,
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  null: (v) => v === null,
}
/** Keywords MongoDB accepts that change nothing about matching. */
const ANNOTATIONS = new Set(['title', 'description', '$comment'])

function typeCheck(spec: Any, table: Record<string, Predicate>, keyword: string): Predicate {
  const names = Array.isArray(spec) ? spec : [spec]
  const checks = names.map((n) => {
    const check = typeof n === 'string' ? table[n] : undefined
    if (!check) throw new OperatorError(`$jsonSchema: unsupported ${keyword} ${String(n)}`)
    return check
  })
  return (v) => checks.some((c) => c(v))
}

export function compileSchema(schema: Any): Predicate {
  if (!isPlain(schema)) throw new OperatorError('$jsonSchema needs an object')
  const checks: Predicate[] = []
  const num = (k: string) => {
    const n = schema[k]
    if (typeof n !== 'number') throw new OperatorError(`$jsonSchema: ${k} must be a number`)
    return n
  }
  for (const [key, spec] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key)) continue
    switch (key) {
      case 'bsonType':
        checks.push(typeCheck(spec, BSON_TYPES, key))
        break
      case 'type':
        checks.push(typeCheck(spec, JSON_TYPES, key))
        break
      case 'required': {
        if (!Array.isArray(spec)) throw new OperatorError('$jsonSchema: required must be an array')
        checks.push((v) => !isPlain(v) || spec.every((f) => (v as Obj)[String(f)] !== undefined))
        break
      }
      case 'properties': {
        if (!isPlain(spec)) throw new OperatorError('$jsonSchema: properties must be an object')
        const props = Object.entries(spec).map(([f, s]) => [f, compileSchema(s)] as const)
        checks.push((v) => !isPlain(v) || props.every(([f, p]) => v[f] === undefined || p(v[f])))
        break
      }
      case 'additionalProperties': {
        const known = new Set(Object.keys(isPlain(schema.properties) ? schema.properties : {}))
        const extra = typeof spec === 'boolean' ? () => spec : compileSchema(spec)
        checks.push(
          (v) => !isPlain(v) || Object.entries(v).every(([f, x]) => known.has(f) || extra(x)),
        )
        break
      }
      case 'enum': {
        if (!Array.isArray(spec)) throw new OperatorError('$jsonSchema: enum must be an array')
        const q = new CoreQuery({ v: { $in: spec } }, OPTIONS)
        checks.push((v) => q.test({ v }))
        break
      }
      case 'minimum':
      case 'maximum': {
        const bound = num(key)
        const exclusive =
          schema[key === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true
        checks.push(
          (v) =>
            typeof v !== 'number' ||
            (key === 'minimum'
              ? exclusive
                ? v > bound
                : v >= bound
              : exclusive
                ? v < bound
                : v <= bound),
        )
        break
      }
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        break
      case 'minLength':
      case 'maxLength': {
        const n = num(key)
        checks.push(
          (v) =>
            typeof v !== 'string' ||
            (key === 'minLength' ? [...v].length >= n : [...v].length <= n),
        )
        break
      }
      case 'pattern': {
        const re = new RegExp(String(spec), 'u')
        checks.push((v) => typeof v !== 'string' || re.test(v))
        break
      }
      case 'minItems':
      case 'maxItems': {
        const n = num(key)
        checks.push(
          (v) => !Array.isArray(v) || (key === 'minItems' ? v.length >= n : v.length <= n),
        )
        break
      }
      case 'minProperties':
      case 'maxProperties': {
        const n = num(key)
        checks.push(
          (v) =>
            !isPlain(v) ||
            (key === 'minProperties' ? Object.keys(v).length >= n : Object.keys(v).length <= n),
        )
        break
      }
      case 'items': {
        const each = compileSchema(spec)
        checks.push((v) => !Array.isArray(v) || v.every(each))
        break
      }
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        if (!Array.isArray(spec)) throw new OperatorError(`$jsonSchema: ${key} must be an array`)
        const subs = spec.map(compileSchema)
        checks.push((v) => {
          const n = subs.filter((s) => s(v)).length
          return key === 'allOf' ? n === subs.length : key === 'anyOf' ? n > 0 : n === 1
        })
        break
      }
      case 'not': {
        const sub = compileSchema(spec)
        checks.push((v) => !sub(v))
        break
      }
      default:
        throw new OperatorError(`$jsonSchema keyword ${key} is not supported by the local gateway`)
    }
  }
  return (v) => checks.every((c) => c(v))
}

// ---------------------------------------------------------------- expression operators

function args(obj: Any, expr: Any, options: Options, name: string, min: number, max: number) {
  const values = evalExpr(obj, expr, options)
  if (!Array.isArray(values) || values.length < min || values.length > max)
    throw new OperatorError(`${name} takes ${min === max ? min : `${min} to ${max}`} arguments`)
  return values as Any[]
}

function asText(v: Any, name: string): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (v instanceof Date) return v.toISOString().replace(/\.\d{3}Z$/, 'Z')
  throw new OperatorError(`${name} needs a string`)
}

/** MongoDB's $substrBytes (and $substr, its old name): byte offsets in UTF-8. */
const $substrBytes = (obj: Any, expr: Any, options: Options): Any => {
  const [s, start, count] = args(obj, expr, options, '$substrBytes', 3, 3)
  if (typeof start !== 'number' || typeof count !== 'number')
    throw new OperatorError('$substrBytes: starting index and length must be numbers')
  const bytes = Buffer.from(asText(s, '$substrBytes'), 'utf8')
  const from = Math.trunc(start)
  if (from < 0 || from >= bytes.length) return ''
  const to = count < 0 ? bytes.length : Math.min(bytes.length, from + Math.trunc(count))
  const continuation = (i: number) => i < bytes.length && (bytes[i]! & 0xc0) === 0x80
  if (continuation(from))
    throw new OperatorError(
      '$substrBytes: Invalid range, starting index is a UTF-8 continuation byte.',
    )
  if (continuation(to))
    throw new OperatorError(
      '$substrBytes: Invalid range, ending index is in the middle of a UTF-8 character.',
    )
  return bytes.subarray(from, to).toString('utf8')
}

const $indexOfCP = (obj: Any, expr: Any, options: Options): Any => {
  const [s, sub, start, end] = args(obj, expr, options, '$indexOfCP', 2, 4)
  if (s === null || s === undefined) return null
  if (typeof s !== 'string')
    throw new OperatorError('$indexOfCP requires a string as the first argument')
  if (typeof sub !== 'string')
    throw new OperatorError('$indexOfCP requires a string as the second argument')
  for (const [v, what] of [
    [start, 'starting index'],
    [end, 'ending index'],
  ] as const) {
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0))
      throw new OperatorError(`$indexOfCP ${what} must be a non-negative integer`)
  }
  const points = [...s]
  const needle = [...sub]
  const from = (start as number | undefined) ?? 0
  const to = Math.min(points.length, (end as number | undefined) ?? points.length)
  for (let i = from; i + needle.length <= to; i++) {
    if (needle.every((c, j) => points[i + j] === c)) return i
  }
  if (needle.length === 0 && from <= to) return from
  return -1
}

const DAY_MS = 86_400_000

/** MongoDB's $week: 0–53, weeks begin on Sunday, days before the first Sunday are week 0 (UTC). */
const $week = (obj: Any, expr: Any, options: Options): Any => {
  let value = evalExpr(obj, expr, options)
  if (Array.isArray(value) && value.length === 1) value = value[0]
  if (isPlain(value) && 'date' in value) {
    const tz = value.timezone
    if (tz !== undefined && tz !== 'UTC' && tz !== 'GMT' && tz !== 'Z' && tz !== '+00:00')
      throw new OperatorError('$week with a timezone is not supported by the local gateway')
    value = value.date
  }
  if (value === null || value === undefined) return null
  if (!(value instanceof Date)) throw new OperatorError('$week needs a date')
  const dayOfYear = Math.floor((value.getTime() - Date.UTC(value.getUTCFullYear(), 0, 1)) / DAY_MS)
  return Math.floor((dayOfYear - value.getUTCDay() + 7) / 7)
}

// ---------------------------------------------------------------- not served

/** CloudBase features the gateway does not serve: each answers an error that names it. */
function notServed(name: string, what: string) {
  return () => {
    throw new OperatorError(`${name}: ${what} is not served by the local gateway`)
  }
}
const GEO = 'geo queries (and geo indexes)'
const UNSERVED_QUERY = {
  $near: notServed('$near', GEO),
  $nearSphere: notServed('$nearSphere', GEO),
  $geoWithin: notServed('$geoWithin', GEO),
  $geoIntersects: notServed('$geoIntersects', GEO),
  $text: notServed('$text', 'full-text search (text indexes)'),
}
const UNSERVED_PIPELINE = {
  $geoNear: notServed('$geoNear', GEO),
  $out: notServed('$out', 'writing aggregation output to a collection'),
  $merge: notServed('$merge', 'writing aggregation output to a collection'),
}

// ---------------------------------------------------------------- the context

const CONTEXT = Context.init({
  accumulator: accumulatorOperators as never,
  expression: {
    ...(expressionOperators as never as Obj),
    $substr: $substrBytes,
    $substrBytes,
    $indexOfCP,
    $week,
  } as never,
  pipeline: { ...(pipelineOperators as never as Obj), ...UNSERVED_PIPELINE } as never,
  projection: projectionOperators as never,
  query: { ...(queryOperators as never as Obj), $elemMatch, ...UNSERVED_QUERY } as never,
  window: windowOperators as never,
})

export const OPTIONS: Options = {
  context: CONTEXT,
  jsonSchemaValidator: (schema: Obj) => compileSchema(schema) as never,
} as unknown as Options

/**
 * `options` as mingo's own prepared form (its ComputeOptions), made once. Given plain options, a
 * mingo Query copies the whole operator context (every query, expression, pipeline, … operator)
 * on each construction, a few percent of the gateway's CPU under load (two Queries per find);
 * given a ComputeOptions it copies only its small per-query locals. The operators and every
 * setting are the same either way. mingo does not export the class, so it is taken from the
 * options an operator is compiled with; if that ever fails, the plain options still work.
 */
function prepared(options: Options): Options {
  let seen: Options | undefined
  const probe = (_selector: string, _value: Any, compiled: Options) => {
    seen = compiled
    return () => true
  }
  new CoreQuery({ probe: { $probe: 1 } }, {
    ...options,
    context: Context.init({ query: { $probe: probe } as never }),
  } as Options)
  const ComputeOptions = seen?.constructor as { init?: (o: Options) => Options } | undefined
  return typeof ComputeOptions?.init === 'function' ? ComputeOptions.init(options) : options
}

const QUERY_OPTIONS = prepared(OPTIONS)

export class Query extends CoreQuery {
  constructor(condition: Obj) {
    super(condition, QUERY_OPTIONS)
  }
}

export class Aggregator extends CoreAggregator {
  constructor(pipeline: Obj[], options: Partial<Options> = {}) {
    super(pipeline as never, { ...OPTIONS, ...options } as Options)
  }
}
