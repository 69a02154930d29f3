/**
 * The caller's WeChat identity, from the invocation context only (never from the body).
 */
import { AppError } from '../errors'
import type { InvocationContext } from './define-function'

export function requireOpenid(ctx: InvocationContext): string {
  if (!ctx.caller.openid) throw new AppError('UNAUTHENTICATED', '请在微信中打开小程序')
  return ctx.caller.openid
}
