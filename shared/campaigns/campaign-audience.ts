/** Who a campaign reaches: a segment as CloudBase conditions, its count, and a store's part of it. */
import { COLLECTIONS } from '../collections'
import type { ClerkDoc } from '../staff/documents'
import { AppError } from '../platform/errors'
import { compileSegment, type Query, type Segment } from './rules/segments'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { collection } from '../platform/db/collection'
import { loadCampaignLimits } from './campaign-limits'

type Db = ReturnType<typeof database>

/** The pure rules' MongoDB-style query as CloudBase `db.command` conditions. */
export function toCloudbaseQuery(db: Db, query: Query): Record<string, unknown> {
  const _ = db.command
  const convert = (q: Query): unknown => {
    if (Array.isArray(q.$and)) return _.and((q.$and as Query[]).map(convert) as never[])
    if (Array.isArray(q.$or)) return _.or((q.$or as Query[]).map(convert) as never[])
    const out: Record<string, unknown> = {}
    for (const [field, cond] of Object.entries(q)) {
      if (cond === null || cond instanceof Date || typeof cond !== 'object') {
        out[field] = cond
        continue
      }
      const ops = Object.entries(cond as Record<string, unknown>).map(([op, v]) => {
        switch (op) {
          case '$in':
            return _.in(v as never[])
          case '$gte':
            return _.gte(v)
          case '$gt':
            return _.gt(v)
          case '$lte':
            return _.lte(v)
          case '$lt':
            return _.lt(v)
          case '$exists':
            return _.exists(v as boolean)
          default:
            throw new Error(`segment operator ${op} has no CloudBase form`)
        }
      })
      out[field] = ops.length === 1 ? ops[0] : _.and(ops as never[])
    }
    return out
  }
  return convert(query) as Record<string, unknown>
}

export async function countQuery(query: Query): Promise<number> {
  const db = database()
  const res = (await db
    .collection(COLLECTIONS.members.name)
    .where(toCloudbaseQuery(db, query))
    .count()) as { total: number }
  return res.total
}

export async function audienceCount(
  ctx: InvocationContext,
  segment: Segment,
): Promise<{ count: number }> {
  return { count: await countQuery(compileSegment(segment, ctx.clock.now())) }
}

export function storeSegment(clerk: ClerkDoc, segment: Segment): Segment {
  if (!clerk.isManager) throw new AppError('FORBIDDEN', '仅店长可以创建门店活动')
  if (segment.storeIds && segment.storeIds.some((s) => s !== clerk.storeId)) {
    throw new AppError('FORBIDDEN', '门店活动只能面向本店会员', 'segment.storeIds')
  }
  return { ...segment, storeIds: [clerk.storeId] }
}

/**
 * A store manager's audience: the members the segment picks in their store and, while it is within
 * HQ's audience limit, how many of them can be reached now (a campaign consent credit to spend).
 * Reachable reads the audience's ids (at most the limit, 1,000 a page, in parallel) and counts
 * their consents (one count per 1,000).
 */
export async function storeAudienceCount(
  ctx: InvocationContext,
  clerk: ClerkDoc,
  segment: Segment,
): Promise<{ count: number; reachable: number | null; limit: number }> {
  const scoped = storeSegment(clerk, segment)
  const [{ count }, limits] = await Promise.all([audienceCount(ctx, scoped), loadCampaignLimits()])
  if (count === 0 || count > limits.maxStoreAudience)
    return { count, reachable: count === 0 ? 0 : null, limit: limits.maxStoreAudience }
  const db = database()
  const _ = db.command
  const where = toCloudbaseQuery(db, compileSegment(scoped, ctx.clock.now()))
  const members = collection(COLLECTIONS.members)
  const pages = await Promise.all(
    Array.from({ length: Math.ceil(count / 1000) }, (_unused, i) =>
      members.find(where, {
        orderBy: ['_id', 'asc'],
        skip: i * 1000,
        limit: 1000,
        fields: ['_id'],
      }),
    ),
  )
  const ids = pages.flat().map((m) => m._id)
  const consents = collection(COLLECTIONS.subscribeConsents)
  const counts = await Promise.all(
    Array.from({ length: Math.ceil(ids.length / 1000) }, (_unused, i) =>
      consents.count({
        _id: _.in(ids.slice(i * 1000, (i + 1) * 1000).map((id) => `${id}:campaign`)),
        credits: _.gt(0),
      }),
    ),
  )
  return {
    count,
    reachable: counts.reduce((sum, n) => sum + n, 0),
    limit: limits.maxStoreAudience,
  }
}
