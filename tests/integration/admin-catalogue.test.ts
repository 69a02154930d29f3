/**
 * HQ's catalogue, stock, offline sales and exports through the local stack with the real SDK:
 * a product created in the console (with an image uploaded to storage) is in the shop with the
 * stock HQ set; a set never goes below what unpaid orders hold, also while orders are being placed
 * at the same moment; stock comes in from a CSV as a job; offline sales are listed by store and
 * day and voided; orders, members and offline sales leave as CSV jobs, phones masked for an analyst.
 */
import { COLLECTIONS } from '../../shared/collections'
import type { StockDoc } from '../../shared/shop/documents'
import { parseCsv } from '../../shared/hq/rules/csv-import'
import { toCsv } from '../../shared/platform/csv'
import { shanghaiDay } from '../../shared/platform/calendar'
import { EXPORT_BATCH_SIZE } from '../../shared/flows/hq-exports'
import { startConsoleStack, type ConsoleTestStack } from '../support/console-stack'
import type { Personas, TestStack } from '../support/local-stack'

jest.setTimeout(180_000)

let stack: TestStack
let demo: Personas
let analystToken: string
let runJob: ConsoleTestStack['runJob']
let exportFile: ConsoleTestStack['exportFile']
let storeA: string
let storeB: string
let storeACode: string
const clerkA = 'demo-clerk-1'

/** The smallest valid PNG (1×1, transparent). */
const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

beforeAll(async () => {
  const setup = await startConsoleStack()
  ;({ stack, demo, analystToken, runJob, exportFile } = setup)
  storeA = setup.storeIds.SH001!
  storeB = setup.storeIds.SH002!
  storeACode = 'SH001'
})
afterAll(() => stack.stop())

let phones = 0
async function bind(openid: string, phone = `137${String(++phones).padStart(8, '0')}`) {
  const code = demo.codes.find((c) => c.kind === 'clerk' && c.storeId === storeA)!
  const res = await stack.call('member', { action: 'bind', scene: code.scene, phone }, { openid })
  expect(res.body.error ?? null).toBeNull()
  return res.body.data as { memberId: string; memberNo: string }
}

async function stockDoc(productId: string, locationId: string): Promise<StockDoc | undefined> {
  const res = (await stack.db
    .collection(COLLECTIONS.stock.name)
    .doc(`${productId}_${locationId}`)
    .get()) as { data: StockDoc[] }
  return res.data[0]
}

const order = (openid: string, productId: string, qty = 1, storeId = storeA) =>
  stack.call(
    'shop',
    { action: 'createOrder', items: [{ productId, qty }], fulfilment: 'pickup', storeId },
    { openid },
  )

async function newProduct(name: string, priceFen = 12_900): Promise<string> {
  const res = await stack.admin({ action: 'createProduct', name, priceFen })
  expect(res.status).toBe(200)
  return res.body.data.productId as string
}

