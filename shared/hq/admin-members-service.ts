/** HQ's read side of members and the audit log: server-side pagination, sorting and filters. */
import { z } from 'zod'
import type { adminInput } from './contract'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import { defineCollection } from '../platform/db/collection-spec'
import type { MemberDoc } from '../membership/documents'
import { AppError } from '../platform/errors'
import { maskPhone } from '../platform/phone'
import { database } from '../platform/runtime/cloudbase'
import { namesFor } from '../staff/lookups'
import { offsetPage } from '../platform/db/paging'

/** The attribution document of the settings collection (`_id` = 'attribution'). */
const ATTRIBUTION_SETTINGS = defineCollection<{ _id: string; protectionDays?: number | null }>(
  COLLECTIONS.settings,
)
type Input<K extends keyof typeof adminInput> = z.output<(typeof adminInput)[K]>

function memberRow(m: MemberDoc, names: Awaited<ReturnType<typeof namesFor>>, withPhone = false) {
  return {
    memberId: m._id,
    memberNo: m.memberNo,
    // Lists show masked numbers; the full number appears only on the profile, whose opening is audited.
    phone: withPhone ? (m.phone ?? null) : null,
    phoneMasked: m.phone ? maskPhone(m.phone) : null,
    tier: m.tier,
    points: m.points,
    storeId: m.storeId,
    storeName: names.stores.get(m.storeId) ?? '',
    clerkId: m.clerkId,
    clerkName: names.clerks.get(m.clerkId) ?? '',
    joinedAt: m.joinedAt.toISOString(),
    lastPurchaseAt: m.lastPurchaseAt ? m.lastPurchaseAt.toISOString() : null,
    status: m.status,
  }
}

/** Who is looking: a store manager sees their stores' members only; an analyst never a full phone number. */
export interface MemberViewer {
  stores: string[] | null
  fullPhone: boolean
}

export async function listMembers(input: Input<'listMembers'>, viewer: MemberViewer) {
  const db = database()
  const where: Record<string, unknown> = { status: 'active' }
  if (input.storeId) where.storeId = input.storeId
  else if (viewer.stores) where.storeId = db.command.in(viewer.stores)
  if (input.clerkId) where.clerkId = input.clerkId
  if (input.tier) where.tier = input.tier
  if (input.search) {
    if (/^\d{9}$/.test(input.search)) where.memberNo = input.search
    else if (/^\d{11}$/.test(input.search)) where.phone = input.search
    else if (/^\d{4}$/.test(input.search)) where.phone = db.RegExp({ regexp: `${input.search}$` })
    else throw new AppError('INVALID_INPUT', '请输入手机号、手机号后四位或 9 位会员号', 'search')
  }
  const page = await offsetPage(collection(COLLECTIONS.members), where, input)
  const names = await namesFor(
    page.rows.map((m) => m.storeId),
    page.rows.map((m) => m.clerkId),
  )
  return {
    items: page.rows.map((m) => memberRow(m, names)),
    total: page.total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

export async function memberProfile(input: Input<'memberProfile'>, viewer: MemberViewer) {
  const member = await collection(COLLECTIONS.members).get(input.memberId)
  // Another store's member reads as missing to a store manager.
  if (!member || (viewer.stores && !viewer.stores.includes(member.storeId)))
    throw new AppError('NOT_FOUND', '会员不存在', 'memberId')
  const recent = { orderBy: ['at', 'desc'], limit: 200 } as const
  const mine = { memberId: member._id }
  const [log, visits, ledger] = await Promise.all([
    collection(COLLECTIONS.attributionLog).find(mine, recent),
    collection(COLLECTIONS.visits).find(mine, recent),
    collection(COLLECTIONS.pointsLedger).find(mine, recent),
  ])
  const names = await namesFor(
    [member.storeId, member.openedStoreId, ...visits.map((v) => v.storeId)],
    [
      member.clerkId,
      member.openedClerkId,
      ...log.flatMap((l) => [l.toClerkId, l.fromClerkId ?? '']).filter(Boolean),
    ],
  )
  return {
    member: {
      ...memberRow(member, names, viewer.fullPhone),
      openedStoreName: names.stores.get(member.openedStoreId) ?? '',
      openedClerkName: names.clerks.get(member.openedClerkId) ?? '',
      tags: member.tags,
      birthday: member.birthday ?? null,
      trailingSpendFen: member.trailingSpendFen ?? 0,
    },
    attributionLog: log.map((l) => ({
      reason: l.reason,
      fromClerkName: l.fromClerkId ? (names.clerks.get(l.fromClerkId) ?? '') : null,
      toClerkName: names.clerks.get(l.toClerkId) ?? '',
      actor: `${l.actor.kind}:${l.actor.id}`,
      note: l.note ?? null,
      at: l.at.toISOString(),
    })),
    visits: visits.map((v) => ({
      storeName: names.stores.get(v.storeId) ?? '',
      at: v.at.toISOString(),
    })),
    pointsLedger: ledger.map((e) => ({
      key: e.key,
      kind: e.kind,
      points: e.points,
      at: e.at.toISOString(),
    })),
  }
}

export async function getAttributionPolicy() {
  const policy = await collection(ATTRIBUTION_SETTINGS).get('attribution')
  return { protectionDays: policy?.protectionDays ?? null }
}

export async function listChatTemplates() {
  const templates = await collection(COLLECTIONS.chatTemplates).find(
    {},
    { orderBy: ['sort', 'asc'], limit: 1000 },
  )
  return {
    items: templates.map((t) => ({
      templateId: t._id,
      title: t.title,
      text: t.text,
      active: t.active,
      sort: t.sort,
      updatedAt: t.updatedAt.toISOString(),
    })),
  }
}

export async function saveChatTemplate(input: Input<'saveChatTemplate'>, now: Date) {
  const templates = collection(COLLECTIONS.chatTemplates)
  const fields = {
    title: input.title,
    text: input.text,
    active: input.active,
    sort: input.sort,
    updatedAt: now,
  }
  if (input.templateId) {
    const updated = await templates.update(input.templateId, fields)
    if (updated === 0 && !(await templates.get(input.templateId))) {
      throw new AppError('NOT_FOUND', '文案不存在', 'templateId')
    }
    return { templateId: input.templateId }
  }
  const id = await templates.insert(fields)
  return { templateId: id }
}
