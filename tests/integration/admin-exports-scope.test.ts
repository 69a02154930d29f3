/**
 * Who gets which rows in an export (issue #18): a store manager's export of orders, members and
 * offline sales holds only their stores' rows, whatever they ask for; it is checked when the job is
 * created and again at every batch it runs (a manager moved to another store meanwhile stops the
 * job); a store manager sees only their own jobs; an analyst's member export masks the phones. Each
 * is read from the produced CSV.
 */
import { parseCsv } from '../../shared/hq/rules/csv-import'
import { startConsoleStack, type ConsoleTestStack } from '../support/console-stack'

jest.setTimeout(180_000)

let setup: ConsoleTestStack
let storeA: string
let storeB: string
let manager: string
const CREAM = 'p-rose-cream'
/** Per store: the member's number and phone, the order id and the till receipt. */
const rows: Record<
  'A' | 'B',
  { memberNo: string; phone: string; orderId: string; receipt: string }
> = {} as never

const records = (csv: string) => {
  const parsed = parseCsv(csv)
  expect(parsed.errors).toEqual([])
  return parsed.records.slice(1).map((r) => r.cells)
}

beforeAll(async () => {
  setup = await startConsoleStack()
  const { stack, demo } = setup
  storeA = setup.storeIds.SH001!
  storeB = setup.storeIds.SH002!
  for (const [key, storeId, phone] of [
    ['A', storeA, '13811110001'],
    ['B', storeB, '13822220002'],
  ] as const) {
    const openid = `oScope${key}`
    const code = demo.codes.find((c) => c.kind === 'clerk' && c.storeId === storeId)!
    const bound = await stack.call(
      'member',
      { action: 'bind', scene: code.scene, phone },
      { openid },
    )
    expect(bound.status).toBe(200)
    const created = await stack.call(
      'shop',
      {
        action: 'createOrder',
        items: [{ productId: CREAM, qty: 1 }],
        fulfilment: 'pickup',
        storeId,
      },
      { openid },
    )
    expect(created.status).toBe(200)
    await fetch(`${stack.url}/sandbox/pay/${created.body.data.outTradeNo}`, {
      method: 'POST',
      body: '{}',
    })
    const clerk = demo.personas.find((p) => p.role === 'clerk' && p.storeId === storeId)!
    const memberCode = (await stack.call('member', { action: 'memberCode' }, { openid })).body.data
      .code
    const receipt = `SCOPE-${key}-1`
    const sale = await stack.call(
      'staff',
      { action: 'recordSale', memberCode, amountFen: 9_900, receiptNo: receipt },
      { openid: clerk.openid },
    )
    expect(sale.status).toBe(200)
    rows[key] = {
      memberNo: bound.body.data.memberNo,
      phone,
      orderId: created.body.data.orderId,
      receipt,
    }
  }
  const account = await stack.admin({
    action: 'createAdminAccount',
    username: 'mgr.scope',
    displayName: '范店长',
    role: 'storeManager',
    password: 'mgr.scope-password',
    storeIds: [storeA],
  })
  expect(account.status).toBe(200)
  manager = await setup.signIn('mgr.scope', 'mgr.scope-password')
})
afterAll(() => setup.stack.stop())

/** A manager's export, finished by the jobs timer (a store manager cannot step jobs). */
async function managerExport(kind: string, extra: Record<string, unknown> = {}) {
  const created = await setup.stack.admin({ action: 'createDataExport', kind, ...extra }, manager)
  expect(created.status).toBe(200)
  await setup.stack.runJob('stepJobs')
  const job = (await setup.stack.admin({ action: 'job', jobId: created.body.data.jobId }, manager))
    .body.data
  expect(job.status).toBe('succeeded')
  return records(await setup.exportFile(job.jobId, manager))
}

