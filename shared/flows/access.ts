/**
 * The one guard every function uses (`defineFunction({ policy, guard: accessGuard })`): it turns
 * an action's declared access into the lookup that proves it, in the domain that owns the answer,
 * and audits HQ actions. The platform has already checked what the invocation proves by itself
 * (a WeChat identity, a console token, the timer), so each access here costs at most one read,
 * remembered for the rest of the invocation. HQ roles are checked against the action's policy by
 * the role table (hq/rules/roles.ts) before the handler runs.
 */
import { adminAction } from '../hq/admin-service'
import { AUDIT_ACTIONS } from '../hq/rules/audit'
import { requireMember } from '../membership/lookups'
import type { InvocationContext } from '../platform/runtime/define-function'
import type { AccessGuard, ActionPolicy } from '../platform/runtime/policy'
import { requireManager, requireStaff } from '../staff/lookups'
import { finishNewCard } from './welcome-coupons'

export const accessGuard: AccessGuard = {
  async run<T>(
    ctx: InvocationContext,
    policy: ActionPolicy,
    input: unknown,
    action: () => Promise<T>,
  ): Promise<T> {
    switch (policy.access) {
      case 'member': {
        // A new card's entries (its attribution and welcome points) and welcome coupons before
        // anything shows them.
        const member = await requireMember(ctx)
        if (member.bindPending && !member.bindPending.entriesDone) await finishNewCard(ctx, member)
        return action()
      }
      case 'clerk':
        await requireStaff(ctx)
        return action()
      case 'manager':
        await requireManager(ctx)
        return action()
      case 'hq:session':
      case 'hq:read':
      case 'hq:write':
      case 'hq:admin': {
        // Every HQ write is audited (refusals included); a read only when it shows personal data.
        const details = policy.auditDetails
          ? policy.auditDetails(input)
          : ((input ?? {}) as Record<string, unknown>)
        // hq:admin covers the accounts list too, which changes nothing: audited as a write
        // unless the audit catalogue names the action a read.
        const writes =
          policy.access === 'hq:write' ||
          (policy.access === 'hq:admin' && AUDIT_ACTIONS[ctx.action]?.kind !== 'read')
        return adminAction(
          ctx,
          {
            access: policy.access,
            storeScoped: policy.stores !== undefined,
            store: policy.stores?.(input) ?? null,
            chatContent: policy.chatContent === true,
            audit: writes ? 'write' : policy.auditRead === true ? 'read' : null,
          },
          details,
          action,
        )
      }
      default:
        return action()
    }
  },
}
