/**
 * Runs a CloudBase transaction with retries on DATABASE_TRANSACTION_CONFLICT.
 *
 * The SDK's own runTransaction retries at once, three times; under contention on one document
 * (many members bound through one store's code at the same moment) that gives up too early. Here
 * conflicts retry up to `attempts` times with a short jittered backoff; any other error aborts
 * the transaction (nothing of it is applied) and is rethrown unchanged.
 */
import { AppError } from '../errors'
import { invocationScope, type Database } from './cloudbase'

export type Transaction = Awaited<ReturnType<Database['startTransaction']>>

export function isDbError(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code
}

/**
 * Runs `body` (typically a transaction that inserts under a unique key); if it fails because the
 * key was taken meanwhile (a racing call won: DATABASE_DUPLICATE_WRITE, nothing of `body` was
 * applied), answers with `onDuplicate()` instead. The one place a duplicate write is caught for
 * work larger than one insert (one insert: `collection(spec).insertOnce`).
 */
export async function unlessDuplicate<T>(
  body: () => Promise<T>,
  onDuplicate: (err: unknown) => Promise<T>,
): Promise<T> {
  try {
    return await body()
  } catch (err) {
    if (!isDbError(err, 'DATABASE_DUPLICATE_WRITE')) throw err
    return onDuplicate(err)
  }
}

export async function withTransaction<T>(
  db: Database,
  body: (t: Transaction) => Promise<T>,
  attempts = 30,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const t = await db.startTransaction()
    try {
      const result = await body(t)
      await t.commit()
      return result
    } catch (err) {
      await t.rollback().catch(() => undefined)
      if (!isDbError(err, 'DATABASE_TRANSACTION_CONFLICT')) throw err
      const scope = invocationScope.getStore()
      if (scope) scope.txRetries = (scope.txRetries ?? 0) + 1
      if (attempt >= attempts) {
        // Still contended after every retry: tell the caller to try again rather than fail hard.
        throw new AppError('CONFLICT', '当前操作的人较多，请稍后重试')
      }
      // Full jitter, growing to 200 ms: contenders spread out instead of colliding again.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * Math.min(200, 4 * 2 ** attempt)),
      )
    }
  }
}
