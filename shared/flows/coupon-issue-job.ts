/**
 * HQ gives a coupon to every member of a CSV of member numbers, as a job (`issueCouponsCsv`, the
 * list too large for `admin.issueCoupons`). The file is checked whole when the job is created
 * (flows/hq-jobs.ts `createCouponIssueJob`): format, duplicates, unknown and deleted members; then
 * each step issues one batch through issueCoupon, the one issuing path of the coupons domain, so
 * the template's `totalQuantity`, `perMemberLimit`, tiers and status hold exactly as for a claim.
 *
 * Exactly once: each row's coupon is keyed by the job and the member (`csvjob:<jobId>:<memberId>`,
 * the coupon's `_id` derived from it), so a batch redone after a crash or a lost lease finds the
 * coupons it issued and issues none twice; such a row still reads 已发放 (this job issued it).
 * A template that runs out mid-job does not stop it: the remaining rows read 未发放：已发完.
 * The result file is written a part per batch into `jobFileParts` (`<jobId>:<part>`, set, so a
 * redone batch overwrites its part), as the data exports are.
 */
import { COLLECTIONS } from '../collections'
import { couponIdFor, issueCoupon, type Recipient } from '../coupons/coupon-service'
import type { CouponTemplateDoc } from '../coupons/documents'
import type { MemberNoRow } from '../hq/rules/csv-import'
import type { CsvRowError } from '../hq/rules/csv-import'
import type { JobDoc } from '../hq/documents'
import type { MemberDoc } from '../membership/documents'
import { collection } from '../platform/db/collection'
import { AppError } from '../platform/errors'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { toCsv } from '../platform/csv'

/** A row of the job: the member as found when the file was checked. */
export interface CouponIssueRow {
  line: number
  memberNo: string
  memberId: string
}

export const COUPON_RESULT_HEADER = ['会员号', '结果'] as const
/** issueCoupon's refusal when the last unit is gone, as the result file says it. */
const EXHAUSTED = '该优惠券已被领完'
/**
 * Issuances at once within a batch: each writes the template twice, and those writes queue on the
 * one document, so more at once bought nothing (bench couponJobs: 10 and 25 alike).
 */
const PARALLEL = 10

export const couponIssueKey = (jobId: string, memberId: string) => `csvjob:${jobId}:${memberId}`

export async function couponTemplate(templateId: string): Promise<CouponTemplateDoc | null> {
  return collection(COLLECTIONS.couponTemplates).get(templateId)
}

/** Each listed member number against the members: unknown and deleted ones are row errors. */
export async function checkListedMembers(
  rows: MemberNoRow[],
): Promise<{ rows: CouponIssueRow[]; errors: CsvRowError[] }> {
  const _ = database().command
  const found = new Map<string, Pick<MemberDoc, '_id' | 'memberNo' | 'status'>>()
  const numbers = rows.map((r) => r.memberNo)
  // The `memberNo` index, 1000 numbers a round trip (5 at most for a full file).
  for (let i = 0; i < numbers.length; i += 1000) {
    const chunk = numbers.slice(i, i + 1000)
    const members = await collection<MemberDoc>(COLLECTIONS.members).find(
      { memberNo: _.in(chunk) },
      { fields: ['memberNo', 'status'], limit: chunk.length },
    )
    for (const m of members) found.set(m.memberNo, m)
  }
  const errors: CsvRowError[] = []
  const out: CouponIssueRow[] = []
  for (const row of rows) {
    const member = found.get(row.memberNo)
    if (!member)
      errors.push({ line: row.line, field: '会员号', reason: `会员 ${row.memberNo} 不存在` })
    else if (member.status !== 'active')
      errors.push({ line: row.line, field: '会员号', reason: `会员 ${row.memberNo} 已注销` })
    else out.push({ line: row.line, memberNo: row.memberNo, memberId: member._id })
  }
  return { rows: errors.length ? [] : out, errors }
}

/**
 * One batch: the template and the batch's members read once (their tier now, a deletion since
 * the file was checked), then each row issued; the rows' results as the file's part.
 */
export async function couponIssueBatch(
  ctx: InvocationContext,
  job: JobDoc,
  batchSize: number,
): Promise<{ count: number; issued: number; notIssued: number; csv: string }> {
  const rows = (job.rows as CouponIssueRow[]).slice(job.done, job.done + batchSize)
  const { templateId } = job.params as { templateId: string }
  const _ = database().command
  const couponIds = rows.map((r) => couponIdFor(templateId, couponIssueKey(job._id, r.memberId)))
  // The batch's own coupons, read at once: a batch redone after a crash finds those it issued.
  const [template, members, earlier] = await Promise.all([
    couponTemplate(templateId),
    collection<MemberDoc>(COLLECTIONS.members).find(
      { _id: _.in(rows.map((r) => r.memberId)) },
      { fields: ['memberNo', 'status', 'tier'], limit: rows.length },
    ),
    collection(COLLECTIONS.coupons).find(
      { _id: _.in(couponIds) },
      { fields: ['_id'], limit: rows.length },
    ),
  ])
  if (!template) throw new AppError('NOT_FOUND', '优惠券已不存在，发放已停止', 'templateId')
  const byId = new Map(members.map((m) => [m._id, m]))
  const issuedBefore = new Set(earlier.map((c) => c._id))
  const results: string[] = []
  for (let i = 0; i < rows.length; i += PARALLEL) {
    const chunk = rows.slice(i, i + PARALLEL)
    results.push(
      ...(await Promise.all(
        chunk.map(async (row, k) => {
          if (issuedBefore.has(couponIds[i + k]!)) return '已发放'
          const member = byId.get(row.memberId)
          if (!member || member.status !== 'active') return '未发放：会员已注销'
          const recipient: Recipient = {
            _id: member._id,
            memberNo: member.memberNo,
            tier: member.tier,
          }
          try {
            await issueCoupon(
              ctx,
              template._id,
              recipient,
              { kind: 'hq', key: couponIssueKey(job._id, member._id) },
              template,
              undefined,
              null,
            )
            return '已发放'
          } catch (err) {
            if (!(err instanceof AppError) || err.code !== 'COUPON_UNAVAILABLE') throw err
            return `未发放：${err.message === EXHAUSTED ? '已发完' : err.message}`
          }
        }),
      )),
    )
  }
  const issued = results.filter((r) => r === '已发放').length
  const csv = toCsv(
    COUPON_RESULT_HEADER,
    rows.map((row, k) => [row.memberNo, results[k]!]),
  )
  return {
    count: rows.length,
    issued,
    notIssued: rows.length - issued,
    // Only the first part keeps the BOM and the header: the parts are joined into one file.
    csv: job.done === 0 ? csv : csv.slice(csv.indexOf('\r\n') + 2),
  }
}

export const couponResultFilename = (jobId: string) => `发券结果-${jobId.slice(0, 8)}.csv`