describe('products', () => {
  it('a product created with an image and stock in the console is in the shop, orderable', async () => {
    const upload = await stack.admin({
      action: 'uploadProductImage',
      contentType: 'image/png',
      dataBase64: PNG_1PX,
    })
    expect(upload.status).toBe(200)
    const image = await fetch(upload.body.data.url)
    expect(image.status).toBe(200)
    expect(Buffer.from(await image.arrayBuffer()).toString('base64')).toBe(PNG_1PX)

    const created = await stack.admin({
      action: 'createProduct',
      name: '桂花乌龙茶 100g',
      priceFen: 6_800,
      description: '秋季限定',
      images: [upload.body.data.fileId],
      sort: 5,
    })
    expect(created.status).toBe(200)
    const productId = created.body.data.productId as string
    expect(created.body.data).toMatchObject({
      status: 'active',
      statusLabel: '在售',
      images: [{ fileId: upload.body.data.fileId, url: upload.body.data.url }],
      stock: { central: 0, stores: 0, reserved: 0 },
    })

    const atStore = await stack.admin({
      action: 'setStock',
      productId,
      locationId: storeA,
      quantity: 12,
    })
    expect(atStore.body.data).toMatchObject({ onHand: 12, available: 12, reserved: 0 })
    await stack.admin({ action: 'setStock', productId, locationId: 'central', quantity: 30 })

    const shop = await stack.call('shop', { action: 'products' }, { openid: 'oCatBrowse' })
    const listed = (shop.body.data as any[]).find((p) => p.productId === productId)
    expect(listed).toMatchObject({
      name: '桂花乌龙茶 100g',
      priceFen: 6_800,
      images: [upload.body.data.url],
      available: { central: 30, stores: { [storeA]: 12 } },
    })

    await bind('oCatBuyer')
    const placed = await order('oCatBuyer', productId, 2)
    expect(placed.status).toBe(200)
    expect(placed.body.data.totalFen).toBe(13_600)

    const list = await stack.admin({ action: 'listProducts' })
    expect(list.body.data.items.find((p: any) => p.productId === productId).stock).toEqual({
      central: 30,
      stores: 12,
      reserved: 2,
    })
    const rows = (await stack.admin({ action: 'productStock', productId })).body.data.rows
    expect(rows[0]).toMatchObject({ locationName: '中央仓', onHand: 30, available: 30 })
    expect(rows.find((r: any) => r.locationId === storeA)).toMatchObject({
      locationCode: 'SH001',
      onHand: 12,
      available: 10,
      reserved: 2,
    })
    expect(rows.find((r: any) => r.locationId === storeB)).toMatchObject({ onHand: 0 })

    // Taken off sale: gone from the shop, and no longer orderable.
    const off = await stack.admin({ action: 'updateProduct', productId, status: 'inactive' })
    expect(off.body.data.statusLabel).toBe('已下架')
    const after = await stack.call('shop', { action: 'products' }, { openid: 'oCatBrowse' })
    expect((after.body.data as any[]).some((p) => p.productId === productId)).toBe(false)
    expect((await order('oCatBuyer', productId)).status).toBe(404)
  })

  it('edits change the next order, not the orders already placed', async () => {
    const productId = await newProduct('竹纤维毛巾')
    await stack.admin({ action: 'setStock', productId, locationId: storeA, quantity: 5 })
    await bind('oCatEdit')
    const first = await order('oCatEdit', productId)
    const edited = await stack.admin({
      action: 'updateProduct',
      productId,
      name: '竹纤维毛巾（两条装）',
      priceFen: 15_800,
    })
    expect(edited.body.data).toMatchObject({ name: '竹纤维毛巾（两条装）', priceFen: 15_800 })
    const second = await order('oCatEdit', productId)
    expect(first.body.data.totalFen).toBe(12_900)
    expect(second.body.data.totalFen).toBe(15_800)
    const placed = await stack.call(
      'shop',
      { action: 'order', orderId: first.body.data.orderId },
      { openid: 'oCatEdit' },
    )
    expect(placed.body.data.items[0]).toMatchObject({ name: '竹纤维毛巾', priceFen: 12_900 })
  })

  it('refuses bad input in Chinese, and an image that is not an upload of ours', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '   ', priceFen: 100 }, '请填写商品名称'],
      [{ name: '茶', priceFen: 12.5 }, '价格最多两位小数'],
      [{ name: '茶', priceFen: 0 }, '价格至少 ¥0.01'],
      [{ name: '茶', priceFen: 100, sort: -1 }, '排序不能小于 0'],
    ]
    for (const [input, message] of cases) {
      const res = await stack.admin({ action: 'createProduct', ...input })
      expect(res.status).toBe(400)
      expect(res.body.error.message).toContain(message)
    }
    const foreign = await stack.admin({
      action: 'createProduct',
      name: '茶',
      priceFen: 100,
      images: ['local://chat/oSomeone/x.png'],
    })
    expect(foreign.status).toBe(400)
    expect(foreign.body.error.message).toBe('图片无效，请重新上传')
    const notPng = await stack.admin({
      action: 'uploadProductImage',
      contentType: 'image/png',
      dataBase64: Buffer.from('<svg/>').toString('base64'),
    })
    expect(notPng.status).toBe(400)
    expect(notPng.body.error.message).toBe('文件不是有效的 PNG 或 JPG 图片')
  })

  it('an analyst reads products and stock but is refused every change', async () => {
    expect((await stack.admin({ action: 'listProducts' }, analystToken)).status).toBe(200)
    const writes = [
      { action: 'createProduct', name: '茶', priceFen: 100 },
      { action: 'updateProduct', productId: 'p-rose-cream', priceFen: 1 },
      { action: 'setStock', productId: 'p-rose-cream', locationId: storeA, quantity: 0 },
      { action: 'uploadProductImage', contentType: 'image/png', dataBase64: PNG_1PX },
    ]
    for (const body of writes) expect((await stack.admin(body, analystToken)).status).toBe(403)
    expect((await stack.call('admin', { action: 'listProducts' }, { openid: clerkA })).status).toBe(
      401,
    )
  })
})