describe("a store manager's exports hold only their stores' rows", () => {
  it('orders: only the pickup orders of their store, though no store was named', async () => {
    const ids = (await managerExport('exportOrders')).map((r) => r[1])
    expect(ids).toContain(rows.A.orderId)
    expect(ids).not.toContain(rows.B.orderId)
    const stores = new Set((await managerExport('exportOrders')).map((r) => r[4]))
    expect([...stores]).toEqual(['静安寺店'])
  })

  it('members: only their store’s members, with the phones a manager sees on screen', async () => {
    const members = await managerExport('exportMembers')
    const numbers = members.map((r) => r[0])
    expect(numbers).toContain(rows.A.memberNo)
    expect(numbers).not.toContain(rows.B.memberNo)
    expect(members.find((r) => r[0] === rows.A.memberNo)![1]).toBe(rows.A.phone)
    expect(new Set(members.map((r) => r[4]))).toEqual(new Set(['静安寺店']))
  })

  it('offline sales: only their store’s till receipts', async () => {
    const receipts = (await managerExport('exportOfflineSales')).map((r) => r[4])
    expect(receipts).toContain(rows.A.receipt)
    expect(receipts).not.toContain(rows.B.receipt)
  })

  it('asking for another store is refused when the job is created', async () => {
    const refused = await setup.stack.admin(
      { action: 'createDataExport', kind: 'exportOrders', storeId: storeB },
      manager,
    )
    expect(refused.status).toBe(403)
    expect(refused.body.error.message).toBe('只能查看或处理所管门店的数据')
  })

  it('a manager moved to another store before the job runs: the job stops and writes nothing', async () => {
    const created = await setup.stack.admin(
      { action: 'createDataExport', kind: 'exportMembers' },
      manager,
    )
    expect(created.status).toBe(200)
    const moved = await setup.stack.admin({
      action: 'updateAdminAccount',
      username: 'mgr.scope',
      role: 'storeManager',
      storeIds: [storeB],
    })
    expect(moved.body.data.sessionsEnded).toBe(1)
    await setup.stack.runJob('stepJobs')
    const job = await setup.jobDoc(created.body.data.jobId)
    expect(job.status).toBe('failed')
    expect(job.errors[0]!.reason).toBe('创建导出的店长账号已不再管理这些门店，导出已停止')
    expect(job.done).toBe(0)
    expect(await setup.count('jobFileParts', { jobId: job._id })).toBe(0)
    // Signed in again, the manager's exports are 徐家汇店's.
    manager = await setup.signIn('mgr.scope', 'mgr.scope-password')
    const numbers = (await managerExport('exportMembers')).map((r) => r[0])
    expect(numbers).toContain(rows.B.memberNo)
    expect(numbers).not.toContain(rows.A.memberNo)
  })

  it('a store manager lists and opens only their own jobs', async () => {
    const hqJob = await setup.stack.admin({ action: 'createDataExport', kind: 'exportOrders' })
    expect(hqJob.status).toBe(200)
    const listed = await setup.stack.admin({ action: 'listJobs', page: 1, pageSize: 50 }, manager)
    expect(listed.status).toBe(200)
    expect(listed.body.data.items.length).toBeGreaterThan(0)
    expect(new Set(listed.body.data.items.map((j: { createdBy: string }) => j.createdBy))).toEqual(
      new Set(['mgr.scope']),
    )
    const other = await setup.stack.admin({ action: 'job', jobId: hqJob.body.data.jobId }, manager)
    expect(other.status).toBe(404)
    await setup.runJob(hqJob.body.data.jobId)
    const part = await setup.stack.admin(
      { action: 'jobFile', jobId: hqJob.body.data.jobId, part: 0 },
      manager,
    )
    expect(part.status).toBe(404)
    expect(part.body.error.message).toBe('任务不存在')
  })
})

describe("an analyst's export", () => {
  it('masks every phone in the members file', async () => {
    const created = await setup.stack.admin(
      { action: 'createDataExport', kind: 'exportMembers' },
      setup.analystToken,
    )
    expect(created.status).toBe(200)
    await setup.runJob(created.body.data.jobId)
    const csv = await setup.exportFile(created.body.data.jobId, setup.analystToken)
    const members = records(csv)
    expect(members.find((r) => r[0] === rows.A.memberNo)![1]).toBe('138****0001')
    expect(members.find((r) => r[0] === rows.B.memberNo)![1]).toBe('138****0002')
    expect(csv).not.toMatch(/1[3-9]\d{9}/)
  })
})
