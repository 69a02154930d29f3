/**
 * HQ: console sign-in and the actions HQ takes on stores, clerks and members. Every action is
 * authorised on the server from the session token (never from a role sent by the client) and
 * written to the append-only audit log, success or failure.
 */
import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { adminInput, clerkView, storeView } from './contract'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { ClerkDoc, StaffInviteDoc, StoreDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { hashPassword, verifyPassword } from './rules/password'
import { signScene } from '../membership/rules/scene'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { remembered } from '../platform/runtime/policy'
import { getClerk, getStore } from '../staff/lookups'
import { BIND_PAGE, STAFF_INVITE_PAGE } from '../platform/pages'
import { randomCode } from '../platform/ids'
import type {
  AdminDoc,
  AdminRole,
  AdminSession,
  AdminSessionDoc as SessionDoc,
  AuditDoc,
} from './documents'
import { AUDIT_ACTIONS } from './rules/audit'
import { refusalFor, roleOf, type HqCall } from './rules/roles'
import type { Actor } from '../platform/lifecycle'
import {
  CLERK_STATUS_LABELS,
  STORE_STATUS_LABELS,
  nextClerkActions,
  nextStoreActions,
} from '../staff/lifecycle'

export type Input<K extends keyof typeof adminInput> = z.output<(typeof adminInput)[K]>

export const SESSION_HOURS = 12
export const MAX_FAILED_SIGN_INS = 5
export const LOCK_MINUTES = 15

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/**
 * Sets an account's password at start (the local stack's `ADMIN_PASSWORD`, first deploy): creates
 * the account, or, when the password differs from the stored one, replaces it and ends every
 * session of that account. The same password again (a restart) changes nothing and keeps sessions.
 */
export async function ensureAdminAccount(
  username: string,
  password: string,
  role: AdminRole = 'admin',
  now = new Date(),
): Promise<void> {
  const admins = collection(COLLECTIONS.admins)
  const existing = await admins.findOne({ username })
  if (existing) {
    // An account stored as `hq-admin` is already an admin: a restart keeps its sessions.
    const same =
      roleOf(existing.role) === role &&
      (existing.status ?? 'active') === 'active' &&
      (await verifyPassword(password, existing.passwordHash))
    if (same) return
    // The start-up password also brings the account back: role as given, active again.
    await setPassword(existing._id, await hashPassword(password), { role, status: 'active' })
    return
  }
  await admins.insert({
    username,
    displayName: username,
    passwordHash: await hashPassword(password),
    role,
    status: 'active',
    storeIds: [],
    failedAttempts: 0,
    lockedUntil: null,
    createdAt: now,
  } satisfies Omit<AdminDoc, '_id'>)
}

/**
 * Replaces an account's password (unlocking it) and ends every session of the account: a token
 * taken before the change never reads or writes afterwards. Sessions are removed after the new
 * hash is stored; a sign-in that checked the old password concurrently removes its own session
 * again (see `login`).
 */
export async function setPassword(
  adminId: string,
  passwordHash: string,
  extra: Partial<Pick<AdminDoc, 'role' | 'status'>> = {},
): Promise<number> {
  await collection(COLLECTIONS.admins).update(adminId, {
    ...extra,
    passwordHash,
    failedAttempts: 0,
    lockedUntil: null,
  })
  return endSessions(adminId)
}

/** Ends every session of an account (a password change, a disabled account). */
export function endSessions(adminId: string): Promise<number> {
  return collection(COLLECTIONS.adminSessions).removeWhere({ adminId })
}

/**
 * A hash of a random password, checked when the user name is unknown or the account cannot take a
 * guess now, so every refused sign-in costs one scrypt: the answer's timing does not tell whether
 * the user name exists.
 */
let dummyHash: Promise<string> | undefined
async function burnOneHash(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  await verifyPassword(password, await dummyHash)
}

type Claim = { claimed: true } | { claimed: false; lockedUntil: Date }

/**
 * Claims one password check for the account, atomically, before the password is hashed: a
 * conditional increment that succeeds only while fewer than MAX_FAILED_SIGN_INS checks are
 * claimed. The claim that takes the last one locks the account in the same update, so however
 * many sign-ins arrive at once, at most MAX_FAILED_SIGN_INS passwords are checked per lockout
 * window. Invariant: `lockedUntil` is set exactly when `failedAttempts` is at the limit; a
 * successful sign-in (or a password change) resets both. Once the lock has passed, one claim
 * swaps the expired lock (compare-and-set on its exact value) for a fresh window holding itself.
 */
async function claimAttempt(adminId: string, now: Date): Promise<Claim> {
  const db = database()
  const _ = db.command
  const admins = db.collection(COLLECTIONS.admins.name)
  const last = MAX_FAILED_SIGN_INS - 1
  for (let round = 0; round < 5; round++) {
    const open = (await admins
      .where({ _id: adminId, failedAttempts: _.lt(last) })
      .update({ failedAttempts: _.inc(1) })) as { updated: number }
    if (open.updated === 1) return { claimed: true }
    const closing = (await admins.where({ _id: adminId, failedAttempts: last }).update({
      failedAttempts: MAX_FAILED_SIGN_INS,
      lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000),
    })) as { updated: number }
    if (closing.updated === 1) return { claimed: true }
    const current = await collection(COLLECTIONS.admins).get(adminId)
    if (!current) return { claimed: false, lockedUntil: now }
    if (current.failedAttempts < MAX_FAILED_SIGN_INS) continue // moved on meanwhile: try again
    if (current.lockedUntil && current.lockedUntil.getTime() > now.getTime())
      return { claimed: false, lockedUntil: current.lockedUntil }
    // At the limit with the lock passed (or, from older data, no lock): start a new window.
    const reopened = (await admins
      .where({
        _id: adminId,
        failedAttempts: current.failedAttempts,
        lockedUntil: current.lockedUntil ?? null,
      })
      .update({ failedAttempts: 1, lockedUntil: null })) as { updated: number }
    if (reopened.updated === 1) return { claimed: true }
  }
  // Lost every race: refuse rather than check a password without a claim.
  return { claimed: false, lockedUntil: new Date(now.getTime() + 60_000) }
}

