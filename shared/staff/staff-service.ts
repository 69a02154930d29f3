/**
 * The staff side: who the caller is as a clerk, their members, and their code. Every read is
 * scoped on the server: a clerk sees their own members, a store manager their store's.
 */
import { z } from 'zod'
import type { memberListItem, staffInput } from './contract'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { MemberDoc } from '../membership/documents'
import type { ClerkDoc } from './documents'
import { AppError } from '../platform/errors'
import { startOfShanghaiDay, startOfShanghaiMonth, startOfShanghaiWeek } from '../platform/calendar'
import { maskPhone } from '../platform/phone'
import { verifyMemberCode } from '../membership/rules/member-code'
import { signScene, verifyScene } from '../membership/rules/scene'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { isDbError, withTransaction } from '../platform/runtime/transaction'
import { phoneSharedWith } from '../chat/lookups'
import { getStore, namesFor } from './lookups'
import { newDocId } from '../platform/ids'
import { openidClaim } from '../platform/claims/claims'
import { requireOpenid } from '../platform/runtime/identity'
import { BIND_PAGE } from '../platform/pages'
import { requireStaff } from './lookups'

const REVOKED = '该邀请码已被总部撤销，请向总部申请新的邀请'

async function staffProfile(clerk: ClerkDoc, storeName?: string) {
  return {
    clerkId: clerk._id,
    name: clerk.name,
    code: clerk.code,
    isManager: clerk.isManager,
    storeId: clerk.storeId,
    storeName: storeName ?? (await getStore(clerk.storeId))?.name ?? '',
    memberCount: clerk.memberCount,
  }
}

export async function staffMe(ctx: InvocationContext) {
  return staffProfile(await requireStaff(ctx))
}

/**
 * Opens a one-time staff invite. The invite document is read and marked used inside one
 * transaction with the new clerk record, so two people opening the same invite at once cannot
 * both become clerks; the `clerk:<openid>` claim (platform/claims), inserted in the same
 * transaction, stops one WeChat user holding two records.
 */
export async function bindStaffInvite(ctx: InvocationContext, input: { invite: string }) {
  const openid = requireOpenid(ctx)
  const now = ctx.clock.now()
  const target = verifyScene(input.invite, ports().secrets.scene)
  if (!target || target.kind !== 'invite')
    throw new AppError('INVALID_INPUT', '邀请码无效', 'invite')
  const invite = await collection(COLLECTIONS.staffInvites).findOne({ code: target.code })
  if (!invite) throw new AppError('NOT_FOUND', '邀请码不存在')
  const already = await collection(COLLECTIONS.clerks).findOne({ openid })
  if (already && invite.usedByOpenid === openid && already._id === invite.clerkId)
    return staffProfile(already)
  if (invite.usedAt) throw new AppError('CONFLICT', '该邀请码已被使用，请向总部申请新的邀请')
  if (invite.revokedAt) throw new AppError('CONFLICT', REVOKED)
  if (invite.expiresAt.getTime() <= now.getTime())
    throw new AppError('CONFLICT', '该邀请码已过期，请向总部申请新的邀请')
  if (already) throw new AppError('CONFLICT', '你的微信已绑定为店员，无需重复绑定')
  const db = database()
  const clerkId = newDocId()
  const clerk: Omit<ClerkDoc, '_id'> = {
    code: invite.clerkCode,
    storeId: invite.storeId,
    name: invite.name,
    openid,
    isManager: invite.isManager,
    status: 'active',
    memberCount: 0,
    createdAt: now,
  }
  try {
    await withTransaction(db, async (t) => {
      const invites = collection(COLLECTIONS.staffInvites, t)
      const fresh = await invites.get(invite._id)
      if (!fresh || fresh.usedAt)
        throw new AppError('CONFLICT', '该邀请码已被使用，请向总部申请新的邀请')
      // A revoke that committed before this snapshot is seen here; one that lands after it
      // changes the invite, so the update below conflicts and the retry sees the revoke.
      if (fresh.revokedAt) throw new AppError('CONFLICT', REVOKED)
      await invites.update(invite._id, { usedAt: now, usedByOpenid: openid, clerkId })
      await collection(COLLECTIONS.clerks, t).insertOnce({ _id: clerkId, ...clerk })
      // One clerk per WeChat user: the `clerk:<openid>` claim is the unique key (a user bound
      // meanwhile holds it; throwing rolls back the invite's use).
      const claimed = await collection(COLLECTIONS.openidClaims, t).insertOnce(
        openidClaim('clerk', openid, clerkId, now),
      )
      if (!claimed.inserted) throw new AppError('CONFLICT', '你的微信已绑定为店员，无需重复绑定')
    })
  } catch (err) {
    if (isDbError(err, 'DATABASE_TRANSACTION_CONFLICT'))
      throw new AppError('CONFLICT', '该邀请码已被使用，请向总部申请新的邀请')
    throw err
  }
  // The store's roster changed: store-code binds read it again (a crash before this leaves the
  // directories at most a minute behind, their read interval).
  await collection(COLLECTIONS.stores).update(invite.storeId, {
    rosterVersion: db.command.inc(1),
  })
  ctx.caller.role = invite.isManager ? 'manager' : 'clerk'
  return staffProfile({ _id: clerkId, ...clerk })
}

