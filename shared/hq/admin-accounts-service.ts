/**
 * HQ console accounts (admins only, declared `hq:admin` in the admin function): list, create,
 * change role, stores and name, disable and enable, reset a password, lift a lock. Rights change only with the account's
 * sessions ended, so a session's role and stores (read once per call) are never stale.
 */
import type { z } from 'zod'
import { COLLECTIONS } from '../collections'
import { AppError } from '../platform/errors'
import { collection } from '../platform/db/collection'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { withTransaction } from '../platform/runtime/transaction'
import type { StoreDoc } from '../staff/documents'
import { endSessions, setPassword, type Input } from './admin-service'
import type { adminAccountView } from './contract'
import type { AdminDoc, AdminSession } from './documents'
import { accountStatusLabel, nextAccountActions } from './lifecycle'
import { hashPassword } from './rules/password'
import { ROLE_LABELS, roleOf } from './rules/roles'

type AccountView = z.infer<typeof adminAccountView>
type StoreNames = Map<string, Pick<StoreDoc, 'name' | 'code'>>

async function storesByIds(ids: string[]): Promise<StoreNames> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const stores = await collection(COLLECTIONS.stores).find(
    { _id: database().command.in(unique) },
    { fields: ['name', 'code'], limit: 1000 },
  )
  return new Map(stores.map((s) => [s._id, { name: s.name, code: s.code }]))
}

function viewOf(admin: AdminDoc, viewer: AdminSession, stores: StoreNames, now: Date): AccountView {
  const role = roleOf(admin.role)
  const status = admin.status ?? 'active'
  const locked = admin.lockedUntil !== null && admin.lockedUntil.getTime() > now.getTime()
  const facts = { status, locked, self: admin._id === viewer.adminId }
  return {
    adminId: admin._id,
    username: admin.username,
    displayName: admin.displayName ?? admin.username,
    role,
    roleLabel: ROLE_LABELS[role],
    status,
    statusLabel: accountStatusLabel(facts),
    lockedUntil: locked ? admin.lockedUntil!.toISOString() : null,
    actions: nextAccountActions(facts, viewer.role === 'admin'),
    stores: (role === 'storeManager' ? (admin.storeIds ?? []) : []).map((storeId) => ({
      storeId,
      name: stores.get(storeId)?.name ?? '（门店已删除）',
      code: stores.get(storeId)?.code ?? '',
    })),
    self: facts.self,
    createdAt: admin.createdAt.toISOString(),
    createdBy: admin.createdBy ?? null,
    lastLoginAt: admin.lastLoginAt ? admin.lastLoginAt.toISOString() : null,
  }
}

async function accountView(ctx: InvocationContext, viewer: AdminSession, admin: AdminDoc) {
  return viewOf(admin, viewer, await storesByIds(admin.storeIds ?? []), ctx.clock.now())
}

async function requireAccount(adminId: string): Promise<AdminDoc> {
  const admin = await collection(COLLECTIONS.admins).get(adminId)
  if (!admin) throw new AppError('NOT_FOUND', '账号不存在', 'adminId')
  return admin
}

/** Every account (a chain has tens), with its stores' names: two round trips. */
export async function listAdminAccounts(ctx: InvocationContext, viewer: AdminSession) {
  const admins = await collection(COLLECTIONS.admins).find(
    {},
    { orderBy: ['createdAt', 'asc'], limit: 1000 },
  )
  const stores = await storesByIds(admins.flatMap((a) => a.storeIds ?? []))
  const now = ctx.clock.now()
  return { items: admins.map((admin) => viewOf(admin, viewer, stores, now)) }
}

/**
 * A new account. The user name is unique by the `admins.username` index: two creations of one
 * name at once insert one account and the other is told the name is taken.
 */
export async function createAdminAccount(
  ctx: InvocationContext,
  viewer: AdminSession,
  input: Input<'createAdminAccount'>,
) {
  const storeIds = [...new Set(input.storeIds ?? [])]
  const stores = await storesByIds(storeIds)
  const missing = storeIds.find((id) => !stores.has(id))
  if (missing !== undefined) throw new AppError('NOT_FOUND', '所选门店不存在', 'storeIds')
  const doc: Omit<AdminDoc, '_id'> = {
    username: input.username,
    displayName: input.displayName,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    status: 'active',
    storeIds,
    failedAttempts: 0,
    lockedUntil: null,
    createdAt: ctx.clock.now(),
    createdBy: viewer.username,
  }
  const created = await collection(COLLECTIONS.admins).insertOnce(doc)
  if (!created.inserted)
    throw new AppError('CONFLICT', `用户名 ${input.username} 已被使用`, 'username')
  return viewOf({ _id: created.id, ...doc }, viewer, stores, ctx.clock.now())
}

const sameStores = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id) => b.includes(id))

/**
 * Changes an account's role, stores or name (`edit` on 账号与权限). A change of role or stores
 * ends every session of that account: a session keeps the role and stores it signed in with, so
 * the person signs in again and gets the new rights, never a mix. A name alone ends nothing.
 *
 * Guarantee: the chain keeps an active admin. Only an active admin changes roles, never their own;
 * the change runs in a transaction that also writes the acting account after checking it is still
 * an active admin, so two admins demoting each other at once conflict at that write and the retry
 * of the second finds itself demoted and is refused. The actor stays an admin, so the account it
 * demotes is never the last one.
 */