function lockedError(lockedUntil: Date, now: Date): AppError {
  return new AppError(
    'RATE_LIMITED',
    `登录失败次数过多，请 ${Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 60_000))} 分钟后再试`,
  )
}

/**
 * Checks an account's password under the lockout: claim an attempt first, then hash. Returns
 * whether it matched; a refused claim throws RATE_LIMITED after burning a hash like a check would.
 * A match resets the counter and the lock; a miss keeps its claim counted.
 */
async function checkPassword(
  ctx: InvocationContext,
  admin: AdminDoc,
  password: string,
): Promise<boolean> {
  const now = ctx.clock.now()
  // A lock already in the document read (also a lock left by older data) refuses without a claim.
  const claim: Claim =
    admin.lockedUntil && admin.lockedUntil.getTime() > now.getTime()
      ? { claimed: false, lockedUntil: admin.lockedUntil }
      : await claimAttempt(admin._id, now)
  if (!claim.claimed) {
    await burnOneHash(password)
    await audit(ctx, null, ctx.action, { username: admin.username }, 'RATE_LIMITED')
    throw lockedError(claim.lockedUntil, now)
  }
  const matched = await verifyPassword(password, admin.passwordHash)
  if (matched)
    await database()
      .collection(COLLECTIONS.admins.name)
      .doc(admin._id)
      .update({ failedAttempts: 0, lockedUntil: null })
  return matched
}

/**
 * Console sign-in. An unknown user name and a wrong password answer alike (401, the same message,
 * one scrypt each); every password check is claimed first (`claimAttempt`), so a burst of guesses
 * checks at most MAX_FAILED_SIGN_INS of them and the rest answer 429 without a check. The audit
 * log's `login` entries tell them apart: `UNAUTHENTICATED` and `ok` were checked, `RATE_LIMITED`
 * were not.
 */
