/** HQ's manual points adjustments, by member number. */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'
import type { AdminSession } from '../hq/documents'
import { adjustMemberPoints } from './points-account-service'

export async function adjustPointsByMemberNo(
  ctx: InvocationContext,
  session: AdminSession,
  input: { memberNo: string; points: number; reason: string; requestKey?: string },
) {
  const member = await collection(COLLECTIONS.members).findOne({ memberNo: input.memberNo })
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
