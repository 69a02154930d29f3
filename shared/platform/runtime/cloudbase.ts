/**
 * The CloudBase app and database handle shared by every function, plus the per-invocation scope
 * that counts database round trips (each SDK call is one network round trip on CloudBase, which
 * is the cost that matters there, so every invocation's log line reports it).
 *
 * Production and the local stack run this same code: on CloudBase the SDK finds its environment
 * and credentials in the function's process; locally the function host sets `TCB_CONTEXT_CNFG`
 * (the gateway's URL), `TENCENTCLOUD=true` and local credentials in the host process.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import tcb from '@cloudbase/node-sdk'

export interface InvocationScope {
  requestId: string
  dbRoundTrips: number
  /** Transactions this invocation had to start again after a write conflict. */
  txRetries?: number
}

export const invocationScope = new AsyncLocalStorage<InvocationScope>()

type CloudApp = ReturnType<typeof tcb.init>
export type Database = ReturnType<CloudApp['database']>
export type DbCommand = Database['command']

let app: CloudApp | undefined
let db: Database | undefined

export function cloudApp(): CloudApp {
  app ??= tcb.init({ env: tcb.SYMBOL_CURRENT_ENV })
  return app
}

/**
 * The database, created once per process. Every request the SDK's database module makes goes
 * through `Db.reqClass`; wrapping it once counts round trips without touching call sites.
 */
export function database(): Database {
  if (!db) {
    db = cloudApp().database()
    type Requester = { send(...args: unknown[]): Promise<unknown> }
    const DbClass = (
      db as unknown as { constructor: { reqClass: new (config: unknown) => Requester } }
    ).constructor
    const Base = DbClass.reqClass
    DbClass.reqClass = class CountingRequester extends (
      (Base as new (config: unknown) => Requester)
    ) {
      override send(...args: unknown[]): Promise<unknown> {
        const scope = invocationScope.getStore()
        if (scope) scope.dbRoundTrips++
        return super.send(...args)
      }
    }
  }
  return db
}

/**
 * The variables read from each invocation's context, kept with the context object (one per
 * invocation): an invocation asks several times (what invoked it, who, and again for its log
 * line), and the SDK re-parses the context's JSON and re-reads some twenty process variables on
 * every call.
 */
const readContexts = new WeakMap<object, Readonly<Record<string, unknown>>>()

/** Every variable of the invocation's context (and the process's CloudBase ones); {} if unreadable. */
export function cloudbaseContext(context: unknown): Readonly<Record<string, unknown>> {
  const key = typeof context === 'object' && context !== null ? context : null
  const known = key ? readContexts.get(key) : undefined
  if (known) return known
  let variables: Record<string, unknown>
  try {
    variables = tcb.getCloudbaseContext(context as never) as unknown as Record<string, unknown>
  } catch {
    variables = {}
  }
  if (key) readContexts.set(key, variables)
  return variables
}

/** Identity fields CloudBase puts in a mini-program invocation's context. */
export function wechatContext(context: unknown): {
  openid: string | null
  unionid: string | null
  appid: string | null
} {
  const ctx = cloudbaseContext(context)
  const pick = (key: string) =>
    typeof ctx[key] === 'string' && ctx[key] !== '' ? (ctx[key] as string) : null
  return { openid: pick('WX_OPENID'), unionid: pick('WX_UNIONID'), appid: pick('WX_APPID') }
}