export async function login(ctx: InvocationContext, input: Input<'login'>) {
  const db = database()
  const now = ctx.clock.now()
  const admin = await collection(COLLECTIONS.admins).findOne({ username: input.username })
  const refused = new AppError('UNAUTHENTICATED', '用户名或密码错误')
  if (!admin) {
    await burnOneHash(input.password)
    await audit(ctx, null, 'login', { username: input.username }, 'UNAUTHENTICATED')
    throw refused
  }
  if (!(await checkPassword(ctx, admin, input.password))) {
    await audit(ctx, null, 'login', { username: input.username }, 'UNAUTHENTICATED')
    throw refused
  }
  // Only the right password learns that the account is disabled.
  if (admin.status === 'disabled') {
    const disabled = new AppError('FORBIDDEN', '该账号已停用，请联系总部管理员')
    await audit(ctx, null, 'login', { username: input.username }, disabled)
    throw disabled
  }
  const role = roleOf(admin.role)
  const storeIds = role === 'storeManager' ? (admin.storeIds ?? []) : []
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000)
  const tokenHash = sha256(token)
  await db.collection(COLLECTIONS.adminSessions.name).add({
    tokenHash,
    adminId: admin._id,
    username: admin.username,
    role,
    storeIds,
    expiresAt,
    createdAt: now,
  } satisfies Omit<SessionDoc, '_id'>)
  // The password may have changed (or the account been disabled) while this one was being
  // checked: then this session, created after the change removed the others, must not outlive it.
  const after = await collection(COLLECTIONS.admins).get(admin._id)
  // Likewise a change of role or stores (updateAdminAccount) ends the sessions taken before it.
  if (
    !after ||
    after.passwordHash !== admin.passwordHash ||
    after.status === 'disabled' ||
    roleOf(after.role) !== role ||
    (role === 'storeManager' && (after.storeIds ?? []).join() !== storeIds.join())
  ) {
    await db.collection(COLLECTIONS.adminSessions.name).where({ tokenHash }).remove()
    await audit(ctx, null, 'login', { username: input.username }, 'UNAUTHENTICATED')
    throw refused
  }
  ctx.caller.role = role
  await Promise.all([
    collection(COLLECTIONS.admins).update(admin._id, { lastLoginAt: now }),
    audit(ctx, { adminId: admin._id, username: admin.username, role, storeIds }, 'login', {}, 'ok'),
  ])
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    role,
    username: admin.username,
    displayName: admin.displayName ?? admin.username,
    storeIds,
  }
}

/**
 * The signed-in account changes its own password: the old one is checked under the same lockout
 * as sign-in (a stolen session cannot guess it faster), then every session of the account ends,
 * the caller's included (the console signs in again with the new password).
 */
export async function changeMyPassword(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'changeMyPassword'>,
) {
  const admin = await collection(COLLECTIONS.admins).get(session.adminId)
  if (!admin) throw new AppError('UNAUTHENTICATED', '登录已过期，请重新登录')
  if (!(await checkPassword(ctx, admin, input.oldPassword)))
    // INVALID_INPUT, not UNAUTHENTICATED: the session is still good, only the field is wrong.
    throw new AppError('INVALID_INPUT', '原密码不正确', 'oldPassword')
  if (input.newPassword === input.oldPassword)
    throw new AppError('INVALID_INPUT', '新密码不能与原密码相同', 'newPassword')
  const sessionsEnded = await setPassword(admin._id, await hashPassword(input.newPassword))
  return { sessionsEnded }
}

/**
 * The session behind the caller's bearer token (only the HQ console's HTTP access calls carry
 * one), read once per invocation. Role and stores are the account's as at sign-in: changing an
 * account's rights ends its sessions.
 */
export function requireAdmin(ctx: InvocationContext): Promise<AdminSession> {
  return remembered(ctx, 'hq', async () => {
    const token = ctx.caller.bearerToken
    if (!token) throw new AppError('UNAUTHENTICATED', '请先登录总部后台')
    const found = await collection(COLLECTIONS.adminSessions).findOne({
      tokenHash: sha256(token),
    })
    if (!found || found.expiresAt.getTime() <= ctx.clock.now().getTime())
      throw new AppError('UNAUTHENTICATED', '登录已过期，请重新登录')
    const role = roleOf(found.role)
    ctx.caller.role = role
    return {
      adminId: found.adminId,
      username: found.username,
      role,
      storeIds: role === 'storeManager' ? (found.storeIds ?? []) : [],
    }
  })
}

