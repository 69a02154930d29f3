/**
 * Who may call an action, declared next to the action in its function (`policy: {…}`) and
 * enforced in one place before the handler runs.
 *
 * The platform checks what the invocation itself proves: a timer trigger, a WeChat identity from
 * the context, a console bearer token. Whether that identity is a member, an active clerk, a store
 * manager or an HQ account with write rights needs the database: the function's `guard`
 * (shared/flows/access.ts) resolves it once per invocation and remembers it on the context, so a
 * service that asks again (`requireMember(ctx)`) costs no second round trip.
 */
import { AppError } from '../errors'
import type { InvocationContext } from './context'

export type Access =
  /** Anyone, no identity needed (sign-in, health). */
  | 'public'
  /** Any WeChat user of the mini-program, member or not; the action decides what they see. */
  | 'wechat'
  /** A WeChat user with an active member card. */
  | 'member'
  /** An active clerk (managers included). */
  | 'clerk'
  /** An active store manager. */
  | 'manager'
  /** Any signed-in HQ console account, whatever its role (its own session and password). */
  | 'hq:session'
  /** HQ reads across the chain: admins, operators, analysts (store managers where `stores` is declared). */
  | 'hq:read'
  /** HQ day-to-day writes: admins and operators (store managers where `stores` is declared); always audited. */
  | 'hq:write'
  /** HQ accounts and rules: admins only; always audited. */
  | 'hq:admin'
  /** Only the function's own timer trigger. */
  | 'timer'

export interface ActionPolicy<Input = unknown> {
  access: Access
  /** HQ reads are audited only when they show personal data (a member's profile, a settlement). */
  auditRead?: boolean
  /** What the audit log keeps of the input (default: the input itself). */
  auditDetails?: (input: Input) => Record<string, unknown>
  /**
   * The action is store-scoped: a store manager may call it, for the stores on their account only.
   * Returns the store the input names (refused when it is not theirs); `undefined` means "every
   * store the caller may see", and the service narrows its reads with `hqStoreScope(ctx)`.
   */
  stores?: (input: Input) => string | undefined
  /** The action shows chat content: analysts are refused. */
  chatContent?: boolean
}

/** Resolves and checks the callers whose rights live in the database, and audits HQ actions. */
export interface AccessGuard {
  run<T>(
    ctx: InvocationContext,
    policy: ActionPolicy,
    input: unknown,
    action: () => Promise<T>,
  ): Promise<T>
}

/** Accesses the guard must resolve (the rest the invocation proves by itself). */
export const GUARDED: ReadonlySet<Access> = new Set([
  'member',
  'clerk',
  'manager',
  'hq:session',
  'hq:read',
  'hq:write',
  'hq:admin',
])

export function policyOf<Input>(declared: Access | ActionPolicy<Input>): ActionPolicy<Input> {
  return typeof declared === 'string' ? { access: declared } : declared
}

/** What the invocation proves on its own, checked before any database read. */
export function checkSource(ctx: InvocationContext, access: Access): void {
  const { caller } = ctx
  switch (access) {
    case 'public':
      return
    case 'timer':
      if (caller.source !== 'timer') throw new AppError('FORBIDDEN', '该操作只由定时任务执行')
      return
    case 'wechat':
    case 'member':
    case 'clerk':
    case 'manager':
      if (caller.source !== 'wechat' || !caller.openid)
        throw new AppError('UNAUTHENTICATED', '请在微信中打开小程序')
      return
    case 'hq:session':
    case 'hq:read':
    case 'hq:write':
    case 'hq:admin':
      if (caller.source !== 'http' || !caller.bearerToken)
        throw new AppError('UNAUTHENTICATED', '请先登录总部后台')
      return
  }
}

/** Remembers what this invocation resolved about its caller (the member, the clerk, the session). */
export function remembered<T>(
  ctx: InvocationContext,
  key: string,
  resolve: () => Promise<T>,
): Promise<T> {
  const memo = (ctx.memo ??= new Map<string, Promise<unknown>>())
  let value = memo.get(key) as Promise<T> | undefined
  if (!value) {
    value = resolve()
    memo.set(key, value)
    // A refusal is not remembered: the next ask (after, say, a bind) reads again.
    value.catch(() => memo.delete(key))
  }
  return value
}
