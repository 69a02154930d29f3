/**
 * Membership: binding a WeChat user from a scanned code, the member's own views, the dynamic
 * member code, and the member's rights over their data.
 */
import { NO_PAYMENT } from '../points/rules/tiers'
import type { MemberView } from './contract'
import { COLLECTIONS } from '../collections'
import { createHmac, randomInt } from 'node:crypto'
import { collection } from '../platform/db/collection'
import { defineCollection } from '../platform/db/collection-spec'
import type { AttributionLogDoc, MemberDoc, MemberTombstoneDoc } from './documents'
import type { PointsLedgerDoc } from '../points/documents'
import type { ClerkDoc, StoreDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import {
  DEFAULT_ATTRIBUTION_POLICY,
  clerkInTurn,
  decideScan,
  storeRoster,
  type AttributionPolicy,
} from './rules/attribution'
import { issueMemberCode, MEMBER_CODE_SEQUENCES, MEMBER_CODE_WINDOW_MS } from './rules/member-code'
import { maskPhone, normalisePhone } from '../platform/phone'
import { pointsExpiryFor } from '../points/rules/points'
import { emptyAccount, planCredit } from '../points/rules/points-ledger'
import { signScene, verifyScene } from './rules/scene'
import { byDistance } from '../shop/rules/store-distance'
import { WeChatError } from '../platform/ports/wechat'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { ports } from '../platform/runtime/ports'
import { withTransaction } from '../platform/runtime/transaction'
import {
  activeStores,
  getClerk,
  namesFor,
  rosterVersionOf,
  staffDirectory,
  type StaffDirectory,
} from '../staff/lookups'
import { loadPointsRules } from '../points/lookups'
import { openidClaimId } from '../platform/claims/claims'
import { requireOpenid } from '../platform/runtime/identity'
import { findMemberByOpenid, requireMember } from './lookups'

/** The attribution document of the settings collection (`_id` = 'attribution'). */
const ATTRIBUTION_SETTINGS = defineCollection<{ _id: string } & Partial<AttributionPolicy>>(
  COLLECTIONS.settings,
)

export async function toMemberView(
  member: MemberDoc,
  names?: { storeName?: string; clerkName?: string },
): Promise<MemberView> {
  let storeName = names?.storeName
  let clerkName = names?.clerkName
  if (storeName === undefined || clerkName === undefined) {
    const found = await namesFor([member.storeId], [member.clerkId])
    storeName ??= found.stores.get(member.storeId) ?? ''
    clerkName ??= found.clerks.get(member.clerkId) ?? ''
  }
  return {
    memberId: member._id,
    memberNo: member.memberNo,
    phoneMasked: member.phone ? maskPhone(member.phone) : null,
    tier: member.tier,
    points: member.points,
    storeId: member.storeId,
    storeName,
    clerkId: member.clerkId,
    clerkName,
    joinedAt: member.joinedAt.toISOString(),
    birthday: member.birthday ?? null,
  }
}

/** What a scanned scene names, checked for its signature (no database read). */
type ScannedCode = { kind: 'store' | 'clerk'; code: string }

function scannedCode(scene: string): ScannedCode {
  const target = verifyScene(scene, ports().secrets.scene)
  if (!target || target.kind === 'invite') {
    throw new AppError('INVALID_INPUT', '二维码无效：请扫描门店或导购出示的小程序码', 'scene')
  }
  return { kind: target.kind, code: target.code }
}

/**
 * The scanned code's store and clerk from the staff directory (names and ids only: a repeat
 * scan's visit and the card's names). A code the directory does not know is read again once.
 */
async function directoryTarget(
  scanned: ScannedCode,
): Promise<{ store: StoreDoc; clerk: ClerkDoc | null; directory: StaffDirectory }> {
  for (const fresh of [false, true]) {
    const directory = await staffDirectory({ fresh })
    if (scanned.kind === 'clerk') {
      const clerk = directory.clerksByCode.get(scanned.code)
      const store = clerk && directory.stores.get(clerk.storeId)
      if (clerk && store) return { store, clerk, directory }
    } else {
      const store = directory.storesByCode.get(scanned.code)
      if (store) return { store, clerk: null, directory }
    }
  }
  throw new AppError('NOT_FOUND', scanned.kind === 'clerk' ? '该导购不存在' : '该门店不存在')
}

/** The names a card shows, from the staff directory (read again once for an unknown id). */
async function cardNames(member: Pick<MemberDoc, 'storeId' | 'clerkId'>) {
  for (const fresh of [false, true]) {
    const directory = await staffDirectory({ fresh })
    const store = directory.stores.get(member.storeId)
    const clerk = directory.clerks.get(member.clerkId)
    if ((store && clerk) || fresh)
      return { storeName: store?.name ?? '', clerkName: clerk?.name ?? '' }
  }
  return { storeName: '', clerkName: '' }
}

/**
 * A first bind's store and clerk, decided on fresh data in one round trip:
 * - a clerk's code: the clerk as stored now (a disabled clerk's code stops binding at once);
 * - a store's code: the store's next turn (`bindSeq`, one atomic increment on an active store)
 *   and the clerk holding it on the store's roster (rules/attribution.ts). The roster comes from
 *   the staff directory, read again when the store's `rosterVersion` is newer than the directory's.
 */
async function firstBindTarget(
  scanned: ScannedCode,
): Promise<{ store: StoreDoc; clerk: ClerkDoc }> {
  const _ = database().command
  if (scanned.kind === 'clerk') {
    const clerk = await collection(COLLECTIONS.clerks).findOne({ code: scanned.code })
    if (!clerk) throw new AppError('NOT_FOUND', '该导购不存在')
    if (clerk.status !== 'active')
      throw new AppError('CONFLICT', '该导购已停用，请扫描门店二维码开卡')
    // The clerk's store as the fresh clerk says (a clerk moved a moment ago binds at the new
    // store); the directory is read again when it still has the clerk elsewhere.
    let store: StoreDoc | undefined
    for (const fresh of [false, true]) {
      const directory = await staffDirectory({ fresh })
      store = directory.stores.get(clerk.storeId)
      if (store && directory.clerks.get(clerk._id)?.storeId === clerk.storeId) break
    }
    if (!store) throw new AppError('NOT_FOUND', '该门店不存在')
    if (store.status !== 'active')
      throw new AppError('CONFLICT', '该门店已停业，请扫描其他门店的二维码')
    return { store, clerk }
  }
  // Guarantee: every store-code bind holds a distinct turn (one atomic increment, no read
  // before it), so binds arriving together take the clerks in turn without conflicting.
  const store = await collection(COLLECTIONS.stores).updateAndReturn(
    { code: scanned.code, status: 'active' },
    { bindSeq: _.inc(1) },
  )
  if (!store) {
    const { store: known } = await directoryTarget(scanned)
    if (known) throw new AppError('CONFLICT', '该门店已停业，请扫描其他门店的二维码')
    throw new AppError('NOT_FOUND', '该门店不存在')
  }
  for (const fresh of [false, true]) {
    const directory = await staffDirectory({ fresh })
    const known = directory.stores.get(store._id)
    if (!fresh && (!known || rosterVersionOf(known) < rosterVersionOf(store))) continue
    const roster = storeRoster(
      [...directory.clerks.values()]
        .filter((c) => c.storeId === store._id)
        .map((c) => ({ ...c, clerkId: c._id })),
    )
    const clerk = clerkInTurn(roster, store.bindSeq ?? 1)
    if (!clerk) throw new AppError('CONFLICT', '该门店暂无在岗导购，请联系店员')
    return { store, clerk }
  }
  throw new AppError('CONFLICT', '该门店暂无在岗导购，请联系店员')
}

/**
 * A value read at most once a minute per function instance (by the invocation's clock);
 * concurrent callers share one read, and a failed read is not kept.
 */
function readEveryMinute<T>(read: () => Promise<T>): (now: Date) => Promise<T> {
  let cached: { value: Promise<T>; readAt: number } | undefined
  return (now) => {
    if (!cached || now.getTime() - cached.readAt >= 60_000) {
      const value = read()
      const entry = { value, readAt: now.getTime() }
      cached = entry
      value.catch(() => {
        if (cached === entry) cached = undefined
      })
    }
    return cached.value
  }
}

/** HQ's attribution policy. */
const attributionPolicy = readEveryMinute(async (): Promise<AttributionPolicy> => {
  const stored = await collection(ATTRIBUTION_SETTINGS).get('attribution')
  return {
    protectionDays:
      typeof stored?.protectionDays === 'number'
        ? stored.protectionDays
        : DEFAULT_ATTRIBUTION_POLICY.protectionDays,
  }
})

/** Member numbers are 9 digits, drawn at random; the unique index on `memberNo` refuses a repeat. */
function drawMemberNo(): string {
  return String(randomInt(100_000_000, 1_000_000_000))
}

/**
 * A new card's `_id`, derived from the openid and the deletion (if any) of its previous card, so
 * every first bind of one person computes the same id and inserting it is the idempotency check:
 * two racing first scans insert one member. A deleted card's tombstone moves `deletedAt`, so the
 * next card is a new id.
 */
function memberIdFor(openid: string, openidTombstone: MemberTombstoneDoc | undefined): string {
  const generation = openidTombstone?.deletedAt.getTime() ?? 0
  return createHmac('sha256', ports().secrets.identityHash)
    .update(`member:${openid}:${generation}`)
    .digest('hex')
    .slice(0, 32)
}

export type BindOutcome = 'created' | 'existing' | 'reattributed'

/**
 * A number typed by hand: only the local stack accepts one (LOCAL_TYPED_PHONE, for the H5 app and
 * outside checks); on WeChat the number comes from the phone button's code, through WeChat.
 */
function typedPhone(typed: string): string {
  const phone = process.env.LOCAL_TYPED_PHONE === 'on' ? normalisePhone(typed) : null
  if (!phone) throw new WeChatError(40029, 'phoneCode from the getPhoneNumber button is required')
  return phone
}

/**
 * The phone the member offered, if any: WeChat's phone-button code, or (local stack only) a typed
 * number. Nothing offered is no phone: the card opens without one and the member may add it
 * later from 我的 (setPhone); whatever needs a phone asks for it then.
 */
async function offeredPhone(input: {
  phone?: string
  phoneCode?: string
}): Promise<string | undefined> {
  const typed = input.phone?.trim() ?? ''
  if (!input.phoneCode && typed === '') return undefined
  try {
    return input.phoneCode
      ? await ports().wechat.resolvePhone({ phoneCode: input.phoneCode })
      : typedPhone(typed)
  } catch (err) {
    if (err instanceof WeChatError)
      throw new AppError(
        'INVALID_INPUT',
        input.phoneCode
          ? '未能获取微信手机号，请重试或暂不提供手机号'
          : '请输入正确的手机号（中国大陆 11 位手机号）',
        input.phoneCode ? 'phoneCode' : 'phone',
      )
    throw err
  }
}

/**
 * The member adds (or replaces) the phone on their card: WeChat's phone button in production, a
 * typed number on the local stack. One conditional update on an active card.
 */
export async function setPhone(
  ctx: InvocationContext,
  input: { phone?: string; phoneCode?: string },
): Promise<MemberView> {
  const member = await requireMember(ctx)
  const phone = await offeredPhone(input)
  if (!phone) throw new AppError('INVALID_INPUT', '请提供手机号', 'phone')
  const updated = await collection(COLLECTIONS.members).updateIf(
    { _id: member._id, status: 'active' },
    { phone },
  )
  if (!updated) throw new AppError('NOT_FOUND', '会员卡不存在或已注销')
  return toMemberView({ ...member, phone })
}

/**
 * Binds the caller as a member from a scanned code.
 *
 * A repeat scan is two round trips (the member, the visit). A first bind is six on a warm
 * instance: the member (none yet); then together the store's turn or the scanned clerk, the
 * tombstones and the points rules; the member; its welcome points' ledger entry. The attribution
 * log entry and the clerk's count are the bind's follow-up (BindPending), finished exactly once
 * after the answer (bind-follow-up.ts).
 *
 * Guarantees: one member per openid even when the same person's first scans race: the card's
 * `_id` is derived from the openid (memberIdFor), so the racers insert the same id and one insert
 * wins; the others answer with the winner's card. A store code's clerks take turns
 * (firstBindTarget), so concurrent binds spread within one and never conflict.
 */
export async function bindMember(
  ctx: InvocationContext,
  input: { scene: string; phone?: string; phoneCode?: string },
): Promise<MemberView & { outcome: BindOutcome }> {
  const openid = requireOpenid(ctx)
  const now = ctx.clock.now()
  const scanned = scannedCode(input.scene)
  const existing = await findMemberByOpenid(openid)
  if (existing && existing.status === 'active')
    return recordScan(ctx, existing, input.scene, scanned, now)

  const phone = await offeredPhone(input)

  const who = { openid, unionid: ctx.caller.unionid, phone }
  const [{ store, clerk }, rules, tombstones] = await Promise.all([
    firstBindTarget(scanned),
    loadPointsRules(),
    tombstonesFor(who),
  ])
  const memberId = memberIdFor(
    openid,
    tombstones.find((t) => t._id === identityHashes({ openid })[0]),
  )
  // An identity or phone whose card was deleted had its welcome bonus, and keeps its birthday.
  const welcome = tombstones.some((t) => t.welcomeGiven) ? 0 : rules.welcomeBonus
  const carriedBirthday = tombstones.find((t) => t.birthday)?.birthday
  // The welcome bonus is the first credit on the member's points line (shared/rules/points-ledger.ts).
  const welcomeCredit =
    welcome > 0
      ? planCredit(emptyAccount(), welcome, pointsExpiryFor(now, rules.expiryYears))
      : null
  const account = welcomeCredit?.account ?? emptyAccount()
  const welcomeEntry: Omit<PointsLedgerDoc, '_id'> | null = welcomeCredit
    ? {
        key: `member:${memberId}:welcome`,
        memberId,
        kind: 'welcome',
        points: welcome,
        remaining: welcome,
        start: welcomeCredit.span.start,
        end: welcomeCredit.span.end,
        expiresAt: welcomeCredit.span.expiresAt,
        source: { type: 'welcome' },
        at: now,
      }
    : null
  const member: MemberDoc = {
    _id: memberId,
    openid,
    ...(ctx.caller.unionid ? { unionid: ctx.caller.unionid } : {}),
    memberNo: drawMemberNo(),
    ...(phone ? { phone } : {}),
    status: 'active',
    tier: 'standard',
    points: account.points,
    pointsCredited: account.credited,
    pointsDebited: account.debited,
    nextExpiryAt: account.nextExpiryAt,
    latestExpiryAt: account.latestExpiryAt,
    storeId: store._id,
    clerkId: clerk._id,
    attributedAt: now,
    openedStoreId: store._id,
    openedClerkId: clerk._id,
    joinedAt: now,
    lastPurchaseAt: null,
    // A new card (its id is new per card) has no purchases: its trailing figure is exact from now.
    trailingSpendFen: 0,
    trailingWindow: { asOf: now, oldestPaidAt: NO_PAYMENT },
    tags: [],
    ...(carriedBirthday ? { birthday: carriedBirthday } : {}),
    bindPending: {
      at: now,
      clerkId: clerk._id,
      log: {
        key: `bind:${memberId}`,
        memberId,
        reason: 'bind',
        fromStoreId: null,
        fromClerkId: null,
        toStoreId: store._id,
        toClerkId: clerk._id,
        actor: { kind: 'member', id: memberId },
        note: `scene ${input.scene}`,
        at: now,
      },
      welcome: welcomeEntry,
    },
  }
  ctx.caller.role = 'member'
  const members = collection(COLLECTIONS.members)
  for (let draw = 1; ; draw++) {
    const written = await members.insertOnce(member, { existing: 'id' })
    if (written.inserted) break
    if (written.existing) {
      // Another first scan by the same person inserted this card first: theirs is the member.
      return {
        ...(await toMemberView(written.existing, await cardNames(written.existing))),
        outcome: 'existing',
      }
    }
    // The member number was taken (the only other unique key): draw another.
    if (draw >= 5) throw new AppError('CONFLICT', '当前操作的人较多，请稍后重试')
    member.memberNo = drawMemberNo()
  }
  // The welcome entry right away, so the balance always equals the ledger; inserted once by its
  // key (the follow-up inserts it too if this invocation dies first).
  if (welcomeEntry) await collection(COLLECTIONS.pointsLedger).insertOnce(welcomeEntry)
  return {
    ...(await toMemberView(member, { storeName: store.name, clerkName: clerk.name })),
    outcome: 'created',
  }
}

/**
 * A later scan by an existing member: logged as a visit (one round trip; the code's ids and the
 * card's names come from the staff directory), or a re-attribution under a protection window.
 */
async function recordScan(
  ctx: InvocationContext,
  member: MemberDoc,
  scene: string,
  scanned: ScannedCode,
  now: Date,
): Promise<MemberView & { outcome: BindOutcome }> {
  ctx.caller.role = 'member'
  const db = database()
  const [policy, target] = await Promise.all([attributionPolicy(now), directoryTarget(scanned)])
  const decision = decideScan(member, target.clerk?._id ?? null, policy, now)
  if (decision.kind === 'reattribute' && target.clerk) {
    // Moving a member is rare: the scanned clerk is read fresh (a disabled clerk takes no one).
    const scannedClerk = await getClerk(target.clerk._id)
    if (scannedClerk && scannedClerk.status === 'active') {
      const moved = await moveMember(db, member._id, scannedClerk, {
        key: `rescan:${member._id}:${now.getTime()}`,
        reason: 'rescan',
        actor: { kind: 'member', id: member._id },
        note: `scene ${scene}`,
        now,
      })
      if (moved)
        return {
          ...(await toMemberView(moved, {
            storeName: target.store.name,
            clerkName: scannedClerk.name,
          })),
          outcome: 'reattributed',
        }
    }
  }
  await collection(COLLECTIONS.visits).insert({
    memberId: member._id,
    scene,
    storeId: target.store._id,
    clerkId: target.clerk?._id ?? null,
    at: now,
  })
  return { ...(await toMemberView(member, await cardNames(member))), outcome: 'existing' }
}

export interface MoveOptions {
  key: string
  reason: AttributionLogDoc['reason']
  actor: AttributionLogDoc['actor']
  note?: string
  now: Date
}

/**
 * Moves one member to another clerk in one transaction: the member's attribution, both clerks'
 * counts and the log entry change together or not at all. Returns the moved member, or null if
 * it was already with that clerk (or no longer active).
 */
export async function moveMember(
  db: ReturnType<typeof database>,
  memberId: string,
  to: Pick<ClerkDoc, '_id' | 'storeId'>,
  options: MoveOptions,
): Promise<MemberDoc | null> {
  const _ = db.command
  return withTransaction(db, async (t) => {
    const member = (
      (await t.collection(COLLECTIONS.members.name).doc(memberId).get()) as {
        data: MemberDoc | null
      }
    ).data
    // Already there: nothing to move. (The same clerk at another store is a clerk who moved
    // store with their members following: the member follows to the clerk's new store.)
    if (
      !member ||
      member.status !== 'active' ||
      (member.clerkId === to._id && member.storeId === to.storeId)
    )
      return null
    await collection(COLLECTIONS.members, t).update(memberId, {
      clerkId: to._id,
      storeId: to.storeId,
      attributedAt: options.now,
    })
    if (member.clerkId !== to._id) {
      await collection(COLLECTIONS.clerks, t).update(member.clerkId, { memberCount: _.inc(-1) })
      await collection(COLLECTIONS.clerks, t).update(to._id, { memberCount: _.inc(1) })
    }
    const log: Omit<AttributionLogDoc, '_id'> = {
      key: options.key,
      memberId,
      reason: options.reason,
      fromStoreId: member.storeId,
      fromClerkId: member.clerkId,
      toStoreId: to.storeId,
      toClerkId: to._id,
      actor: options.actor,
      ...(options.note ? { note: options.note } : {}),
      at: options.now,
    }
    await collection(COLLECTIONS.attributionLog, t).insert(log)
    // The member's conversation follows them: the new clerk sees the whole history.
    const conversation = (
      (await t.collection(COLLECTIONS.conversations.name).doc(memberId).get()) as { data: unknown }
    ).data
    if (conversation)
      await collection(COLLECTIONS.conversations, t).update(memberId, {
        clerkId: to._id,
        storeId: to.storeId,
      })
    return { ...member, clerkId: to._id, storeId: to.storeId, attributedAt: options.now }
  })
}

/**
 * A store's code for a shopper who is not a member yet: the store they chose, else the nearest
 * to them, else the first open store. The same signed scene the store's printed code carries.
 */
export async function storeCodeFor(input: {
  storeId?: string
  near?: { lat: number; lng: number }
}): Promise<{ scene: string; storeId: string; storeName: string }> {
  const stores = await activeStores()
  const chosen =
    (input.storeId && stores.find((s) => s._id === input.storeId)) ||
    byDistance(stores, input.near ?? null)[0]
  if (!chosen) throw new AppError('NOT_FOUND', '暂无营业中的门店')
  return {
    scene: signScene({ kind: 'store', code: chosen.code }, ports().secrets.scene),
    storeId: chosen._id,
    storeName: chosen.name,
  }
}

export async function memberProfile(ctx: InvocationContext): Promise<MemberView> {
  return toMemberView(await requireMember(ctx))
}

/**
 * The member sets their birthday once: a conditional update on its absence, so a second call
 * (or two at once) cannot move it, which would let a birthday gift be collected twice a year.
 */
export async function setBirthday(ctx: InvocationContext, birthday: string): Promise<MemberView> {
  const member = await requireMember(ctx)
  const db = database()
  const res = (await db
    .collection(COLLECTIONS.members.name)
    .where({ _id: member._id, birthday: db.command.exists(false) })
    .update({ birthday })) as { updated: number }
  if (res.updated !== 1)
    throw new AppError('CONFLICT', '生日已设置，不能再修改；如填错请联系门店更正', 'birthday')
  return toMemberView({ ...member, birthday })
}

/** HQ corrects a member's birthday (the admin function audits the request with its reason). */
export async function correctBirthday(
  memberId: string,
  birthday: string,
): Promise<{ memberId: string; birthday: string }> {
  const res = (await database()
    .collection(COLLECTIONS.members.name)
    .where({ _id: memberId, status: 'active' })
    .update({ birthday })) as { updated: number }
  if (res.updated !== 1) throw new AppError('NOT_FOUND', '会员不存在或已注销', 'memberId')
  return { memberId, birthday }
}

/**
 * The member's code for this minute: the first of the minute's codes (sequence 0-9) that no sale
 * has used yet, so right after a clerk scans it the card gets a fresh one (one round trip over the
 * unique index of used codes). The page asks again every few seconds, so it notices the use.
 */
export async function memberCode(ctx: InvocationContext) {
  const member = await requireMember(ctx)
  const now = ctx.clock.now()
  const secret = ports().secrets.memberCode
  const candidates = Array.from({ length: MEMBER_CODE_SEQUENCES }, (_, sequence) =>
    issueMemberCode(member.memberNo, now, secret, sequence),
  )
  const used = await collection(COLLECTIONS.memberCodeUses).find(
    { code: database().command.in(candidates.map((c) => c.code)) },
    { fields: ['code'], limit: MEMBER_CODE_SEQUENCES },
  )
  const usedCodes = new Set(used.map((u) => u.code))
  const issued = candidates.find((c) => !usedCodes.has(c.code)) ?? candidates.at(-1)!
  const toBoundary = MEMBER_CODE_WINDOW_MS - (now.getTime() % MEMBER_CODE_WINDOW_MS)
  return {
    code: issued.code,
    memberNo: member.memberNo,
    expiresAt: issued.expiresAt.toISOString(),
    // Ask again at the next window boundary, or sooner: a sale may use this code any moment.
    refreshAfterMs: Math.min(toBoundary, MEMBER_CODE_POLL_MS),
  }
}

/** How often the card asks whether its code was used (the page waits at least 5 s anyway). */
const MEMBER_CODE_POLL_MS = 5_000

function plain(doc: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(doc)) as Record<string, unknown>
}

