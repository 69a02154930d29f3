/**
 * HQ's audit log as people read it: filtered by kind (changes apart from reads of personal data
 * and sign-ins), by Asia/Shanghai date range, by a search that matches action names (退款) and
 * account names; each entry with its action's Chinese name, its outcome in Chinese and a summary
 * with names and numbers (rules/audit.ts). One page costs two round trips, plus one per kind of id
 * the page mentions (stores and clerks together), read in parallel.
 */
import type { z } from 'zod'
import { COLLECTIONS } from '../collections'
import { collection } from '../platform/db/collection'
import type { DocumentCollectionSpec } from '../platform/db/collection-spec'
import { formatShanghaiMinute, SHANGHAI_OFFSET_MS } from '../platform/calendar'
import { database } from '../platform/runtime/cloudbase'
import { namesFor } from '../staff/lookups'
import type { adminInput } from './contract'
import type { AuditDoc } from './documents'
import {
  AUDIT_ACTIONS,
  AUDIT_KIND_LABELS,
  actionsMatching,
  auditActionLabel,
  auditOutcomeLabel,
  auditSummary,
  ID_KEYS,
  type AuditKind,
  type AuditNames,
} from './rules/audit'

type Input<K extends keyof typeof adminInput> = z.output<(typeof adminInput)[K]>

const DAY_MS = 86_400_000
const dayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS)

function kindOf(entry: AuditDoc): AuditKind {
  return entry.kind ?? AUDIT_ACTIONS[entry.action]?.kind ?? 'write'
}

/** `{_id → text}` for the ids of one collection (one round trip; none without ids). */
async function namesIn<T extends { _id: string }, K extends keyof T & string>(
  spec: DocumentCollectionSpec<T>,
  ids: string[],
  fields: readonly K[],
  text: (doc: Pick<T, K | '_id'>) => string,
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const docs = await collection(spec).find(
    { _id: database().command.in([...new Set(ids)].slice(0, 1000)) },
    { fields, limit: 1000 },
  )
  return new Map(docs.map((doc) => [doc._id, text(doc)]))
}

async function namesOf(entries: AuditDoc[]): Promise<AuditNames> {
  const ids: Record<keyof AuditNames, string[]> = {
    stores: [],
    clerks: [],
    members: [],
    admins: [],
    gifts: [],
    campaigns: [],
    orders: [],
  }
  for (const entry of entries)
    for (const [key, value] of Object.entries(entry.details ?? {})) {
      const source = ID_KEYS[key]
      if (source && typeof value === 'string') ids[source].push(value)
    }
  const [people, members, admins, gifts, campaigns, orders] = await Promise.all([
    ids.stores.length || ids.clerks.length
      ? namesFor(ids.stores, ids.clerks)
      : { stores: new Map<string, string>(), clerks: new Map<string, string>() },
    namesIn(COLLECTIONS.members, ids.members, ['memberNo'], (m) => m.memberNo),
    namesIn(COLLECTIONS.admins, ids.admins, ['username', 'displayName'], (a) =>
      a.displayName && a.displayName !== a.username
        ? `${a.displayName}（${a.username}）`
        : a.username,
    ),
    namesIn(COLLECTIONS.gifts, ids.gifts, ['name'], (g) => `「${g.name}」`),
    namesIn(COLLECTIONS.campaigns, ids.campaigns, ['name'], (c) => `「${c.name}」`),
    // Until orders carry a number of their own, an order reads as when it was placed and its total.
    namesIn(
      COLLECTIONS.orders,
      ids.orders,
      ['createdAt', 'totalFen'],
      (o) => `${formatShanghaiMinute(o.createdAt)} 下单 ¥${(o.totalFen / 100).toFixed(2)}`,
    ),
  ])
  return { ...people, members, admins, gifts, campaigns, orders }
}

export async function listAudit(input: Input<'listAudit'>) {
  const db = database()
  const _ = db.command
  const conditions: Record<string, unknown>[] = []
  if (input.auditAction) conditions.push({ action: input.auditAction })
  if (input.username) conditions.push({ username: input.username })
  if (input.kind) {
    // Older entries carry no kind: their action's kind stands in.
    const actions = Object.entries(AUDIT_ACTIONS)
      .filter(([, a]) => a.kind === input.kind)
      .map(([action]) => action)
    conditions.push(
      _.or([{ kind: input.kind }, { kind: _.exists(false), action: _.in(actions) }]) as never,
    )
  }
  if (input.search) {
    const actions = actionsMatching(input.search)
    conditions.push(
      _.or([
        ...(actions.length ? [{ action: _.in(actions) }] : []),
        { username: input.search.trim() },
      ]) as never,
    )
  }
  const range = [
    ...(input.from ? [_.gte(dayStart(input.from))] : []),
    ...(input.to ? [_.lt(new Date(dayStart(input.to).getTime() + DAY_MS))] : []),
  ]
  if (range.length) conditions.push({ at: range.length === 2 ? _.and(range as never[]) : range[0] })
  const where =
    conditions.length === 0
      ? {}
      : conditions.length === 1
        ? conditions[0]!
        : _.and(conditions as never[])
  const audit = collection(COLLECTIONS.auditLog)
  const [page, total] = await Promise.all([
    audit.find(where, {
      orderBy: ['at', 'desc'],
      skip: (input.page - 1) * input.pageSize,
      limit: input.pageSize,
    }),
    audit.count(where),
  ])
  const names = await namesOf(page)
  return {
    items: page.map((a) => {
      const kind = kindOf(a)
      return {
        id: a._id,
        at: a.at.toISOString(),
        username: a.username,
        action: a.action,
        actionLabel: auditActionLabel(a.action),
        kind,
        kindLabel: AUDIT_KIND_LABELS[kind],
        summary: auditSummary(a.details ?? {}, names),
        ok: a.outcome === 'ok',
        outcomeLabel: auditOutcomeLabel(a.action, a.outcome),
        message: a.message ?? null,
      }
    }),
    total,
    page: input.page,
    pageSize: input.pageSize,
  }
}
