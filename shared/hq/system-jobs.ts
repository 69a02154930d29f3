/** Actions only timer triggers run (expiry, repair): anyone else calling them is refused. */
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'

export async function runAsTimer<T>(ctx: InvocationContext, job: () => Promise<T>): Promise<T> {
  if (ctx.caller.source !== 'timer') throw new AppError('FORBIDDEN', '该操作仅由定时任务执行')
  ctx.caller.role = 'system'
  return job()
}
