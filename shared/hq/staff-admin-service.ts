/**
 * HQ's day-to-day on stores, clerks and staff invites: edit a store, bring a clerk back, list,
 * withdraw and re-issue invites. (Closing a store and moving a clerk cross domains: flows/.)
 */
import type { z } from 'zod'
import { COLLECTIONS } from '../collections'
import type { inviteView } from './contract'
import { AppError } from '../platform/errors'
import type { Actor } from '../platform/lifecycle'
import { STAFF_INVITE_PAGE } from '../platform/pages'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { signScene } from '../membership/rules/scene'
import type { ClerkDoc, StaffInviteDoc, StoreDoc } from '../staff/documents'
import {
  INVITE_STATUS_LABELS,
  inviteStatus,
  nextInviteActions,
  type InviteStatus,
} from '../staff/lifecycle'
import { getClerk, getStore } from '../staff/lookups'
import { clerkViewOf, staffCountsByStore, storeViewOf, type Input } from './admin-service'
import { lifecycleActor } from './rules/roles'
import { collection } from '../platform/db/collection'
import type { AdminSession } from './documents'

const stores = () => collection(COLLECTIONS.stores)
const invites = () => collection(COLLECTIONS.staffInvites)

/** A store with its active clerks and their members, as the stores page shows it. */
export async function storeView(store: StoreDoc, actor: Actor = 'hq-admin') {
  const count = (await staffCountsByStore([store._id])).get(store._id)
  return storeViewOf(store, count?.clerks ?? 0, count?.members ?? 0, actor)
}

export async function updateStore(ctx: InvocationContext, input: Input<'updateStore'>) {
  const change: Partial<StoreDoc> = {
    name: input.name,
    address: input.address,
    updatedAt: ctx.clock.now(),
    ...(input.lat !== undefined && input.lng !== undefined
      ? { location: { lat: input.lat, lng: input.lng } }
      : {}),
  }
  await stores().update(input.storeId, change)
  const store = await getStore(input.storeId)
  if (!store) throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
  return storeView(store)
}

/**
 * A disabled clerk back at work. Guarantee: the conditional update (`status: 'disabled'`) makes
 * the change once; the store must be open (a clerk of a closed store is moved, not enabled).
 */
export async function enableClerk(ctx: InvocationContext, input: Input<'enableClerk'>) {
  const clerk = await getClerk(input.clerkId)
  if (!clerk) throw new AppError('NOT_FOUND', '导购不存在', 'clerkId')
  if (clerk.status === 'active') return clerkViewOf(clerk)
  const store = await getStore(clerk.storeId)
  if (!store || store.status !== 'active')
    throw new AppError('CONFLICT', '该导购所在门店已停业，请先把导购调到营业中的门店', 'clerkId')
  const now = ctx.clock.now()
  await collection(COLLECTIONS.clerks).updateIf(
    { _id: clerk._id, status: 'disabled' },
    { status: 'active', enabledAt: now, disabledReason: database().command.remove() },
  )
  // The store's roster changed: store-code binds read it again (staff/lookups.ts).
  await collection(COLLECTIONS.stores).update(clerk.storeId, {
    rosterVersion: database().command.inc(1),
  })
  const after = await getClerk(clerk._id)
  return clerkViewOf(after as ClerkDoc)
}

function inviteWhere(status: InviteStatus | undefined, now: Date): Record<string, unknown> {
  const _ = database().command
  switch (status) {
    case 'used':
      return { usedAt: _.exists(true) }
    case 'revoked':
      return { revokedAt: _.exists(true), usedAt: _.exists(false) }
    case 'pending':
      return { usedAt: _.exists(false), revokedAt: _.exists(false), expiresAt: _.gt(now) }
    case 'expired':
      return { usedAt: _.exists(false), revokedAt: _.exists(false), expiresAt: _.lte(now) }
    default:
      return {}
  }
}

type InviteView = z.infer<ReturnType<typeof inviteView>>