/** The signed-in HQ account of this invocation (the guard has resolved it: no second read). */
export function hqSession(ctx: InvocationContext): Promise<AdminSession> {
  return requireAdmin(ctx)
}

/**
 * The stores a list may show this caller: a store manager's own stores, or null for every store.
 * Store-scoped services (`stores` in the action's policy) narrow their reads with it.
 */
export async function hqStoreScope(ctx: InvocationContext): Promise<string[] | null> {
  const session = await requireAdmin(ctx)
  return session.role === 'storeManager' ? session.storeIds : null
}

export async function logout(ctx: InvocationContext) {
  const session = await requireAdmin(ctx)
  await database()
    .collection(COLLECTIONS.adminSessions.name)
    .where({ tokenHash: sha256(ctx.caller.bearerToken!) })
    .remove()
  await audit(ctx, session, 'logout', {}, 'ok')
  return { loggedOut: true as const }
}

/** Appends one entry to the audit log; a refusal keeps its code and the message the person saw. */
async function audit(
  ctx: InvocationContext,
  session: AdminSession | null,
  action: string,
  details: Record<string, unknown>,
  outcome: 'ok' | AppError | string,
  kind: AuditDoc['kind'] = 'signIn',
): Promise<void> {
  const entry: Omit<AuditDoc, '_id'> = {
    at: ctx.clock.now(),
    adminId: session?.adminId ?? null,
    username: session?.username ?? (typeof details.username === 'string' ? details.username : null),
    action,
    kind: AUDIT_ACTIONS[action]?.kind ?? kind,
    details,
    outcome: outcome instanceof AppError ? outcome.code : outcome,
    ...(outcome instanceof AppError ? { message: outcome.message } : {}),
    requestId: ctx.requestId,
  }
  await collection(COLLECTIONS.auditLog).insert(entry)
}

/** An HQ call as the guard sees it: the role check's inputs, and whether to audit it. */
export interface HqActionCall extends HqCall {
  /** Audited when it succeeds or fails after the check: writes always, reads showing personal data. */
  audit: 'write' | 'read' | null
}

/**
 * Runs an HQ action: resolve the session, check the role against the action's policy
 * (rules/roles.ts), run, and audit. Every refusal by role is audited, and so is every audited
 * call's outcome (success or the refusal's code and message).
 */
export async function adminAction<T>(
  ctx: InvocationContext,
  call: HqActionCall,
  details: Record<string, unknown>,
  run: (session: AdminSession) => Promise<T>,
): Promise<T> {
  const session = await requireAdmin(ctx)
  const refusal = refusalFor(session.role, session.storeIds, call)
  if (refusal) {
    const refused = new AppError('FORBIDDEN', refusal)
    await audit(ctx, session, ctx.action, details, refused, call.audit ?? 'read')
    throw refused
  }
  try {
    const result = await run(session)
    if (call.audit) await audit(ctx, session, ctx.action, details, 'ok', call.audit)
    return result
  } catch (err) {
    if (call.audit)
      await audit(
        ctx,
        session,
        ctx.action,
        details,
        err instanceof AppError ? err : 'INTERNAL',
        call.audit,
      )
    throw err
  }
}

export function storeViewOf(
  store: StoreDoc,
  clerkCount: number,
  memberCount: number,
  actor: Actor = 'hq-admin',
): z.infer<typeof storeView> {
  return {
    storeId: store._id,
    code: store.code,
    name: store.name,
    address: store.address,
    location: store.location ?? null,
    hours: store.hours ?? null,
    status: store.status,
    statusLabel: STORE_STATUS_LABELS[store.status],
    actions: nextStoreActions(store.status, actor),
    clerkCount,
    memberCount,
    createdAt: store.createdAt.toISOString(),
    closedAt: store.closedAt?.toISOString() ?? null,
    closedReason: store.closedReason ?? null,
  }
}

