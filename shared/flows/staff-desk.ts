/**
 * The staff desk's figures: the clerk's members (staff) and today's sales and commission of those
 * members (commission), read in parallel. A flow because it reads two domains' services.
 */
import { clerkToday } from '../commission/commission-service'
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireStaff } from '../staff/lookups'
import { myStats } from '../staff/staff-service'

export async function deskStats(ctx: InvocationContext) {
  const clerk = await requireStaff(ctx)
  const [members, today] = await Promise.all([myStats(ctx), clerkToday(ctx, clerk._id)])
  return { ...members, today }
}
