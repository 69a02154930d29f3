/**
 * Issue #19's large issuance: a coupon for each member of a CSV of member numbers, as a job
 * (`admin.createCouponIssueJob`, kind `issueCouponsCsv`). Through the local stack: 2,000 rows over
 * many timer batches with a step that dies after issuing its batch (the next stepper redoes it and
 * nobody gets a second coupon), a template smaller than the file (the rest reads 已发完, the job
 * finishes), the template's tiers and each member's limit as reasons in the result file, a file
 * checked whole (unknown, deleted, duplicate, malformed rows: nothing issued), and the coupon
 * centre's claims racing the job never taking the total past `totalQuantity`.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { CouponDoc } from '../../shared/coupons/documents'
import type { JobDoc } from '../../shared/hq/documents'
import { cutBefore, requestText } from '../support/crash'
import { addMembers } from '../support/fixtures'
import { startTestStack, type TestStack } from '../support/local-stack'

let stack: TestStack
let storeId: string
let clerkId: string
let nextNo = 710_000_000

type Tier = 'standard' | 'silver' | 'gold'
interface Seeded {
  memberId: string
  memberNo: string
  openid: string
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  const stores = (await stack.db.collection('stores').where({ code: 'SH001' }).get()) as {
    data: { _id: string }[]
  }
  storeId = stores.data[0]!._id
  clerkId = (
    (await stack.db.collection('clerks').where({ storeId }).limit(1).get()) as {
      data: { _id: string }[]
    }
  ).data[0]!._id
}, 120_000)
afterAll(() => stack.stop())
afterEach(() => stack.setClockOffset(0))

/** Members straight into the database (binding 2,000 through the function would be the test). */
async function seedMembers(n: number, tier: Tier = 'gold'): Promise<Seeded[]> {
  const now = new Date()
  const out: Seeded[] = []
  for (let i = 0; i < n; i += 500) {
    const docs = Array.from({ length: Math.min(500, n - i) }, () => {
      const memberNo = String(nextNo++)
      return {
        _id: `m-csv-${memberNo}`,
        openid: `o-csv-${memberNo}`,
        memberNo,
        status: 'active',
        tier,
        points: 0,
        storeId,
        clerkId,
        attributedAt: now,
        openedStoreId: storeId,
        openedClerkId: clerkId,
        joinedAt: now,
        lastPurchaseAt: null,
        tags: [],
        pointsCredited: 0,
        pointsDebited: 0,
        nextExpiryAt: new Date('2099-01-01'),
        latestExpiryAt: null,
      }
    })
    await addMembers(stack.db, docs)
    out.push(...docs.map((d) => ({ memberId: d._id, memberNo: d.memberNo, openid: d.openid })))
  }
  return out
}

async function template(body: Record<string, unknown>): Promise<string> {
  const res = await stack.admin({
    action: 'createCouponTemplate',
    name: '回店礼 满100减20',
    kind: 'amountOff',
    valueFen: 2_000,
    minSpendFen: 10_000,
    channels: ['online', 'offline'],
    validDays: 30,
    perMemberLimit: 1,
    ...body,
  })
  if (res.status !== 200) throw new Error(JSON.stringify(res.body))
  return res.body.data.templateId
}

const csvOf = (numbers: string[], header = true) =>
  `\uFEFF${header ? '会员号\r\n' : ''}${numbers.join('\r\n')}\r\n`

async function createJob(templateId: string, csv: string, title = '会员名单.csv') {
  return stack.admin({ action: 'createCouponIssueJob', templateId, title, csv })
}

async function jobDoc(jobId: string): Promise<JobDoc> {
  return ((await stack.db.collection(COLLECTIONS.jobs.name).doc(jobId).get()) as { data: JobDoc[] })
    .data[0]!
}

/** The timer, run after run, until the job has ended. */
async function runTimerUntilDone(jobId: string): Promise<{ runs: number; job: JobDoc }> {
  for (let runs = 1; runs <= 60; runs++) {
    await stack.runJob('stepJobs')
    const job = await jobDoc(jobId)
    if (job.status !== 'running') return { runs, job }
  }
  throw new Error('the job did not finish in 60 timer runs')
}

async function couponsOf(templateId: string): Promise<CouponDoc[]> {
  const out: CouponDoc[] = []
  for (;;) {
    const page = (await stack.db
      .collection(COLLECTIONS.coupons.name)
      .where({ templateId })
      .skip(out.length)
      .limit(1000)
      .get()) as { data: CouponDoc[] }
    out.push(...page.data)
    if (page.data.length < 1000) return out
  }
}

/** The result file as the console joins it: every part, in order. */
async function resultFile(jobId: string): Promise<{ filename: string; rows: string[][] }> {
  const detail = await stack.admin({ action: 'job', jobId })
  expect(detail.status).toBe(200)
  const file = detail.body.data.file as { filename: string; parts: number }
  let csv = ''
  for (let part = 0; part < file.parts; part++) {
    const res = await stack.admin({ action: 'jobFile', jobId, part })
    expect(res.status).toBe(200)
    csv += res.body.data.csv
  }
  expect(csv.startsWith('\uFEFF会员号,结果\r\n')).toBe(true)
  const rows = csv
    .slice(1)
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(','))
  return { filename: file.filename, rows: rows.slice(1) }
}