export function clerkViewOf(clerk: ClerkDoc, actor: Actor = 'hq-admin'): z.infer<typeof clerkView> {
  return {
    clerkId: clerk._id,
    code: clerk.code,
    name: clerk.name,
    storeId: clerk.storeId,
    isManager: clerk.isManager,
    status: clerk.status,
    statusLabel: CLERK_STATUS_LABELS[clerk.status],
    actions: nextClerkActions(clerk.status, actor),
    memberCount: clerk.memberCount,
    bound: Boolean(clerk.openid),
    createdAt: clerk.createdAt.toISOString(),
    disabledReason: clerk.status === 'disabled' ? (clerk.disabledReason ?? null) : null,
  }
}

/** The active clerks and their members per store, in one aggregation (a chain has thousands of clerks). */
export async function staffCountsByStore(
  storeIds?: string[],
): Promise<Map<string, { clerks: number; members: number }>> {
  const db = database()
  const $ = db.command.aggregate
  const match: Record<string, unknown> = { status: 'active' }
  if (storeIds) match.storeId = db.command.in(storeIds)
  const res = (await db
    .collection(COLLECTIONS.clerks.name)
    .aggregate()
    .match(match)
    .group({ _id: '$storeId', clerks: $.sum(1), members: $.sum('$memberCount') })
    .limit(10_000)
    .end()) as { data: { _id: string; clerks: number; members: number }[] }
  return new Map(res.data.map((r) => [r._id, { clerks: r.clerks, members: r.members }]))
}

export async function createStore(ctx: InvocationContext, input: Input<'createStore'>) {
  const store: Omit<StoreDoc, '_id'> = {
    code: input.code.toUpperCase(),
    name: input.name,
    address: input.address,
    ...(input.lat !== undefined && input.lng !== undefined
      ? { location: { lat: input.lat, lng: input.lng } }
      : {}),
    ...(input.hours ? { hours: input.hours } : {}),
    status: 'active',
    createdAt: ctx.clock.now(),
  }
  // The store code's unique index decides between two HQ users creating the same store.
  const created = await collection(COLLECTIONS.stores).insertOnce(store)
  if (!created.inserted) throw new AppError('CONFLICT', `门店编码 ${store.code} 已存在`, 'code')
  return storeViewOf({ _id: created.id, ...store }, 0, 0)
}

/**
 * Every store, or those whose name contains `search` or whose code starts with it (any case),
 * with their active clerks and those clerks' members: two round trips in parallel.
 */
export async function listStores(input: Input<'listStores'> = {}, actor: Actor = 'hq-admin') {
  const db = database()
  const _ = db.command
  const conditions: object[] = []
  if (input.status) conditions.push({ status: input.status })
  if (input.search) {
    const pattern = input.search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    conditions.push(
      _.or([
        { name: db.RegExp({ regexp: pattern, options: 'i' }) },
        { code: db.RegExp({ regexp: `^${pattern}`, options: 'i' }) },
      ]),
    )
  }
  const where = (
    conditions.length === 0
      ? {}
      : conditions.length === 1
        ? conditions[0]
        : _.and(conditions as never)
  ) as Record<string, unknown>
  const [stores, counts] = await Promise.all([
    collection(COLLECTIONS.stores).find(where, { orderBy: ['createdAt', 'asc'], limit: 1000 }),
    staffCountsByStore(),
  ])
  return {
    items: stores.map((store) => {
      const count = counts.get(store._id)
      return storeViewOf(store, count?.clerks ?? 0, count?.members ?? 0, actor)
    }),
  }
}

export async function setStoreLocation(input: Input<'setStoreLocation'>) {
  const location = { lat: input.lat, lng: input.lng }
  const res = (await database()
    .collection(COLLECTIONS.stores.name)
    .doc(input.storeId)
    .update({ location })) as { updated: number }
  // Nothing changed is also what setting the same location again answers.
  if (res.updated === 0 && !(await getStore(input.storeId)))
    throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
  return { storeId: input.storeId, location }
}