export async function myData(ctx: InvocationContext) {
  const member = await requireMember(ctx)
  const mine = { memberId: member._id }
  const byAt = { orderBy: ['at', 'asc'], limit: 1000 } as const
  const [log, visits, ledger, redemptions] = await Promise.all([
    collection(COLLECTIONS.attributionLog).find(mine, byAt),
    collection(COLLECTIONS.visits).find(mine, byAt),
    collection(COLLECTIONS.pointsLedger).find(mine, byAt),
    collection(COLLECTIONS.redemptions).find(mine, { orderBy: ['createdAt', 'asc'], limit: 1000 }),
  ])
  return {
    member: plain(member),
    attributionLog: log.map(plain),
    visits: visits.map(plain),
    pointsLedger: ledger.map(plain),
    redemptions: redemptions.map(plain),
  }
}

/** The keyed hashes a card's identity and phone are remembered by once it is deleted. */
function identityHashes(who: {
  openid?: string | null
  unionid?: string | null
  phone?: string | null
}): string[] {
  const key = ports().secrets.identityHash
  const hash = (value: string) => createHmac('sha256', key).update(value).digest('hex')
  return [
    who.openid ? hash(`openid:${who.openid}`) : null,
    who.unionid ? hash(`unionid:${who.unionid}`) : null,
    who.phone ? hash(`phone:${who.phone}`) : null,
  ].filter((id): id is string => id !== null)
}

