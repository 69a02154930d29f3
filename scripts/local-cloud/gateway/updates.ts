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
    operator(expr)(doc)
  }
}
