/**
 * Lifecycles as data (after Vendure's order and payment states): a table `{from: {event: to}}`
 * per domain (`shared/<domain>/lifecycle.ts`), pure and unit-tested on its own. Services check a
 * transition against the table before the conditional update that makes it safe under
 * concurrency (the where-clause stays the guard; the table is the rule); views tell each caller
 * which events it may trigger next (`actions`) and the one label of the status, so the apps render
 * from the server instead of re-deriving.
 */

/** Who asks: a member in the mini-program, a clerk or manager at the counter, HQ in the console. */
export type Actor = 'member' | 'clerk' | 'hq-admin' | 'analyst'

export type TransitionTable<S extends string, E extends string> = {
  readonly [From in S]: { readonly [On in E]?: S }
}

/** Where `event` takes `from`, or null when the table refuses it. */
export function nextState<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  from: S,
  event: E,
): S | null {
  return table[from][event] ?? null
}

/** The events the table accepts in `from`. */
export function eventsFrom<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  from: S,
): E[] {
  return Object.keys(table[from]) as E[]
}

/** The states reachable from `from` (Vendure's getNextStates). */
export function nextStates<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  from: S,
): S[] {
  return [...new Set(Object.values(table[from]) as S[])]
}

/** The states `event` may start from: the where-clause of the conditional update that applies it. */
export function statesAllowing<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  event: E,
): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from][event] !== undefined)
}