export async function updateAdminAccount(
  ctx: InvocationContext,
  viewer: AdminSession,
  input: Input<'updateAdminAccount'>,
) {
  const storeIds = input.role === 'storeManager' ? [...new Set(input.storeIds ?? [])] : []
  const [found, stores] = await Promise.all([
    collection(COLLECTIONS.admins).findOne({ username: input.username }),
    storesByIds(storeIds),
  ])
  if (!found) throw new AppError('NOT_FOUND', '账号不存在', 'username')
  if (storeIds.some((id) => !stores.has(id)))
    throw new AppError('NOT_FOUND', '所选门店不存在', 'storeIds')
  const self = found._id === viewer.adminId
  if (self && input.role !== 'admin')
    throw new AppError('FORBIDDEN', '不能更改自己的角色：请另一位总部管理员操作', 'role')
  const now = ctx.clock.now()
  const _ = database().command
  const { before, after } = await withTransaction(database(), async (t) => {
    const admins = collection(COLLECTIONS.admins, t)
    const [me, target] = await Promise.all([admins.get(viewer.adminId), admins.get(found._id)])
    if (!me || me.status === 'disabled') throw new AppError('UNAUTHENTICATED', '你的账号已停用')
    if (roleOf(me.role) !== 'admin')
      throw new AppError('FORBIDDEN', '只有总部管理员可以管理账号和规则')
    if (!target) throw new AppError('NOT_FOUND', '账号不存在', 'username')
    const change = {
      role: input.role,
      storeIds: _.set(storeIds),
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
    }
    if (!self) await admins.update(me._id, { lastAccountChangeAt: now })
    await admins.update(target._id, change)
    const updated: AdminDoc = {
      ...target,
      role: input.role,
      storeIds,
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
    }
    return { before: target, after: updated }
  })
  const rightsChanged =
    roleOf(before.role) !== input.role || !sameStores(before.storeIds ?? [], storeIds)
  const sessionsEnded = rightsChanged ? await endSessions(after._id) : 0
  return { ...viewOf(after, viewer, stores, now), sessionsEnded }
}

function refuseSelf(viewer: AdminSession, adminId: string, message: string): void {
  if (viewer.adminId === adminId) throw new AppError('FORBIDDEN', message, 'adminId')
}

/**
 * Disables or enables an account; disabling ends its sessions at once (after the status is
 * stored: a sign-in racing with it checks the status again after creating its session).
 *
 * Guarantee: an admin disabled by someone else can no longer disable anyone, even at the same
 * moment. The change runs in a transaction that also writes the acting account (after checking
 * it is still active), so two admins disabling each other at once conflict at that write, and
 * the retry of the second sees its own account disabled: the chain never loses its last admin
 * this way (and nobody can disable their own account).
 */
export async function setAdminAccountStatus(
  ctx: InvocationContext,
  viewer: AdminSession,
  input: Input<'setAdminAccountStatus'>,
) {
  refuseSelf(viewer, input.adminId, '不能停用或启用自己的账号')
  const now = ctx.clock.now()
  const admin = await withTransaction(database(), async (t) => {
    const admins = collection(COLLECTIONS.admins, t)
    const [me, target] = await Promise.all([admins.get(viewer.adminId), admins.get(input.adminId)])
    if (!me || me.status === 'disabled') throw new AppError('UNAUTHENTICATED', '你的账号已停用')
    if (!target) throw new AppError('NOT_FOUND', '账号不存在', 'adminId')
    await admins.update(viewer.adminId, { lastAccountChangeAt: now })
    await admins.update(input.adminId, { status: input.status })
    return target
  })
  const sessionsEnded = input.status === 'disabled' ? await endSessions(admin._id) : 0
  return {
    ...(await accountView(ctx, viewer, { ...admin, status: input.status })),
    sessionsEnded,
  }
}

/** Sets another account's password: it is unlocked, and every session of it ends. */
export async function resetAdminPassword(
  ctx: InvocationContext,
  viewer: AdminSession,
  input: Input<'resetAdminPassword'>,
) {
  refuseSelf(viewer, input.adminId, '自己的密码请在右上角「修改密码」中更改')
  const admin = await requireAccount(input.adminId)
  const sessionsEnded = await setPassword(admin._id, await hashPassword(input.newPassword))
  return {
    ...(await accountView(ctx, viewer, { ...admin, failedAttempts: 0, lockedUntil: null })),
    sessionsEnded,
  }
}

/** Lifts the sign-in lock (the count of wrong passwords starts again). */
export async function unlockAdminAccount(
  ctx: InvocationContext,
  viewer: AdminSession,
  input: Input<'unlockAdminAccount'>,
) {
  const admin = await requireAccount(input.adminId)
  await collection(COLLECTIONS.admins).update(admin._id, { failedAttempts: 0, lockedUntil: null })
  return accountView(ctx, viewer, { ...admin, failedAttempts: 0, lockedUntil: null })
}
