/**
 * The console's orders, refunds and jobs through the local stack: HQ finds a paid order in the
 * orders list and refunds part of it; a stores CSV imports each store once however the job is
 * stepped (concurrently, by the timer, resumed); a file with errors writes nothing; analysts and
 * WeChat identities are refused every new write, and every write is in the audit log.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { StoreDoc } from '../../shared/staff/documents'
import { toCsv } from '../../shared/platform/csv'
import { parseCsv } from '../../shared/hq/rules/csv-import'
import { JOB_BATCH_SIZE } from '../../shared/flows/hq-jobs'
import { startConsoleStack, type ConsoleTestStack } from '../support/console-stack'
import type { Personas, TestStack } from '../support/local-stack'

jest.setTimeout(120_000)

let stack: TestStack
let demo: Personas
let analystToken: string
let count: ConsoleTestStack['count']
let job: ConsoleTestStack['jobDoc']
const CREAM = 'p-rose-cream'

beforeAll(async () => {
  const setup = await startConsoleStack()
  ;({ stack, demo, analystToken, count } = setup)
  job = setup.jobDoc
})
afterAll(() => stack.stop())

async function paidOrder(openid: string) {
  const code = demo.codes.find((c) => c.kind === 'clerk')!
  const bound = await stack.call(
    'member',
    { action: 'bind', scene: code.scene, phone: '13900000001' },
    { openid },
  )
  expect(bound.status).toBe(200)
  const created = await stack.call(
    'shop',
    {
      action: 'createOrder',
      items: [{ productId: CREAM, qty: 2 }],
      fulfilment: 'pickup',
      storeId: code.storeId,
    },
    { openid },
  )
  expect(created.status).toBe(200)
  const paid = await fetch(`${stack.url}/sandbox/pay/${created.body.data.outTradeNo}`, {
    method: 'POST',
    body: '{}',
  })
  expect(paid.status).toBe(200)
  return {
    orderId: created.body.data.orderId as string,
    memberNo: bound.body.data.memberNo as string,
    storeId: code.storeId,
  }
}

const auditCount = (action: string, outcome: string) =>
  count(COLLECTIONS.auditLog.name, { action, outcome })

describe('orders and refunds', () => {
  let order: { orderId: string; memberNo: string; storeId: string }

  beforeAll(async () => {
    order = await paidOrder('oOrdersBuyer')
  })

  it('lists the paid order by member number, store, status and day; sorts on the server', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
    const found = await stack.admin({
      action: 'listOrders',
      search: order.memberNo,
      storeId: order.storeId,
      status: 'paid',
      from: today,
      to: today,
    })
    expect(found.status).toBe(200)
    expect(found.body.data.total).toBe(1)
    expect(found.body.data.items[0]).toMatchObject({
      orderId: order.orderId,
      memberNo: order.memberNo,
      status: 'paid',
      totalFen: 33_600,
      refundedFen: 0,
    })
    const byId = await stack.admin({ action: 'listOrders', search: order.orderId })
    expect(byId.body.data.items.map((o: { orderId: string }) => o.orderId)).toEqual([order.orderId])
    const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10)
    expect((await stack.admin({ action: 'listOrders', to: yesterday })).body.data.total).toBe(0)
    const unknownMember = await stack.admin({ action: 'listOrders', search: '000000000' })
    expect(unknownMember.body.data).toMatchObject({ items: [], total: 0 })
    const bad = await stack.admin({ action: 'listOrders', search: '张三 的订单' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('search')
  })

  it('refunds part of the order from the list; the detail shows the refund, what is left and the timeline', async () => {
    const detail = await stack.admin({ action: 'orderDetail', orderId: order.orderId })
    expect(detail.body.data).toMatchObject({
      refundableFen: 33_600,
      refunds: [],
      payment: { status: 'paid', amountFen: 33_600 },
    })
    const tooMuch = await stack.admin({
      action: 'refundOrder',
      orderId: order.orderId,
      amountFen: 33_601,
      reason: '多退',
    })
    expect(tooMuch.status).toBe(409)
    const refunded = await stack.admin({
      action: 'refundOrder',
      orderId: order.orderId,
      amountFen: 2_050,
      reason: '包装破损',
    })
    expect(refunded.status).toBe(200)
    expect(refunded.body.data).toMatchObject({ orderId: order.orderId, amountFen: 2_050 })
    // The sandbox settles the refund and notifies; the order then shows it.
    let after = detail
    for (let i = 0; i < 50 && after.body.data.order.refundedFen === 0; i++) {
      await new Promise((r) => setTimeout(r, 100))
      after = await stack.admin({ action: 'orderDetail', orderId: order.orderId })
    }
    expect(after.body.data.order.refundedFen).toBe(2_050)
    expect(after.body.data.refundableFen).toBe(33_600 - 2_050)
    expect(after.body.data.refunds).toEqual([
      expect.objectContaining({ amountFen: 2_050, reason: '包装破损', status: 'succeeded' }),
    ])
    expect(after.body.data.timeline.map((t: { event: string }) => t.event)).toEqual([
      '下单',
      '支付成功 ¥336.00',
      '申请退款 ¥20.50：包装破损',
      '退款成功 ¥20.50',
    ])
    const listed = await stack.admin({ action: 'listOrders', search: order.orderId })
    expect(listed.body.data.items[0].refundedFen).toBe(2_050)
    expect(await auditCount('refundOrder', 'ok')).toBe(1)
  })

  it('an analyst sees orders but cannot refund; a WeChat identity cannot call admin actions at all', async () => {
    const seen = await stack.admin({ action: 'listOrders', search: order.orderId }, analystToken)
    expect(seen.status).toBe(200)
    // The same order and label for both; the actions are the caller's: none for an analyst.
    const asAdmin = await stack.admin({ action: 'listOrders', search: order.orderId })
    expect(asAdmin.body.data.items[0]).toMatchObject({
      state: 'awaiting_pickup',
      statusLabel: '待提货（部分退款）',
      actions: ['refund'],
    })
    expect(seen.body.data.items[0]).toMatchObject({
      state: 'awaiting_pickup',
      statusLabel: '待提货（部分退款）',
      actions: [],
    })
    const analystDetail = await stack.admin(
      { action: 'orderDetail', orderId: order.orderId },
      analystToken,
    )
    expect(analystDetail.body.data.order.actions).toEqual([])
    expect(analystDetail.body.data.payment).toMatchObject({ status: 'paid', statusLabel: '已支付' })
    expect(analystDetail.body.data.refunds[0]).toMatchObject({ statusLabel: '成功', open: false })
    const refused = await stack.admin(
      { action: 'refundOrder', orderId: order.orderId, amountFen: 100, reason: '试试' },
      analystToken,
    )
    expect(refused.status).toBe(403)
    expect(await auditCount('refundOrder', 'FORBIDDEN')).toBe(1)
    const clerk = demo.personas.find((p) => p.role === 'clerk')!
    const wechat = await stack.call(
      'admin',
      { action: 'refundOrder', orderId: order.orderId, amountFen: 100, reason: '试试' },
      { openid: clerk.openid },
    )
    expect(wechat.status).toBe(401)
    const detail = await stack.admin({ action: 'orderDetail', orderId: order.orderId })
    expect(detail.body.data.refunds).toHaveLength(1)
  })
})

const STORE_HEADER = ['门店编码', '门店名称', '地址', '纬度', '经度']
const storeRows = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => [
    `${prefix}${String(i).padStart(3, '0')}`,
    `导入店 ${prefix}-${i}，一楼`,
    `上海市"测试"路 ${i} 号`,
    '',
    '',
  ])

describe('CSV import jobs', () => {
  it('imports every store once, stepped concurrently by the console and the timer', async () => {
    const n = JOB_BATCH_SIZE * 2 + 7
    const created = await stack.admin({
      action: 'createImportJob',
      kind: 'importStores',
      title: 'stores.csv',
      csv: toCsv(STORE_HEADER, storeRows('IM', n)),
    })
    expect(created.status).toBe(200)
    expect(created.body.data).toMatchObject({ status: 'running', total: n, done: 0, errorCount: 0 })
    const jobId = created.body.data.jobId as string
    for (let round = 0; round < 10 && (await job(jobId)).status === 'running'; round++) {
      const steps = await Promise.all([
        ...Array.from({ length: 4 }, () => stack.admin({ action: 'jobStep', jobId })),
        fetch(`${stack.url}/dev/jobs/stepJobs`, { method: 'POST' }),
      ])
      for (const step of steps.slice(0, 4)) expect((step as { status: number }).status).toBe(200)
    }
    const done = await job(jobId)
    expect(done).toMatchObject({
      status: 'succeeded',
      total: n,
      done: n,
      created: n,
      skipped: 0,
      leaseId: null,
    })
    expect(
      await count(COLLECTIONS.stores.name, {
        code: stack.db.command.in(storeRows('IM', n).map((r) => r[0]!)),
      }),
    ).toBe(n)
    const one = (
      (await stack.db.collection(COLLECTIONS.stores.name).where({ code: 'IM001' }).get()) as {
        data: StoreDoc[]
      }
    ).data[0]!
    expect(one).toMatchObject({
      name: '导入店 IM-1，一楼',
      address: '上海市"测试"路 1 号',
      status: 'active',
    })
    const listed = await stack.admin({ action: 'listStores' })
    expect(
      listed.body.data.items.filter((s: { code: string }) => s.code.startsWith('IM')),
    ).toHaveLength(n)
  })

  it('the timer alone finishes a job of several batches (nobody has the console open)', async () => {
    const rows = storeRows('TM', JOB_BATCH_SIZE * 3)
    const res = await stack.admin({
      action: 'createImportJob',
      kind: 'importStores',
      title: 'timer.csv',
      csv: toCsv(STORE_HEADER, rows),
    })
    expect((await fetch(`${stack.url}/dev/jobs/stepJobs`, { method: 'POST' })).status).toBe(200)
    expect(await job(res.body.data.jobId)).toMatchObject({
      status: 'succeeded',
      done: rows.length,
      created: rows.length,
    })
  })

  it('a resumed job (its step lost mid-batch) and a re-import of the same file create nothing twice', async () => {
    const rows = storeRows('RS', JOB_BATCH_SIZE + 5)
    const first = await stack.admin({
      action: 'createImportJob',
      kind: 'importStores',
      title: 'resume.csv',
      csv: toCsv(STORE_HEADER, rows),
    })
    const jobId = first.body.data.jobId as string
    await stack.admin({ action: 'jobStep', jobId })
    // A step that wrote its batch but died before recording it: progress back to 0, lease expired.
    await stack.db.collection(COLLECTIONS.jobs.name).doc(jobId).update({ done: 0, created: 0 })
    while ((await job(jobId)).status === 'running') await stack.admin({ action: 'jobStep', jobId })
    expect(await job(jobId)).toMatchObject({
      status: 'succeeded',
      done: rows.length,
      created: rows.length - JOB_BATCH_SIZE,
      skipped: JOB_BATCH_SIZE,
    })
    const again = await stack.admin({
      action: 'createImportJob',
      kind: 'importStores',
      title: 'resume.csv',
      csv: toCsv(STORE_HEADER, rows),
    })
    while ((await job(again.body.data.jobId)).status === 'running')
      await stack.admin({ action: 'jobStep', jobId: again.body.data.jobId })
    expect(await job(again.body.data.jobId)).toMatchObject({ created: 0, skipped: rows.length })
    expect(
      await count(COLLECTIONS.stores.name, { code: stack.db.command.in(rows.map((r) => r[0]!)) }),
    ).toBe(rows.length)
  })

  it('a file with bad rows reports each (line, column, reason) and writes nothing', async () => {
    const storesBefore = await count(COLLECTIONS.stores.name, {})
    const rows = storeRows('BD', 6)
    rows[1]![1] = ''
    rows[3]![0] = 'BD-3'
    rows[4]![0] = 'BD000'
    const res = await stack.admin({
      action: 'createImportJob',
      kind: 'importStores',
      title: 'bad.csv',
      csv: toCsv(STORE_HEADER, rows),
    })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({ status: 'failed', errorCount: 3, done: 0 })
    expect(res.body.data.errors).toEqual([
      { line: 3, field: '门店名称', reason: '不能为空' },
      { line: 5, field: '门店编码', reason: '应为 1-12 位字母或数字' },
      { line: 6, field: '门店编码', reason: '与第 2 行的门店编码 BD000 重复' },
    ])
    const step = await stack.admin({ action: 'jobStep', jobId: res.body.data.jobId })
    expect(step.body.data.status).toBe('failed')
    expect(await count(COLLECTIONS.stores.name, {})).toBe(storesBefore)
  })

  it('imports clerks as invites for their stores, once, with the invite list to hand out', async () => {
    const storeCode = 'IM000'
    const unknown = await stack.admin({
      action: 'createImportJob',
      kind: 'importClerks',
      title: 'clerks.csv',
      csv: toCsv(['门店编码', '姓名', '店长'], [['NOPE1', '赵一', '否']]),
    })
    expect(unknown.body.data.errors).toEqual([
      { line: 2, field: '门店编码', reason: '门店 NOPE1 不存在' },
    ])
    const csv = toCsv(
      ['门店编码', '姓名', '店长'],
      [
        [storeCode, '赵导购', '是'],
        [storeCode.toLowerCase(), '钱导购', ''],
      ],
    )
    const res = await stack.admin({
      action: 'createImportJob',
      kind: 'importClerks',
      title: 'clerks.csv',
      csv,
    })
    const jobId = res.body.data.jobId as string
    await Promise.all([
      stack.admin({ action: 'jobStep', jobId }),
      stack.admin({ action: 'jobStep', jobId }),
    ])
    while ((await job(jobId)).status === 'running') await stack.admin({ action: 'jobStep', jobId })
    const detail = await stack.admin({ action: 'job', jobId })
    expect(detail.body.data).toMatchObject({ status: 'succeeded', created: 2, hasOutput: true })
    const lines = (detail.body.data.output.csv as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines).toHaveLength(3)
    const invite = lines[1]!.split(',')[3]!
    const joined = await stack.call(
      'staff',
      { action: 'bindInvite', invite },
      { openid: 'oImportedClerk' },
    )
    expect(joined.body.data).toMatchObject({ name: '赵导购' })
    expect(
      await count(COLLECTIONS.staffInvites.name, {
        createdBy: 'admin',
        name: stack.db.command.in(['赵导购', '钱导购']),
      }),
    ).toBe(2)
  })

  it('writes a clerk named like a formula into the invite list as text (CSV injection)', async () => {
    const formula = "=cmd|' /C calc'!A0"
    const res = await stack.admin({
      action: 'createImportJob',
      kind: 'importClerks',
      title: 'hostile.csv',
      // The uploaded file as an attacker writes it (a plain writer, no neutralising).
      csv: `\uFEFF门店编码,姓名,店长\r\nIM000,"${formula}",否\r\nIM000,+1+2,否\r\nIM000,@SUM(A1),否\r\n`,
    })
    expect(res.body.data.errors).toEqual([])
    const jobId = res.body.data.jobId as string
    while ((await job(jobId)).status === 'running') await stack.admin({ action: 'jobStep', jobId })
    const detail = await stack.admin({ action: 'job', jobId })
    const rows = parseCsv(detail.body.data.output.csv as string).records.map((r) => r.cells)
    expect(rows.slice(1).map((cells) => cells[1])).toEqual([`'${formula}`, "'+1+2", "'@SUM(A1)"])
    for (const cells of rows) for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
  })

  it('exports the settlement as a job with a file to download', async () => {
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7)
    const res = await stack.admin({
      action: 'createExportJob',
      kind: 'exportSettlement',
      month,
      by: 'store',
    })
    await stack.admin({ action: 'jobStep', jobId: res.body.data.jobId })
    const detail = await stack.admin({ action: 'job', jobId: res.body.data.jobId })
    const direct = await stack.admin({ action: 'settlementCsv', month, by: 'store' })
    expect(detail.body.data.output).toEqual(direct.body.data)
    const listed = await stack.admin({ action: 'listJobs' })
    expect(
      listed.body.data.items.find((j: { jobId: string }) => j.jobId === res.body.data.jobId),
    ).toMatchObject({ status: 'succeeded', hasOutput: true })
  })

  it('moves all of a clerk’s members as a job, each once, however many steppers', async () => {
    const code = demo.codes.find((c) => c.kind === 'clerk')!
    for (let i = 0; i < JOB_BATCH_SIZE + 3; i++) {
      const bound = await stack.call(
        'member',
        { action: 'bind', scene: code.scene, phone: `137${String(10_000_000 + i).slice(-8)}` },
        { openid: `oTransferJob${i}` },
      )
      expect(bound.status).toBe(200)
    }
    // The clerks' counts follow the binds with their follow-up job.
    await stack.runJob('finishBinds')
    const clerks = (await stack.db
      .collection(COLLECTIONS.clerks.name)
      .where({ storeId: code.storeId, status: 'active' })
      .get()) as { data: { _id: string; memberCount: number }[] }
    const from = clerks.data.find((c) => c._id === code.clerkId)!
    const to = clerks.data.find((c) => c._id !== code.clerkId)!
    const res = await stack.admin({
      action: 'createTransferJob',
      fromClerkId: from._id,
      toClerkId: to._id,
      reason: '导购离职',
    })
    expect(res.body.data).toMatchObject({
      kind: 'transferMembers',
      status: 'running',
      total: from.memberCount,
    })
    const jobId = res.body.data.jobId as string
    while ((await job(jobId)).status === 'running') {
      await Promise.all([
        stack.admin({ action: 'jobStep', jobId }),
        stack.admin({ action: 'jobStep', jobId }),
        fetch(`${stack.url}/dev/jobs/stepJobs`, { method: 'POST' }),
      ])
    }
    expect(await job(jobId)).toMatchObject({
      status: 'succeeded',
      done: from.memberCount,
      total: from.memberCount,
    })
    expect(await count(COLLECTIONS.members.name, { clerkId: from._id, status: 'active' })).toBe(0)
    expect(
      await count(COLLECTIONS.attributionLog.name, { reason: 'transfer', toClerkId: to._id }),
    ).toBe(from.memberCount)
    const after = (await stack.db.collection(COLLECTIONS.clerks.name).doc(to._id).get()) as {
      data: { memberCount: number }[]
    }
    expect(after.data[0]!.memberCount).toBe(to.memberCount + from.memberCount)
  })

  it('analysts and WeChat identities cannot start or step jobs; the timer action is the timer’s only', async () => {
    const csv = toCsv(STORE_HEADER, storeRows('AN', 1))
    const refused = await stack.admin(
      { action: 'createImportJob', kind: 'importStores', title: 'a.csv', csv },
      analystToken,
    )
    expect(refused.status).toBe(403)
    const listed = await stack.admin({ action: 'listJobs' }, analystToken)
    expect(listed.status).toBe(200)
    // Nobody offers an analyst a step; a file to download is offered to anyone at HQ.
    for (const j of listed.body.data.items as { actions: string[]; hasOutput: boolean }[])
      expect(j.actions).toEqual(j.hasOutput ? ['download'] : [])
    const someJob = listed.body.data.items[0].jobId as string
    expect((await stack.admin({ action: 'jobStep', jobId: someJob }, analystToken)).status).toBe(
      403,
    )
    expect(
      (
        await stack.admin(
          { action: 'createExportJob', kind: 'exportSettlement', month: '2026-01', by: 'clerk' },
          analystToken,
        )
      ).status,
    ).toBe(403)
    expect(
      (
        await stack.admin(
          { action: 'createTransferJob', fromClerkId: 'a', toClerkId: 'b', reason: 'x' },
          analystToken,
        )
      ).status,
    ).toBe(403)
    const clerk = demo.personas.find((p) => p.role === 'clerk')!
    expect(
      (
        await stack.call(
          'admin',
          { action: 'createImportJob', kind: 'importStores', title: 'a.csv', csv },
          { openid: clerk.openid },
        )
      ).status,
    ).toBe(401)
    expect(
      (
        await stack.call(
          'jobs',
          { action: 'everyMinute', message: 'stepJobs' },
          { headers: { authorization: `Bearer ${await stack.adminToken()}` } },
        )
      ).status,
    ).toBe(403)
    expect(await auditCount('createImportJob', 'FORBIDDEN')).toBe(1)
    expect(await auditCount('jobStep', 'FORBIDDEN')).toBe(1)
    expect(await count(COLLECTIONS.stores.name, { code: 'AN000' })).toBe(0)
    expect(await auditCount('createImportJob', 'ok')).toBeGreaterThanOrEqual(5)
  })
})
