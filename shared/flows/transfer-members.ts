/**
 * HQ moves members between clerks (one member, a clerk's whole book, or clerks to another store):
 * staff and membership meet here.
 */
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { getClerk } from '../staff/lookups'
import { moveMember } from '../membership/member-service'
import type { AdminSession } from '../hq/documents'
import { Input } from '../hq/admin-service'

/** The two clerks of a transfer: different, both known, and the receiving one active. */
export async function transferClerks(input: {
  fromClerkId: string
  toClerkId: string
}): Promise<{ from: ClerkDoc; to: ClerkDoc }> {
  if (input.fromClerkId === input.toClerkId)
    throw new AppError('INVALID_INPUT', '转出和转入导购不能相同', 'toClerkId')
  const [from, to] = await Promise.all([getClerk(input.fromClerkId), getClerk(input.toClerkId)])
  if (!from) throw new AppError('NOT_FOUND', '转出导购不存在', 'fromClerkId')
  if (!to) throw new AppError('NOT_FOUND', '转入导购不存在', 'toClerkId')
  if (to.status !== 'active') throw new AppError('CONFLICT', '不能转给已停用的导购', 'toClerkId')
  return { from, to }
}

/**
 * Moves up to `limit` of `from`'s active members (or of the chosen ones) to `to`, each in its own
 * transaction (member, both counts and the log entry together). Idempotent: a member already moved
 * no longer matches, so a re-run moves only those left. `remaining` counts all of `from`'s members.
 */
export async function moveClerkMembers(
  ctx: InvocationContext,
  actor: string,
  transfer: { from: ClerkDoc; to: ClerkDoc; reason: string; memberIds?: string[] },
  limit: number,
): Promise<{ moved: number; remaining: number }> {
  const db = database()
  const where: Record<string, unknown> = { clerkId: transfer.from._id, status: 'active' }
  if (transfer.memberIds) where._id = db.command.in(transfer.memberIds)
  const members = collection(COLLECTIONS.members)
  const batch = await members.find(where, { fields: ['_id'], limit })
  const now = ctx.clock.now()
  let moved = 0
  for (const { _id } of batch) {
    const result = await moveMember(db, _id, transfer.to, {
      key: `transfer:${ctx.requestId}:${_id}`,
      reason: 'transfer',
      actor: { kind: 'admin', id: actor },
      note: transfer.reason,
      now,
    })
    if (result) moved++
  }
  const remaining = transfer.memberIds
    ? 0
    : await members.count({ clerkId: transfer.from._id, status: 'active' })
  return { moved, remaining }
}

/** Moves the chosen members (or the next 200 of a clerk's); `remaining` tells the console whether to call again. */
export async function transferMembers(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'transferMembers'>,
) {
  const { from, to } = await transferClerks(input)
  const { moved, remaining } = await moveClerkMembers(
    ctx,
    session.username,
    { from, to, reason: input.reason, memberIds: input.memberIds },
    200,
  )
  return { moved, skipped: input.memberIds ? input.memberIds.length - moved : 0, remaining }
}
