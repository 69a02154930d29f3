/** HQ's read side of members and the audit log: server-side pagination, sorting and filters. */
import { z } from 'zod'
import type { adminInput } from './contract'
import { COLLECTIONS } from '../collections'
import type { AttributionLogDoc, MemberDoc, VisitDoc } from '../membership/documents'
import type { PointsLedgerDoc } from '../points/documents'
import { AppError } from '../platform/errors'
import { maskPhone } from '../platform/phone'
import { database } from '../platform/runtime/cloudbase'
import { namesFor } from '../staff/lookups'
import { offsetPage } from '../platform/db/paging'

type Rows<T> = { data: T[] }
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

export async function listMembers(input: Input<'listMembers'>) {
  const db = database()
  const where: Record<string, unknown> = { status: 'active' }
  if (input.storeId) where.storeId = input.storeId
  if (input.clerkId) where.clerkId = input.clerkId
  if (input.tier) where.tier = input.tier
  if (input.search) {
    if (/^\d{9}$/.test(input.search)) where.memberNo = input.search
    else if (/^\d{11}$/.test(input.search)) where.phone = input.search
    else if (/^\d{4}$/.test(input.search)) where.phone = db.RegExp({ regexp: `${input.search}$` })
    else throw new AppError('INVALID_INPUT', '请输入手机号、手机号后四位或 9 位会员号', 'search')
  }
  const page = await offsetPage<MemberDoc>(db, COLLECTIONS.members.name, where, input)
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

/** Who moved the member, as HQ reads it (the stored actor carries ids). */
function actorLabel(actor: AttributionLogDoc['actor']): string {
  if (actor.kind === 'member') return '会员扫码'
  if (actor.kind === 'admin') return `总部 ${actor.id}`
  return '系统'
}

/** A stored note as HQ reads it: a scan's signed scene becomes which kind of code was scanned. */
function noteLabel(note: string | undefined): string | null {
  if (!note) return null
  const scene = /^scene ([sci])\./.exec(note)
  if (scene) return scene[1] === 's' ? '扫门店码' : scene[1] === 'c' ? '扫导购码' : '扫邀请码'
  return note
}

export async function memberProfile(input: Input<'memberProfile'>) {
  const db = database()
  const found = (await db
    .collection(COLLECTIONS.members.name)
    .doc(input.memberId)
    .get()) as Rows<MemberDoc>
  const member = found.data[0]
  if (!member) throw new AppError('NOT_FOUND', '会员不存在', 'memberId')
  const recent = <T>(collection: string) =>
    db
      .collection(collection)
      .where({ memberId: member._id })
      .orderBy('at', 'desc')
      .limit(200)
      .get() as Promise<Rows<T>>
  const [log, visits, ledger] = await Promise.all([
    recent<AttributionLogDoc>(COLLECTIONS.attributionLog.name),
    recent<VisitDoc>(COLLECTIONS.visits.name),
    recent<PointsLedgerDoc>(COLLECTIONS.pointsLedger.name),
  ])
  const names = await namesFor(
    [member.storeId, member.openedStoreId, ...visits.data.map((v) => v.storeId)],
    [
      member.clerkId,
      member.openedClerkId,
      ...log.data.flatMap((l) => [l.toClerkId, l.fromClerkId ?? '']).filter(Boolean),
    ],
  )
  return {
    member: {
      ...memberRow(member, names, true),
      openedStoreName: names.stores.get(member.openedStoreId) ?? '',
      openedClerkName: names.clerks.get(member.openedClerkId) ?? '',
      tags: member.tags,
      birthday: member.birthday ?? null,
      trailingSpendFen: member.trailingSpendFen ?? 0,
    },
    attributionLog: log.data.map((l) => ({
      reason: l.reason,
      fromClerkName: l.fromClerkId ? (names.clerks.get(l.fromClerkId) ?? '') : null,
      toClerkName: names.clerks.get(l.toClerkId) ?? '',
      actor: actorLabel(l.actor),
      note: noteLabel(l.note),
      at: l.at.toISOString(),
    })),
    visits: visits.data.map((v) => ({
      storeName: names.stores.get(v.storeId) ?? '',
      at: v.at.toISOString(),
    })),
    pointsLedger: ledger.data.map((e) => ({
      key: e.key,
      kind: e.kind,
      points: e.points,
      at: e.at.toISOString(),
    })),
  }
}

interface AuditDoc {
  _id: string
  at: Date
  username: string | null
  action: string
  details: unknown
  outcome: string
  requestId: string
}

export async function listAudit(input: Input<'listAudit'>) {
  const db = database()
  const where: Record<string, unknown> = {}
  if (input.auditAction) where.action = input.auditAction
  if (input.username) where.username = input.username
  const collection = db.collection(COLLECTIONS.auditLog.name)
  const [page, total] = await Promise.all([
    collection
      .where(where)
      .orderBy('at', 'desc')
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .get() as Promise<Rows<AuditDoc>>,
    collection.where(where).count() as Promise<{ total: number }>,
  ])
  return {
    items: page.data.map((a) => ({
      id: a._id,
      at: a.at.toISOString(),
      username: a.username,
      action: a.action,
      details: JSON.stringify(a.details ?? {}),
      outcome: a.outcome,
      requestId: a.requestId,
    })),
    total: total.total,
    page: input.page,
    pageSize: input.pageSize,
  }
}

export async function getAttributionPolicy() {
  const res = (await database()
    .collection(COLLECTIONS.settings.name)
    .doc('attribution')
    .get()) as Rows<{ protectionDays?: number | null }>
  return { protectionDays: res.data[0]?.protectionDays ?? null }
}

interface ChatTemplateDoc {
  _id: string
  title: string
  text: string
  active: boolean
  sort: number
  updatedAt: Date
}

export async function listChatTemplates() {
  const res = (await database()
    .collection(COLLECTIONS.chatTemplates.name)
    .orderBy('sort', 'asc')
    .limit(1000)
    .get()) as Rows<ChatTemplateDoc>
  return {
    items: res.data.map((t) => ({
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
  const templates = database().collection(COLLECTIONS.chatTemplates.name)
  const fields = {
    title: input.title,
    text: input.text,
    active: input.active,
    sort: input.sort,
    updatedAt: now,
  }
  if (input.templateId) {
    const res = (await templates.doc(input.templateId).update(fields)) as { updated: number }
    if (
      res.updated === 0 &&
      ((await templates.doc(input.templateId).get()) as Rows<unknown>).data.length === 0
    ) {
      throw new AppError('NOT_FOUND', '文案不存在', 'templateId')
    }
    return { templateId: input.templateId }
  }
  const { id } = (await templates.add(fields)) as { id: string }
  return { templateId: id }
}
