/**
 * A contract's action table (action name → zod schema) whose schemas are built on first read.
 * A function bundle loads every contract it serves, yet one call reads one action's input schema
 * and production never parses an output: building them all at load made the cold start of
 * `admin`, `staff` and `shop` pay for thousands of zod objects (README "Benchmarks", cold start).
 * Each action is an enumerable getter that builds its schema once and keeps it, so
 * `Object.keys`, `in`, `hasOwnProperty` and `table[action]` behave as on a plain object, and the
 * table's type is exactly the one a literal of the built schemas would have.
 *
 * Tables join with `joinActions` (never `{ ...table }`: spreading reads, hence builds, every
 * schema), in the order given, which is the order `Object.keys` lists the actions.
 */

const LAZY = Symbol('lazy action table')

type Thunks = Record<string, () => unknown>
type Built<T extends Thunks> = { readonly [K in keyof T]: ReturnType<T[K]> }

/** Builds each action's schema when it is first read, then keeps it. */
export function lazyActions<T extends Thunks>(thunks: T): Built<T> {
  const table = {} as Built<T>
  for (const [action, build] of Object.entries(thunks)) {
    let built: unknown
    let done = false
    Object.defineProperty(table, action, {
      enumerable: true,
      configurable: false,
      get() {
        if (!done) {
          built = build()
          done = true
        }
        return built
      },
    })
  }
  Object.defineProperty(table, LAZY, { value: true })
  return table
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (
  i: infer I,
) => void
  ? I
  : never
type Flat<T> = { [K in keyof T]: T[K] }

/**
 * One table holding the given tables' actions, in order, still unbuilt: their getters are copied,
 * so a schema read through either table is built once. An action declared twice is a mistake.
 */
export function joinActions<P extends object[]>(
  ...tables: P
): Flat<UnionToIntersection<P[number]>> {
  const joined = {}
  for (const table of tables) {
    if (!(LAZY in table)) throw new Error('joinActions takes tables made by lazyActions')
    for (const [action, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(table))) {
      if (Object.prototype.hasOwnProperty.call(joined, action))
        throw new Error(`action ${action} is declared twice`)
      Object.defineProperty(joined, action, descriptor)
    }
  }
  Object.defineProperty(joined, LAZY, { value: true })
  return joined as Flat<UnionToIntersection<P[number]>>
}

/**
 * A schema shared by several actions of a contract, built when the first of them is: the
 * contracts' views and field sets are `onFirstUse(() => z…)` and read as `view()`.
 */
export function onFirstUse<T>(build: () => T): () => T {
  let built: T | undefined
  let done = false
  return () => {
    if (!done) {
      built = build()
      done = true
    }
    return built as T
  }
}
