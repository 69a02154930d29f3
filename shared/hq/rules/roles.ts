/**
 * What each HQ console role may do, as data (pure, unit-tested). The guard (shared/flows/access.ts)
 * asks `refusalFor` before any handler runs; services only narrow what a store manager sees.
 *
 * - `admin`: everything, including accounts and rules.
 * - `operator`: day-to-day reads and writes; no accounts, no rules.
 * - `analyst`: reads only; phone numbers masked; no chat content.
 * - `storeManager`: only actions declared store-scoped (`stores` in the action's policy), only
 *   for the stores listed on the account: their members, orders, sales and settlement.
 */
import type { Actor } from '../../platform/lifecycle'

export const HQ_ROLES = ['admin', 'operator', 'analyst', 'storeManager'] as const
export type HqRole = (typeof HQ_ROLES)[number]

export const ROLE_LABELS: Record<HqRole, string> = {
  admin: '总部管理员',
  operator: '运营',
  analyst: '只读分析',
  storeManager: '门店店长',
}

/** Accounts stored before the four roles (`hq-admin`) are administrators. */
export function roleOf(stored: string): HqRole {
  if (stored === 'hq-admin') return 'admin'
  return (HQ_ROLES as readonly string[]).includes(stored) ? (stored as HqRole) : 'analyst'
}

/** The HQ accesses of `ActionPolicy.access` (policy.ts). */
export type HqAccess = 'hq:session' | 'hq:read' | 'hq:write' | 'hq:admin'

export interface HqCall {
  access: HqAccess
  /** The policy declares the action store-scoped (a store manager may call it for their stores). */
  storeScoped: boolean
  /** The store the input names, when it names one. */
  store: string | null
  /** The action shows chat content (analysts may not read it). */
  chatContent: boolean
}

/** Why this role may not make this call (a Chinese sentence for the person), or null when it may. */
export function refusalFor(role: HqRole, storeIds: readonly string[], call: HqCall): string | null {
  if (call.access === 'hq:session') return null
  if (call.access === 'hq:admin' && role !== 'admin') return '只有总部管理员可以管理账号和规则'
  if (role === 'analyst') {
    if (call.access !== 'hq:read') return '只读分析账号不能修改数据'
    if (call.chatContent) return '只读分析账号不能查看聊天内容'
    return null
  }
  if (role === 'storeManager') {
    if (!call.storeScoped) return '店长账号只能查看所管门店的会员、订单、销售和结算'
    if (call.store !== null && !storeIds.includes(call.store)) return '只能查看或处理所管门店的数据'
    return null
  }
  return null
}

/** Whether the role sees full phone numbers (where the page shows them at all). */
export function seesFullPhone(role: HqRole): boolean {
  return role !== 'analyst'
}

/** The lifecycle tables' actor for a console role: who may take a status's next actions. */
export function lifecycleActor(role: HqRole): Actor {
  return role === 'admin' || role === 'operator' ? 'hq-admin' : 'analyst'
}
