/** HQ's manual points adjustments, by member number. */
import { COLLECTIONS } from '../collections'
import type { MemberDoc } from '../membership/documents'
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'
import type { AdminSession } from '../hq/documents'
import { findOne } from '../staff/lookups'
import { adjustMemberPoints } from './points-account-service'

export async function adjustPointsByMemberNo(
  ctx: InvocationContext,
  session: AdminSession,
  input: { memberNo: string; points: number; reason: string; requestKey?: string },
) {
  const member = await findOne<MemberDoc>(COLLECTIONS.members.name, { memberNo: input.memberNo })
  if (!member) throw new AppError('NOT_FOUND', '会员不存在', 'memberNo')
  const result = await adjustMemberPoints(ctx, {
    memberId: member._id,
    points: input.points,
    reason: input.reason,
    by: session.username,
    requestKey: input.requestKey ?? ctx.requestId,
  })
  return { ...result, memberNo: member.memberNo }
}
