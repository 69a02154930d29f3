/** Updates as MongoDB applies them: field-name rules and update operators (through mingo). */
import { update as applyUpdate } from 'mingo'
import * as updateOperators from 'mingo/operators/update'
import { isPlainObject, type Doc } from './ejson'
import { ERR } from './errors'

/** MongoDB refuses stored field names that start with `$` (they would read as operators). */
export function checkFieldNames(value: unknown): void {
  if (Array.isArray(value)) for (const item of value) checkFieldNames(item)
  else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$'))
        throw ERR.invalid(`field name ${key} is not valid for storage: it must not start with $`)
      checkFieldNames(item)
    }
  }
}

export function hasOperators(data: Record<string, unknown>): boolean {
  return Object.keys(data).some((k) => k.startsWith('$'))
}

type UpdateOperator = (expr: unknown) => (doc: Record<string, unknown>) => unknown

const UPDATE_OPERATORS = updateOperators as unknown as Record<string, UpdateOperator>

/**
 * Applies MongoDB update operators to `doc` in place. Plain paths go straight to mingo's
 * operators (mingo's `update()` rebuilds its whole operator context on every call, a quarter of
 * the gateway's time under load); positional paths (`a.$.b`, `a.$[]`) take the full updater.
 */
export function applyOperators(doc: Doc, data: Record<string, unknown>): void {
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
    if (isPlainObject(expr)) for (const path of Object.keys(expr)) checkOperand(doc, op, path)
    operator(expr)(doc)
  }
}

const NUMERIC_OPERATORS = new Set(['$inc', '$mul'])
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll'])

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'date'
  if (isPlainObject(value)) return 'object'
  return typeof value
}

/**
 * MongoDB refuses an arithmetic operator on a field that holds something other than a number,
 * and an array operator on a field that holds something other than an array (a missing field is
 * fine: $inc starts it at 0, $push makes the array). mingo would skip or coerce such a field
 * silently, so a write that fails on CloudBase would pass here.
 */
function checkOperand(doc: Doc, op: string, path: string): void {
  const numeric = NUMERIC_OPERATORS.has(op)
  if (!numeric && !ARRAY_OPERATORS.has(op)) return
  let value: unknown = doc
  for (const part of path.split('.')) {
    if (!isPlainObject(value)) return
    value = (value as Record<string, unknown>)[part]
  }
  if (value === undefined) return
  if (numeric && typeof value !== 'number')
    throw ERR.invalid(
      `Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} has the field '${path}' of non-numeric type ${typeName(value)}`,
    )
  if (!numeric && !Array.isArray(value))
    throw ERR.invalid(
      `Cannot apply ${op} to a non-array field. Field named '${path}' has non-array type ${typeName(value)}`,
    )
}