type MemberListItem = z.infer<ReturnType<typeof memberListItem>>

function listItem(member: MemberDoc, clerkName: string): MemberListItem {
  return {
    memberId: member._id,
    memberNo: member.memberNo,
    phoneMasked: member.phone ? maskPhone(member.phone) : null,
    tier: member.tier,
    points: member.points,
    clerkId: member.clerkId,
    clerkName,
    joinedAt: member.joinedAt.toISOString(),
    lastPurchaseAt: member.lastPurchaseAt ? member.lastPurchaseAt.toISOString() : null,
    tags: member.tags,
  }
}

export async function listMyMembers(
  ctx: InvocationContext,
  input: z.output<(typeof staffInput)['myMembers']>,
) {
  const clerk = await requireStaff(ctx)
  if (input.scope === 'store' && !clerk.isManager)
    throw new AppError('FORBIDDEN', '仅店长可查看全店会员')
  const db = database()
  const where: Record<string, unknown> =
    input.scope === 'store' ? { storeId: clerk.storeId } : { clerkId: clerk._id }
  where.status = 'active'
  if (input.tag) where.tags = input.tag
  if (input.search) {
    const s = input.search
    if (s.length === 9) where.memberNo = s
    else if (s.length === 11) where.phone = s
    else if (s.length === 4) where.phone = db.RegExp({ regexp: `${s}$` })
    else throw new AppError('INVALID_INPUT', '请输入手机号后四位、完整手机号或会员号', 'search')
  }
  // One extra row tells whether there is a next page without a count query.
  const rows = await collection(COLLECTIONS.members).find(where, {
    orderBy:
      input.sort === 'lastPurchase'
        ? [
            ['lastPurchaseAt', 'desc'],
            ['joinedAt', 'desc'],
          ]
        : ['joinedAt', 'desc'],
    skip: input.offset,
    limit: input.limit + 1,
  })
  const page = rows.slice(0, input.limit)
  const names =
    input.scope === 'store'
      ? (
          await namesFor(
            [],
            page.map((m) => m.clerkId),
          )
        ).clerks
      : new Map([[clerk._id, clerk.name]])
  return {
    items: page.map((m) => listItem(m, names.get(m.clerkId) ?? '')),
    nextOffset: rows.length > input.limit ? input.offset + input.limit : null,
  }
}