function inviteViewOf(
  invite: StaffInviteDoc,
  store: Pick<StoreDoc, 'name' | 'code'> | undefined,
  now: Date,
  actor: Actor,
): InviteView {
  const status = inviteStatus(invite, now)
  return {
    inviteId: invite._id,
    invite: signScene({ kind: 'invite', code: invite.code }, ports().secrets.scene),
    status,
    statusLabel: INVITE_STATUS_LABELS[status],
    actions: nextInviteActions(status, actor),
    name: invite.name,
    isManager: invite.isManager,
    storeId: invite.storeId,
    storeName: store?.name ?? '',
    storeCode: store?.code ?? '',
    expiresAt: invite.expiresAt.toISOString(),
    createdAt: invite.createdAt.toISOString(),
    createdBy: invite.createdBy,
    usedAt: invite.usedAt?.toISOString() ?? null,
    clerkId: invite.clerkId ?? null,
    revokedAt: invite.revokedAt?.toISOString() ?? null,
    revokedBy: invite.revokedBy ?? null,
  }
}

async function storesOf(
  ids: string[],
): Promise<Map<string, Pick<StoreDoc, '_id' | 'name' | 'code'>>> {
  if (ids.length === 0) return new Map()
  const found = await stores().find(
    { _id: database().command.in([...new Set(ids)]) },
    { fields: ['name', 'code'], limit: 1000 },
  )
  return new Map(found.map((s) => [s._id, s]))
}

/** Invites by status (derived: a use or a revoke is stored, expiry is the clock), newest first. */
export async function listInvites(
  ctx: InvocationContext,
  input: Input<'listInvites'>,
  actor: Actor,
) {
  const now = ctx.clock.now()
  const where = inviteWhere(input.status, now)
  if (input.storeId) where.storeId = input.storeId
  const [page, total] = await Promise.all([
    invites().find(where, {
      orderBy: ['createdAt', 'desc'],
      skip: (input.page - 1) * input.pageSize,
      limit: input.pageSize,
    }),
    invites().count(where),
  ])
  const names = await storesOf(page.map((i) => i.storeId))
  return {
    items: page.map((i) => inviteViewOf(i, names.get(i.storeId), now, actor)),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

async function getInvite(inviteId: string): Promise<StaffInviteDoc> {
  const invite = await invites().get(inviteId)
  if (!invite) throw new AppError('NOT_FOUND', '邀请不存在', 'inviteId')
  return invite
}

/**
 * Withdraws a pending invite. Guarantee: the conditional update (not used, not revoked) and the
 * bind's transaction (which reads the invite and writes `usedAt`) exclude each other: whichever
 * writes the invite first wins, the other sees it (the bind retries on the conflict and reads the
 * revoke; the revoke's condition fails on `usedAt`).
 */
export async function revokeInvite(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'revokeInvite'>,
) {
  const now = ctx.clock.now()
  const _ = database().command
  const revoked = await invites().updateIf(
    { _id: input.inviteId, usedAt: _.exists(false), revokedAt: _.exists(false) },
    { revokedAt: now, revokedBy: session.username },
  )
  const invite = await getInvite(input.inviteId)
  if (!revoked && invite.usedAt)
    throw new AppError(
      'CONFLICT',
      `该邀请已被 ${invite.name} 使用，不能撤销；如需停用请在导购列表中停用`,
      'inviteId',
    )
  // Revoked already (a repeated click) answers the same view.
  const names = await storesOf([invite.storeId])
  return inviteViewOf(invite, names.get(invite.storeId), now, lifecycleActor(session.role))
}

/** A pending invite's code again (the dialog that showed it was closed): same scene, same expiry. */
export async function inviteCode(ctx: InvocationContext, input: Input<'inviteCode'>) {
  const invite = await getInvite(input.inviteId)
  const status = inviteStatus(invite, ctx.clock.now())
  if (status !== 'pending')
    throw new AppError(
      'CONFLICT',
      `该邀请${INVITE_STATUS_LABELS[status]}，不能再下载；请重新邀请`,
      'inviteId',
    )
  const scene = signScene({ kind: 'invite', code: invite.code }, ports().secrets.scene)
  const png = await ports().wechat.getUnlimitedCode({ scene, page: STAFF_INVITE_PAGE })
  return {
    invite: scene,
    expiresAt: invite.expiresAt.toISOString(),
    pngBase64: png.toString('base64'),
    page: STAFF_INVITE_PAGE,
  }
}