describe('setStock against open orders', () => {
  it('never sets below what unpaid orders hold, and keeps their holds', async () => {
    const productId = await newProduct('羊毛围巾')
    await stack.admin({ action: 'setStock', productId, locationId: storeA, quantity: 4 })
    await bind('oCatHold')
    expect((await order('oCatHold', productId, 3)).status).toBe(200)
    const below = await stack.admin({
      action: 'setStock',
      productId,
      locationId: storeA,
      quantity: 2,
    })
    expect(below.status).toBe(409)
    expect(below.body.error.message).toBe('有 3 件被待支付订单占用，库存不能设为 2（至少 3）')
    const set = await stack.admin({
      action: 'setStock',
      productId,
      locationId: storeA,
      quantity: 3,
    })
    expect(set.body.data).toMatchObject({ onHand: 3, available: 0, reserved: 3 })
    expect(await stockDoc(productId, storeA)).toMatchObject({ available: 0, reserved: 3 })
    const unknown = await stack.admin({
      action: 'setStock',
      productId,
      locationId: 'no-such-store',
      quantity: 3,
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.message).toBe('门店不存在')
  })

  it('20 orders placed while HQ sets the count: holds survive, the count is exact, never oversold', async () => {
    for (let round = 0; round < 3; round++) {
      const productId = await newProduct(`并发商品 ${round}`)
      await stack.admin({ action: 'setStock', productId, locationId: storeA, quantity: 10 })
      const buyers = Array.from({ length: 20 }, (_, i) => `oCatRace${round}_${i}`)
      for (const openid of buyers) await bind(openid)
      const [orders, sets] = await Promise.all([
        Promise.all(buyers.map((openid) => order(openid, productId))),
        Promise.all(
          [6, 8, 7].map((quantity) =>
            stack.admin({ action: 'setStock', productId, locationId: storeA, quantity }),
          ),
        ),
      ])
      const placed = orders.filter((o) => o.status === 200).length
      for (const o of orders)
        if (o.status !== 200) expect(o.body.error.message).toContain('库存不足')
      const row = (await stockDoc(productId, storeA))!
      expect(row.available).toBeGreaterThanOrEqual(0)
      // Every placed order still holds its unit: no set overwrote a hold.
      expect(row.reserved).toBe(placed)
      const applied = sets.filter((s) => s.status === 200)
      for (const s of sets)
        if (s.status !== 200) expect(s.body.error.message).toContain('被待支付订单占用')
      if (applied.length > 0) {
        // The shelf count is the last set applied; orders since only moved units to holds.
        expect([6, 8, 7]).toContain(row.available + row.reserved)
        expect(placed).toBeLessThanOrEqual(10)
      } else {
        expect(row.available + row.reserved).toBe(10)
      }
      // Each applied set answered a consistent row (shelf = the count it set).
      for (const s of applied)
        expect(s.body.data.available + s.body.data.reserved).toBe(s.body.data.onHand)
    }
  })
})

describe('stock import', () => {
  it('sets counts from a CSV as a job; a row below its holds is listed, the rest applied', async () => {
    const productId = await newProduct('陶瓷茶杯')
    await stack.admin({ action: 'setStock', productId, locationId: storeB, quantity: 5 })
    await bind('oCatImport')
    expect((await order('oCatImport', productId, 4, storeB)).status).toBe(200)
    const csv = toCsv(
      ['商品编号', '商品名称', '门店编码', '库存'],
      [
        [productId, '陶瓷茶杯', '中央仓', 40],
        [productId, '陶瓷茶杯', storeACode, 9],
        [productId, '陶瓷茶杯', 'sh002', 1],
      ],
    )
    const job = await stack.admin({
      action: 'createImportJob',
      kind: 'importStock',
      title: 'stock.csv',
      csv,
    })
    expect(job.status).toBe(200)
    expect(job.body.data).toMatchObject({ kind: 'importStock', status: 'running', total: 3 })
    const done = await runJob(job.body.data.jobId)
    expect(done).toMatchObject({
      status: 'succeeded',
      statusLabel: '已完成，1 行未更新',
      created: 2,
      skipped: 1,
      allErrors: [
        { line: 4, field: '库存', reason: '有 4 件被待支付订单占用，库存不能设为 1（至少 4）' },
      ],
    })
    expect(await stockDoc(productId, 'central')).toMatchObject({ available: 40, reserved: 0 })
    expect(await stockDoc(productId, storeA)).toMatchObject({ available: 9 })
    expect(await stockDoc(productId, storeB)).toMatchObject({ available: 1, reserved: 4 })
  })

  it('a file naming unknown products or stores imports nothing; a GBK file is named as such', async () => {
    const csv = toCsv(
      ['商品编号', '门店编码', '库存'],
      [
        ['p-rose-cream', 'SH999', 3],
        ['no-such-product', 'SH001', 3],
        ['p-rose-cream', 'SH001', -2],
      ],
    )
    const failed = await stack.admin({
      action: 'createImportJob',
      kind: 'importStock',
      title: 'bad.csv',
      csv,
    })
    expect(failed.body.data).toMatchObject({ status: 'failed', statusLabel: '1 处错误，未导入' })
    expect(failed.body.data.errors[0]).toEqual({
      line: 4,
      field: '库存',
      reason: '应为 0 到 1000000 之间的整数',
    })
    const fixed = csv.replace('-2', '2')
    const unknown = await stack.admin({
      action: 'createImportJob',
      kind: 'importStock',
      title: 'bad.csv',
      csv: fixed,
    })
    expect(unknown.body.data.errors).toEqual([
      { line: 2, field: '门店编码', reason: '门店 SH999 不存在' },
      { line: 3, field: '商品编号', reason: '商品 no-such-product 不存在' },
    ])
    const before = await stockDoc('p-rose-cream', storeA)
    // What a GBK file becomes when read as UTF-8 on the way in: replacement characters.
    const gbkAsUtf8 = Buffer.from(
      'c9ccc6b7b1e0bac52cc3c5b5eab1e0c2eb2cbfe2b4e60d0a',
      'hex',
    ).toString('utf8')
    const gbk = await stack.admin({
      action: 'createImportJob',
      kind: 'importStock',
      title: 'gbk.csv',
      csv: `${gbkAsUtf8}p-rose-cream,SH001,1\r\n`,
    })
    expect(gbk.body.data.errors[0].reason).toContain('文件不是 UTF-8 编码')
    expect(gbk.body.data.errors[0].reason).not.toContain('表头缺少')
    expect(await stockDoc('p-rose-cream', storeA)).toEqual(before)
  })
})

describe('offline sales', () => {
  it('lists sales by store and day with clerk, member and receipt; HQ voids one from the list', async () => {
    const member = await bind('oCatTill')
    const code = (await stack.call('member', { action: 'memberCode' }, { openid: 'oCatTill' })).body
      .data.code
    const sale = await stack.call(
      'staff',
      { action: 'recordSale', memberCode: code, amountFen: 25_800, receiptNo: 'CAT-0001' },
      { openid: clerkA },
    )
    expect(sale.status).toBe(200)
    const today = shanghaiDay(new Date())
    const list = await stack.admin({
      action: 'listOfflineSales',
      storeId: storeA,
      from: today,
      to: today,
    })
    const row = list.body.data.items.find((r: any) => r.receiptNo === 'CAT-0001')
    expect(row).toMatchObject({
      storeName: '静安寺店',
      clerkName: '王小美',
      memberNo: member.memberNo,
      amountFen: 25_800,
      status: 'valid',
      statusLabel: '有效',
      actions: ['void'],
      voided: null,
    })
    // Another store's filter, or yesterday, does not show it; the analyst sees it but may not void.
    const other = await stack.admin({ action: 'listOfflineSales', storeId: storeB })
    expect(other.body.data.items.some((r: any) => r.receiptNo === 'CAT-0001')).toBe(false)
    const yesterday = shanghaiDay(new Date(Date.now() - 86_400_000))
    const old = await stack.admin({ action: 'listOfflineSales', from: yesterday, to: yesterday })
    expect(old.body.data.items.some((r: any) => r.receiptNo === 'CAT-0001')).toBe(false)
    const byMember = await stack.admin({ action: 'listOfflineSales', search: member.memberNo })
    expect(byMember.body.data.items.map((r: any) => r.receiptNo)).toEqual(['CAT-0001'])
    const asAnalyst = await stack.admin(
      { action: 'listOfflineSales', search: 'CAT-0001' },
      analystToken,
    )
    expect(asAnalyst.body.data.items[0].actions).toEqual([])
    const backwards = await stack.admin({ action: 'listOfflineSales', from: today, to: yesterday })
    expect(backwards.status).toBe(400)
    expect(backwards.body.error.message).toBe('开始日期不能晚于结束日期')

    const voided = await stack.admin({
      action: 'voidOfflineSale',
      storeId: storeA,
      receiptNo: 'CAT-0001',
      reason: '顾客退货',
    })
    expect(voided.status).toBe(200)
    const after = await stack.admin({ action: 'listOfflineSales', search: 'CAT-0001' })
    expect(after.body.data.items[0]).toMatchObject({
      status: 'voided',
      statusLabel: '已作废',
      actions: [],
      voided: { by: 'admin', reason: '顾客退货' },
    })
  })
})

describe('exports', () => {
  it('orders leave as a CSV job with a BOM, one row per order of the filter', async () => {
    const created = await stack.admin({
      action: 'createDataExport',
      kind: 'exportOrders',
      storeId: storeA,
    })
    expect(created.status).toBe(200)
    const total = created.body.data.total as number
    expect(total).toBeGreaterThan(0)
    const job = await runJob(created.body.data.jobId)
    expect(job).toMatchObject({ status: 'succeeded', done: total, actions: ['download'] })
    const csv = await exportFile(job.jobId)
    expect(csv.startsWith('\uFEFF下单时间,订单号,状态')).toBe(true)
    const { records, errors } = parseCsv(csv)
    expect(errors).toEqual([])
    expect(records).toHaveLength(total + 1)
    const stored = (await stack.db
      .collection(COLLECTIONS.orders.name)
      .where({ storeId: storeA })
      .count()) as { total: number }
    expect(total).toBe(stored.total)
    expect(new Set(records.slice(1).map((r) => r.cells[1])).size).toBe(total)
  })

  it('members: full phones for an HQ admin, masked for an analyst, who may not fetch the full file', async () => {
    await bind('oCatPhone', '13912345678')
    const full = await stack.admin({ action: 'createDataExport', kind: 'exportMembers' })
    const fullJob = await runJob(full.body.data.jobId)
    const fullCsv = await exportFile(fullJob.jobId)
    expect(fullCsv).toContain('13912345678')

    const masked = await stack.admin(
      { action: 'createDataExport', kind: 'exportMembers' },
      analystToken,
    )
    expect(masked.status).toBe(200)
    const maskedJob = await runJob(masked.body.data.jobId, analystToken)
    const maskedCsv = await exportFile(maskedJob.jobId, analystToken)
    expect(maskedCsv).toContain('139****5678')
    expect(maskedCsv).not.toContain('13912345678')
    const refused = await stack.admin(
      { action: 'jobFile', jobId: fullJob.jobId, part: 0 },
      analystToken,
    )
    expect(refused.status).toBe(403)
    expect(refused.body.error.message).toBe('该文件含完整手机号，当前账号无权下载')
    // Both exports and every download are in the audit log.
    const audit = await stack.admin({ action: 'listAudit', auditAction: 'jobFile', pageSize: 100 })
    expect(audit.body.data.total).toBeGreaterThanOrEqual(3)
  })

  it(`a large export is written in parts of ${EXPORT_BATCH_SIZE}, none twice, resumable by any stepper`, async () => {
    const now = new Date()
    const rows = Array.from({ length: EXPORT_BATCH_SIZE * 2 + 7 }, (_, i) => ({
      _id: `bulk-sale-${String(i).padStart(5, '0')}`,
      memberId: 'm-bulk',
      memberNo: '900000001',
      amountFen: 100 + i,
      receiptNo: `BULK-${i}`,
      storeId: storeB,
      clerkId: 'c-bulk',
      clerkName: '批量导购',
      attribution: { storeId: storeB, clerkId: 'c-bulk' },
      memberCode: 'x',
      // Several sales share one instant: the cursor orders them by id as well.
      at: new Date(now.getTime() - 60_000 - Math.floor(i / 3) * 1000),
      effectsAt: now,
    }))
    for (let i = 0; i < rows.length; i += 500)
      await stack.db.collection(COLLECTIONS.offlineSales.name).add(rows.slice(i, i + 500))
    const created = await stack.admin({
      action: 'createDataExport',
      kind: 'exportOfflineSales',
      storeId: storeB,
    })
    const jobId = created.body.data.jobId as string
    expect(created.body.data.total).toBe(rows.length)
    // Two steppers at once, then the timer: the lease lets one batch run at a time.
    await Promise.all([
      stack.admin({ action: 'jobStep', jobId }),
      stack.admin({ action: 'jobStep', jobId }),
    ])
    await stack.runJob('stepJobs')
    const job = await runJob(jobId)
    expect(job).toMatchObject({ status: 'succeeded', done: rows.length, file: { parts: 3 } })
    const { records } = parseCsv(await exportFile(jobId))
    const receipts = records.slice(1).map((r) => r.cells[4])
    expect(receipts).toHaveLength(rows.length)
    expect(new Set(receipts).size).toBe(rows.length)
    expect(records[1]!.cells).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
      '徐家汇店',
      '批量导购',
      '900000001',
      'BULK-2',
      '1.02',
      '有效',
      '',
    ])
  })
})