const countBy = (values: string[]) => {
  const out = new Map<string, number>()
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1)
  return out
}

describe('issuing a coupon to a CSV of member numbers, as a job', () => {
  it('400 rows over eight timer batches; a step that dies after issuing its batch is redone, and every member gets exactly one', async () => {
    const members = await seedMembers(400)
    const templateId = await template({ name: '四百人回店礼' })
    const created = await createJob(templateId, csvOf(members.map((m) => m.memberNo)))
    expect(created.status).toBe(200)
    const jobId = created.body.data.jobId as string
    expect(created.body.data).toMatchObject({
      kind: 'issueCouponsCsv',
      status: 'running',
      statusLabel: '进行中',
      total: 400,
      done: 0,
      title: '发券：四百人回店礼（会员名单.csv）',
    })

    // Three batches from the console, then a fourth whose step dies after issuing its coupons,
    // before it records them on the job (its invocation never answers: a killed instance).
    for (let i = 0; i < 3; i++) {
      const step = await stack.admin({ action: 'jobStep', jobId })
      expect(step.status).toBe(200)
    }
    expect((await jobDoc(jobId)).done).toBe(150)
    const cut = cutBefore(
      stack,
      (r) =>
        r.collectionName === COLLECTIONS.jobs.name &&
        r.action !== 'database.queryDocument' &&
        requestText(r).includes('created'),
    )
    const dying = stack.admin({ action: 'jobStep', jobId })
    await cut.seen
    expect(await couponsOf(templateId)).toHaveLength(200)
    expect((await jobDoc(jobId)).done).toBe(150)

    // The lease of the dead step runs out; the timer takes over and finishes the job.
    stack.setClockOffset(60_000)
    const { runs, job } = await runTimerUntilDone(jobId)
    cut.drop()
    expect((await dying).status).not.toBe(200)
    expect(job).toMatchObject({ status: 'succeeded', done: 400, created: 400, skipped: 0 })
    expect(runs).toBeGreaterThanOrEqual(1)

    const coupons = await couponsOf(templateId)
    expect(coupons).toHaveLength(400)
    const perMember = countBy(coupons.map((c) => c.memberId))
    expect(perMember.size).toBe(400)
    expect(Math.max(...perMember.values())).toBe(1)
    expect(coupons.every((c) => c.source.kind === 'hq' && c.status === 'available')).toBe(true)
    const stats = await stack.admin({ action: 'couponTemplateStats', templateId })
    expect(stats.body.data).toMatchObject({ issued: 400, available: 400 })

    // The jobs page's row and the result file: every row, in the file's order, 已发放.
    const listed = await stack.admin({ action: 'listJobs', page: 1, pageSize: 20 })
    expect(listed.body.data.items.find((j: { jobId: string }) => j.jobId === jobId)).toMatchObject({
      statusLabel: '已完成',
      created: 400,
      skipped: 0,
      actions: ['download'],
    })
    const result = await resultFile(jobId)
    expect(result.filename).toMatch(/^发券结果-.+\.csv$/)
    expect(result.rows).toEqual(members.map((m) => [m.memberNo, '已发放']))

    // A step of the finished job (a late console tab) issues nothing.
    await stack.admin({ action: 'jobStep', jobId })
    expect(await couponsOf(templateId)).toHaveLength(400)
  }, 600_000)

  it('a template smaller than the file: the rest reads 已发完 and the job finishes; tiers, limits and deletions are reasons', async () => {
    const gold = await seedMembers(300)
    const [standard] = await seedMembers(1, 'standard')
    const templateId = await template({
      name: '金银卡限量120',
      totalQuantity: 120,
      tiers: ['gold', 'silver'],
      publishToCentre: true,
    })
    // One member already claimed theirs in the coupon centre (a limit of 1 each).
    const claimed = await stack.call(
      'member',
      { action: 'claimCoupon', templateId },
      { openid: gold[0]!.openid },
    )
    expect(claimed.status).toBe(200)
    const list = [gold[0]!, standard!, gold[1]!, ...gold.slice(2)]
    const created = await createJob(
      templateId,
      csvOf(
        list.map((m) => m.memberNo),
        false,
      ),
    )
    expect(created.body.data).toMatchObject({ status: 'running', total: 301 })
    const jobId = created.body.data.jobId as string
    // Deleted after the file was checked, before its batch.
    await stack.db
      .collection(COLLECTIONS.members.name)
      .doc(gold[1]!.memberId)
      .update({ status: 'deleted' })

    const { job } = await runTimerUntilDone(jobId)
    expect(job).toMatchObject({ status: 'succeeded', done: 301, created: 119, skipped: 182 })
    const coupons = await couponsOf(templateId)
    expect(coupons).toHaveLength(120)
    expect(Math.max(...countBy(coupons.map((c) => c.memberId)).values())).toBe(1)

    const { rows } = await resultFile(jobId)
    expect(rows.map((r) => r[0])).toEqual(list.map((m) => m.memberNo))
    expect(rows.slice(0, 3)).toEqual([
      [gold[0]!.memberNo, '未发放：每人限领 1 张，已领完'],
      [standard!.memberNo, '未发放：仅限金卡会员、银卡会员领取'],
      [gold[1]!.memberNo, '未发放：会员已注销'],
    ])
    expect(Object.fromEntries(countBy(rows.slice(3).map((r) => r[1]!)))).toEqual({
      已发放: 119,
      '未发放：已发完': 179,
    })
    const stats = await stack.admin({ action: 'couponTemplateStats', templateId })
    expect(stats.body.data.issued).toBe(120)
  }, 300_000)

  it('the file is checked whole: unknown, deleted, repeated and malformed rows are named by line and nothing is issued', async () => {
    const [a, b, gone] = await seedMembers(3)
    await stack.db
      .collection(COLLECTIONS.members.name)
      .doc(gone!.memberId)
      .update({ status: 'deleted' })
    const templateId = await template({ name: '检查名单' })
    const csv = csvOf([a!.memberNo, '799999999', gone!.memberNo, a!.memberNo, '12345', b!.memberNo])
    // Format and repeats first (the file alone); then, once those are right, the members.
    const malformed = await createJob(templateId, csv)
    expect(malformed.status).toBe(200)
    expect(malformed.body.data).toMatchObject({
      status: 'failed',
      statusLabel: '2 处错误，未发放',
      errors: [
        { line: 5, field: '会员号', reason: `与第 2 行的会员号 ${a!.memberNo} 重复` },
        { line: 6, field: '会员号', reason: '「12345」不是会员号：会员号为 9 位数字' },
      ],
      hasOutput: false,
    })
    const unknown = await createJob(
      templateId,
      csvOf([a!.memberNo, '799999999', gone!.memberNo, b!.memberNo]),
    )
    expect(unknown.body.data).toMatchObject({
      status: 'failed',
      statusLabel: '2 处错误，未发放',
      errors: [
        { line: 3, field: '会员号', reason: '会员 799999999 不存在' },
        { line: 4, field: '会员号', reason: `会员 ${gone!.memberNo} 已注销` },
      ],
    })
    await stack.runJob('stepJobs')
    expect(await couponsOf(templateId)).toHaveLength(0)

    // A paused template is refused before the file is read; the audit log names the action.
    await stack.admin({ action: 'updateCouponTemplate', templateId, status: 'paused' })
    const paused = await createJob(templateId, csvOf([a!.memberNo]))
    expect(paused.status).toBe(409)
    expect(paused.body.error.message).toBe('该优惠券已暂停发放，不能发放')
    const audit = await stack.admin({
      action: 'listAudit',
      auditAction: 'createCouponIssueJob',
      pageSize: 100,
    })
    expect(audit.body.data.items.length).toBeGreaterThanOrEqual(3)
    // The small list stays capped at 200: a larger one is this job's.
    const tooMany = await stack.admin({
      action: 'issueCoupons',
      templateId,
      memberNos: Array.from({ length: 201 }, (_, i) => String(720_000_000 + i)),
    })
    expect(tooMany.status).toBe(400)
  }, 120_000)

  it('coupon-centre claims racing the job never take the total past totalQuantity', async () => {
    const listed = await seedMembers(600)
    const claimers = await seedMembers(200)
    const templateId = await template({
      name: '限量500 抢券',
      totalQuantity: 500,
      publishToCentre: true,
    })
    const created = await createJob(templateId, csvOf(listed.map((m) => m.memberNo)))
    const jobId = created.body.data.jobId as string
    // The timer steps the job while 200 members claim in the centre, 20 at a time.
    const timer = runTimerUntilDone(jobId)
    const answers: { status: number; body: any }[] = []
    for (let i = 0; i < claimers.length; i += 20)
      answers.push(
        ...(await Promise.all(
          claimers
            .slice(i, i + 20)
            .map((m) =>
              stack.call('member', { action: 'claimCoupon', templateId }, { openid: m.openid }),
            ),
        )),
      )
    const { job } = await timer
    const claimedOk = answers.filter((a) => a.status === 200).length
    for (const a of answers.filter((a) => a.status !== 200))
      expect(a.body.error.message).toBe('该优惠券已被领完')

    const coupons = await couponsOf(templateId)
    expect(coupons).toHaveLength(500)
    expect(Math.max(...countBy(coupons.map((c) => c.memberId)).values())).toBe(1)
    expect(job.status).toBe('succeeded')
    expect(job.created + claimedOk).toBe(500)
    expect(job.created + job.skipped).toBe(600)
    expect(coupons.filter((c) => c.source.kind === 'centre')).toHaveLength(claimedOk)
    const { rows } = await resultFile(jobId)
    expect(countBy(rows.map((r) => r[1]!)).get('已发放')).toBe(job.created)
    expect(rows.filter((r) => r[1] !== '已发放').every((r) => r[1] === '未发放：已发完')).toBe(true)
    const stats = await stack.admin({ action: 'couponTemplateStats', templateId })
    expect(stats.body.data.issued).toBe(500)
  }, 300_000)
})