export async function setStoreHours(input: Input<'setStoreHours'>) {
  const updated = await collection(COLLECTIONS.stores).update(input.storeId, {
    hours: input.hours,
  })
  // Nothing changed is also what setting the same hours again answers.
  if (updated === 0 && !(await getStore(input.storeId)))
    throw new AppError('NOT_FOUND', '门店不存在', 'storeId')
  return { storeId: input.storeId, hours: input.hours }
}

export async function listClerks(input: Input<'listClerks'>, actor: Actor = 'hq-admin') {
  const where = input.storeId ? { storeId: input.storeId } : {}
  const clerks = await collection(COLLECTIONS.clerks).find(where, {
    orderBy: ['createdAt', 'asc'],
    limit: 1000,
  })
  return { items: clerks.map((clerk) => clerkViewOf(clerk, actor)) }
}

export async function createStaffInvite(
  ctx: InvocationContext,
  session: AdminSession,
  input: Input<'createStaffInvite'>,
) {
  const store = await getStore(input.storeId)
  if (!store || store.status !== 'active')
    throw new AppError('NOT_FOUND', '门店不存在或已停业', 'storeId')
  const now = ctx.clock.now()
  const invite: Omit<StaffInviteDoc, '_id'> = {
    code: randomCode(10),
    clerkCode: `C${randomCode(7)}`,
    storeId: store._id,
    name: input.name,
    isManager: input.isManager,
    expiresAt: new Date(now.getTime() + input.validHours * 3_600_000),
    createdAt: now,
    createdBy: session.username,
  }
  await database().collection(COLLECTIONS.staffInvites.name).add(invite)
  const scene = signScene({ kind: 'invite', code: invite.code }, ports().secrets.scene)
  const png = await ports().wechat.getUnlimitedCode({ scene, page: STAFF_INVITE_PAGE })
  return {
    invite: scene,
    expiresAt: invite.expiresAt.toISOString(),
    pngBase64: png.toString('base64'),
    page: STAFF_INVITE_PAGE,
  }
}

/** A disabled clerk's code stops binding; their members stay with them until HQ transfers them. */
export async function disableClerk(ctx: InvocationContext, input: Input<'disableClerk'>) {
  const db = database()
  const clerk = await getClerk(input.clerkId)
  if (!clerk) throw new AppError('NOT_FOUND', '导购不存在', 'clerkId')
  if (clerk.status === 'disabled') return clerkViewOf(clerk)
  const now = ctx.clock.now()
  await db
    .collection(COLLECTIONS.clerks.name)
    .doc(clerk._id)
    .update({ status: 'disabled', disabledAt: now, disabledReason: input.reason })
  // The store's roster changed: store-code binds read it again (a crash before this leaves the
  // directories at most a minute behind, their read interval).
  await collection(COLLECTIONS.stores).update(clerk.storeId, { rosterVersion: db.command.inc(1) })
  return clerkViewOf({
    ...clerk,
    status: 'disabled',
    disabledAt: now,
    disabledReason: input.reason,
  })
}

export async function codeImage(input: Input<'codeImage'>) {
  let scene: string
  if (input.kind === 'store') {
    const store = await getStore(input.id)
    if (!store) throw new AppError('NOT_FOUND', '门店不存在', 'id')
    scene = signScene({ kind: 'store', code: store.code }, ports().secrets.scene)
  } else {
    const clerk = await getClerk(input.id)
    if (!clerk) throw new AppError('NOT_FOUND', '导购不存在', 'id')
    scene = signScene({ kind: 'clerk', code: clerk.code }, ports().secrets.scene)
  }
  const png = await ports().wechat.getUnlimitedCode({ scene, page: BIND_PAGE })
  return { scene, pngBase64: png.toString('base64'), page: BIND_PAGE }
}

export async function setAttributionPolicy(input: Input<'setAttributionPolicy'>) {
  await database()
    .collection(COLLECTIONS.settings.name)
    .doc('attribution')
    .set({ protectionDays: input.protectionDays })
  return { protectionDays: input.protectionDays }
}
