/**
 * Who the calling member is: read-only lookups other domains may use.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { MemberDoc } from './documents'
import { AppError } from '../platform/errors'
import type { InvocationContext } from '../platform/runtime/define-function'
import { requireOpenid } from '../platform/runtime/identity'
import { remembered } from '../platform/runtime/policy'

/** The caller's member record, or null if they have not bound a card. One round trip. */
export async function findMemberByOpenid(openid: string): Promise<MemberDoc | null> {
  return collection(COLLECTIONS.members).findOne({ openid })
}

/** The calling member (an active card), read once per invocation however often it is asked for. */
export function requireMember(ctx: InvocationContext): Promise<MemberDoc> {
  return remembered(ctx, 'member', async () => {
    const member = await findMemberByOpenid(requireOpenid(ctx))
    if (!member || member.status !== 'active')
      throw new AppError('NOT_FOUND', '还不是会员：请扫描门店或导购的二维码开卡')
    ctx.caller.role = 'member'
    return member
  })
}