/** The tombstones of deleted cards of this identity or phone: one round trip. */
async function tombstonesFor(who: {
  openid: string
  unionid: string | null | undefined
  phone: string | undefined
}): Promise<MemberTombstoneDoc[]> {
  return collection(COLLECTIONS.memberTombstones).find(
    { _id: database().command.in(identityHashes(who)) },
    { limit: 10 },
  )
}

/**
 * Deletes the caller's account: the personal fields go (openid, unionid, phone, tags, mail
 * addresses), the member record stays as an anonymised row so ledgers, orders and commission
 * keep a consistent trail, and the clerk's member count drops. What stays of the identity and
 * the phone is a keyed hash each (memberTombstones), so binding again with either gets no second
 * welcome bonus and keeps the birthday the card had.
 */
export async function deleteAccount(ctx: InvocationContext): Promise<{ deleted: true }> {
  const member = await requireMember(ctx)
  const db = database()
  const _ = db.command
  const now = ctx.clock.now()
  // First the tombstones (a crash after them leaves an active card that simply had them early).
  const tombstone: Omit<MemberTombstoneDoc, '_id'> = {
    welcomeGiven: true,
    ...(member.birthday ? { birthday: member.birthday } : {}),
    deletedAt: now,
  }
  await Promise.all(
    identityHashes({ openid: member.openid, unionid: member.unionid, phone: member.phone }).map(
      (id) => collection(COLLECTIONS.memberTombstones).set(id, tombstone),
    ),
  )
  await withTransaction(db, async (t) => {
    // Read in the transaction and written by it: a second deletion (or a retry after a conflict)
    // finds it deleted, and a transfer that committed first is the clerk whose count drops.
    const fresh = (
      (await t.collection(COLLECTIONS.members.name).doc(member._id).get()) as {
        data: MemberDoc | null
      }
    ).data
    if (!fresh || fresh.status !== 'active') return
    await collection(COLLECTIONS.members, t).update(member._id, {
      openid: _.remove(),
      unionid: _.remove(),
      phone: _.remove(),
      birthday: _.remove(),
      tags: [],
      status: 'deleted',
      deletedAt: now,
    })
    await collection(COLLECTIONS.clerks, t).update(fresh.clerkId, { memberCount: _.inc(-1) })
    // A card bound before cards had derived ids holds a `member:<openid>` claim: it goes too.
    // (The same person may bind anew: the tombstone's new deletedAt gives the next card a new id.)
    if (member.openid)
      await collection(COLLECTIONS.openidClaims, t).remove(openidClaimId('member', member.openid))
  })
  await db.collection(COLLECTIONS.visits.name).where({ memberId: member._id }).remove()
  // A paid mail redemption HQ has yet to ship keeps its address: the gift is still owed.
  await db
    .collection(COLLECTIONS.redemptions.name)
    .where({ memberId: member._id, fulfilment: 'mail', status: _.neq('awaitingShipment') })
    .update({ address: _.remove() })
  return { deleted: true }
}
