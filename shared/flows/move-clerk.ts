/**
 * A clerk moves to another store (staff, membership and HQ jobs meet here). HQ chooses what
 * happens to the members the clerk serves at the old store:
 * - `follow`: they stay the clerk's and move to the new store with them (store, conversations);
 * - `stay`: they stay at the old store and go to another clerk there (`toClerkId`).
 * Members who bind with the clerk's code after the move join the new store as usual.
 *
 * Either way the members move through the transfer job (flows/transfer-members.ts), each in its
 * own transaction, selected as "the clerk's members still at the old store": a member already
 * moved no longer matches, so a step that crashes midway is redone by the next one and moves
 * each member exactly once.
 */
import { COLLECTIONS } from '../collections'
import type { JobDoc } from '../hq/documents'
import type { AdminSession } from '../hq/documents'
import { clerkViewOf, type Input } from '../hq/admin-service'
import { AppError } from '../platform/errors'
import { newDocId } from '../platform/ids'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { withTransaction } from '../platform/runtime/transaction'
import type { ClerkDoc } from '../staff/documents'
import { getClerk, getStore } from '../staff/lookups'
import { newJobDoc, writerView } from './hq-jobs'
import { lifecycleActor } from '../hq/rules/roles'
import { collection } from '../platform/db/collection'

export async function moveClerk(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'moveClerk'>,
) {
  const db = database()
  const [clerk, toStore] = await Promise.all([getClerk(input.clerkId), getStore(input.toStoreId)])
  if (!clerk) throw new AppError('NOT_FOUND', '导购不存在', 'clerkId')
  if (clerk.status !== 'active')
    throw new AppError('CONFLICT', '已停用的导购不能调店，请先恢复在岗', 'clerkId')
  if (!toStore || toStore.status !== 'active')
    throw new AppError('CONFLICT', '目标门店不存在或已停业', 'toStoreId')
  if (toStore._id === clerk.storeId)
    throw new AppError('INVALID_INPUT', '导购已在该门店，请选择其他门店', 'toStoreId')
  const fromStore = await getStore(clerk.storeId)
  const fromStoreName = fromStore?.name ?? '原门店'
  let receiver: ClerkDoc = { ...clerk, storeId: toStore._id }
  if (input.members === 'stay') {
    if (!input.toClerkId)
      throw new AppError('INVALID_INPUT', '请选择在原门店接手会员的导购', 'toClerkId')
    const to = await getClerk(input.toClerkId)
    if (!to || to._id === clerk._id || to.storeId !== clerk.storeId || to.status !== 'active')
      throw new AppError(
        'INVALID_INPUT',
        `接手会员的导购须是「${fromStoreName}」的其他在岗导购`,
        'toClerkId',
      )
    receiver = to
  }
  const members = await collection(COLLECTIONS.members).count({
    clerkId: clerk._id,
    storeId: clerk.storeId,
    status: 'active',
  })
  const now = ctx.clock.now()
  const job: JobDoc | null =
    members > 0
      ? {
          _id: newDocId(),
          ...newJobDoc(ctx, session, {
            kind: 'transferMembers',
            title:
              input.members === 'follow'
                ? `导购调店：${clerk.name} 从「${fromStoreName}」到「${toStore.name}」，会员随调`
                : `导购调店：${clerk.name} 到「${toStore.name}」，会员留店转给 ${receiver.name}`,
            rows: [],
            total: members,
            params: {
              fromClerkId: clerk._id,
              toClerkId: receiver._id,
              reason: input.reason,
              fromStoreId: clerk.storeId,
            },
            errors: [],
          }),
        }
      : null
  // Guarantee: the clerk's new store and the job that moves their members are written together
  // or not at all; the transaction re-reads the clerk, so two moves at once cannot both apply.
  await withTransaction(db, async (t) => {
    const clerks = collection(COLLECTIONS.clerks, t)
    const fresh = await clerks.get(clerk._id)
    if (!fresh || fresh.storeId !== clerk.storeId || fresh.status !== 'active')
      throw new AppError('CONFLICT', '导购刚被调整过，请刷新后重试', 'clerkId')
    await clerks.update(clerk._id, { storeId: toStore._id, movedAt: now })
    if (job) await collection(COLLECTIONS.jobs, t).insert(job)
  })
  // Both stores' rosters changed: store-code binds read them again (staff/lookups.ts); a crash
  // before this leaves the directories at most a minute behind, their read interval.
  const _ = db.command
  await Promise.all(
    [clerk.storeId, toStore._id].map((storeId) =>
      collection(COLLECTIONS.stores).update(storeId, { rosterVersion: _.inc(1) }),
    ),
  )
  return {
    clerk: clerkViewOf(
      { ...clerk, storeId: toStore._id, movedAt: now },
      lifecycleActor(session.role),
    ),
    job: job ? writerView(job) : null,
  }
}