export async function memberDetail(ctx: InvocationContext, input: { memberId: string }) {
  const clerk = await requireStaff(ctx)
  const member = await collection(COLLECTIONS.members).get(input.memberId)
  if (!member || member.status !== 'active') throw new AppError('NOT_FOUND', '会员不存在')
  const visible = clerk.isManager ? member.storeId === clerk.storeId : member.clerkId === clerk._id
  if (!visible) throw new AppError('FORBIDDEN', '只能查看自己的会员')
  const recent = { orderBy: ['at', 'desc'], limit: 50 } as const
  const mine = { memberId: member._id }
  const [log, visits, ledger] = await Promise.all([
    collection(COLLECTIONS.attributionLog).find(mine, recent),
    collection(COLLECTIONS.visits).find(mine, recent),
    collection(COLLECTIONS.pointsLedger).find(mine, recent),
  ])
  const clerkIds = [
    member.clerkId,
    ...log.flatMap((l) => [l.toClerkId, l.fromClerkId ?? '']),
  ].filter(Boolean)
  const names = await namesFor([member.storeId, ...visits.map((v) => v.storeId)], clerkIds)
  const shared = member.phone && (await phoneSharedWith(member._id, clerk._id))
  return {
    member: {
      ...listItem(member, names.clerks.get(member.clerkId) ?? ''),
      // Masked unless the member shared the number with this clerk in chat.
      phone: shared ? member.phone! : null,
      storeId: member.storeId,
      storeName: names.stores.get(member.storeId) ?? '',
    },
    attributionLog: log.map((l) => ({
      reason: l.reason,
      fromClerkName: l.fromClerkId ? (names.clerks.get(l.fromClerkId) ?? '') : null,
      toClerkName: names.clerks.get(l.toClerkId) ?? '',
      at: l.at.toISOString(),
      note: l.reason === 'transfer' ? (l.note ?? null) : null,
    })),
    visits: visits.map((v) => ({
      storeName: names.stores.get(v.storeId) ?? '',
      at: v.at.toISOString(),
    })),
    pointsLedger: ledger.map((e) => ({
      kind: e.kind,
      points: e.points,
      at: e.at.toISOString(),
    })),
  }
}

export async function myCode(ctx: InvocationContext) {
  const clerk = await requireStaff(ctx)
  const scene = signScene({ kind: 'clerk', code: clerk.code }, ports().secrets.scene)
  const png = await ports().wechat.getUnlimitedCode({ scene, page: BIND_PAGE })
  return { scene, pngBase64: png.toString('base64'), page: BIND_PAGE }
}

export async function myStats(ctx: InvocationContext) {
  const clerk = await requireStaff(ctx)
  const db = database()
  const _ = db.command
  const now = ctx.clock.now()
  const newSince = (since: Date) =>
    collection(COLLECTIONS.attributionLog).count({
      toClerkId: clerk._id,
      reason: 'bind',
      at: _.gte(since),
    })
  const [day, week, month] = await Promise.all([
    newSince(startOfShanghaiDay(now)),
    newSince(startOfShanghaiWeek(now)),
    newSince(startOfShanghaiMonth(now)),
  ])
  return {
    memberCount: clerk.memberCount,
    newMembersToday: day,
    newMembersThisWeek: week,
    newMembersThisMonth: month,
  }
}

/**
 * The member behind a code the clerk scanned. Only the current and the previous minute's codes
 * verify; anything older is refused as expired, anything edited as forged.
 */
export async function resolveMemberCode(
  ctx: InvocationContext,
  memberCode: string,
): Promise<MemberDoc> {
  const check = verifyMemberCode(memberCode, ctx.clock.now(), ports().secrets.memberCode)
  if (!check.ok) {
    const message =
      check.reason === 'expired'
        ? '会员码已过期，请顾客刷新会员码后重新扫描'
        : '会员码无效，请重新扫描'
    throw new AppError('INVALID_INPUT', message, 'memberCode')
  }
  const member = await collection(COLLECTIONS.members).findOne({ memberNo: check.memberNo })
  if (!member || member.status !== 'active') throw new AppError('NOT_FOUND', '会员不存在或已注销')
  return member
}

/** Who a scanned member is, as the till shows them before a sale (flows/till-code.ts). */
export async function memberPreview(member: MemberDoc) {
  const names = await namesFor([member.storeId], [member.clerkId])
  return {
    memberId: member._id,
    memberNo: member.memberNo,
    phoneMasked: member.phone ? maskPhone(member.phone) : null,
    tier: member.tier,
    points: member.points,
    storeName: names.stores.get(member.storeId) ?? '',
    clerkName: names.clerks.get(member.clerkId) ?? '',
  }
}
