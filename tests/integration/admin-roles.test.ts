/**
 * HQ console accounts and roles through the local stack (issue #18, item 1): an admin creates an
 * operator, an analyst and a store manager; each sees exactly its scope, and every write outside
 * it is refused in Chinese (and audited). Disabling ends sessions at once, a reset password ends
 * them too, an admin lifts a lock, and two admins disabling each other at once leave one.
 */
import { COLLECTIONS } from '../../shared/collections'
import { MAX_FAILED_SIGN_INS } from '../../shared/hq/admin-service'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

jest.setTimeout(120_000)

let stack: TestStack
let demo: Personas
let storeA: string
let storeB: string
const CREAM = 'p-rose-cream'

/** A shopper binds through a clerk's code of `storeId` and pays an order picked up there. */
async function memberWithOrder(openid: string, storeId: string, phone: string) {
  const code = demo.codes.find((c) => c.kind === 'clerk' && c.storeId === storeId)!
  const bound = await stack.call('member', { action: 'bind', scene: code.scene, phone }, { openid })
  expect(bound.status).toBe(200)
  const created = await stack.call(
    'shop',
    { action: 'createOrder', items: [{ productId: CREAM, qty: 1 }], fulfilment: 'pickup', storeId },
    { openid },
  )
  expect(created.status).toBe(200)
  const paid = await fetch(`${stack.url}/sandbox/pay/${created.body.data.outTradeNo}`, {
    method: 'POST',
    body: '{}',
  })
  expect(paid.status).toBe(200)
  return {
    memberId: bound.body.data.memberId as string,
    orderId: created.body.data.orderId as string,
  }
}

async function signIn(username: string, password: string): Promise<string> {
  const res = await stack.call('admin', { action: 'login', username, password })
  expect(res.body).toMatchObject({ ok: true })
  return res.body.data.token as string
}

async function createAccount(body: Record<string, unknown>) {
  return stack.admin({ action: 'createAdminAccount', ...body })
}

const refusedWith = (res: { status: number; body: any }, status: number, message: RegExp) => {
  expect(res.status).toBe(status)
  expect(res.body.ok).toBe(false)
  expect(res.body.error.message).toMatch(message)
  expect(res.body.error.message).not.toMatch(/[A-Za-z]{3,}/)
}

let a1: { memberId: string; orderId: string }
let a2: { memberId: string; orderId: string }
let b1: { memberId: string; orderId: string }
let operator: string
let analyst: string
let manager: string

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  const stores = [...new Set(demo.codes.map((c) => c.storeId))]
  ;[storeA, storeB] = stores as [string, string]
  a1 = await memberWithOrder('o-roles-a1', storeA, '13900000011')
  a2 = await memberWithOrder('o-roles-a2', storeA, '13900000012')
  b1 = await memberWithOrder('o-roles-b1', storeB, '13900000013')
  await stack.runJob('applyOrderEffects')

  for (const [username, role, storeIds] of [
    ['op.li', 'operator', undefined],
    ['ana.wang', 'analyst', undefined],
    ['mgr.zhao', 'storeManager', [storeA]],
  ] as const) {
    const created = await createAccount({
      username,
      displayName: username,
      role,
      password: `${username}-password`,
      ...(storeIds ? { storeIds } : {}),
    })
    expect(created.status).toBe(200)
  }
  operator = await signIn('op.li', 'op.li-password')
  analyst = await signIn('ana.wang', 'ana.wang-password')
  manager = await signIn('mgr.zhao', 'mgr.zhao-password')
})
afterAll(() => stack.stop())

describe('creating accounts', () => {
  it('lists every account with its role, stores, status and the actions an admin may take', async () => {
    const list = await stack.admin({ action: 'listAdminAccounts' })
    expect(list.status).toBe(200)
    const byName = new Map(list.body.data.items.map((a: any) => [a.username, a]))
    expect(byName.get('admin')).toMatchObject({ role: 'admin', self: true, actions: [] })
    expect(byName.get('mgr.zhao')).toMatchObject({
      role: 'storeManager',
      roleLabel: '门店店长',
      statusLabel: '正常',
      stores: [{ storeId: storeA, name: '静安寺店', code: 'SH001' }],
      actions: ['edit', 'resetPassword', 'disable'],
      createdBy: 'admin',
    })
    expect(JSON.stringify(list.body.data)).not.toMatch(/passwordHash|scrypt/)
  })

  it('refuses bad accounts with a Chinese message on the field', async () => {
    const noStores = await createAccount({
      username: 'mgr.empty',
      displayName: '空店长',
      role: 'storeManager',
      password: 'long-enough-1',
    })
    expect(noStores.body.error).toEqual({
      code: 'INVALID_INPUT',
      message: '门店店长至少选择一个门店',
      field: 'storeIds',
    })
    const taken = await createAccount({
      username: 'op.li',
      displayName: '重名',
      role: 'operator',
      password: 'long-enough-1',
    })
    expect(taken.status).toBe(409)
    expect(taken.body.error).toMatchObject({ message: '用户名 op.li 已被使用', field: 'username' })
    const short = await createAccount({
      username: 'x',
      displayName: '短',
      role: 'analyst',
      password: 'short',
    })
    expect(short.body.error).toMatchObject({
      field: 'username',
      message: expect.stringMatching(/^用户名为/),
    })
    const weak = await createAccount({
      username: 'weak.one',
      displayName: '弱密码',
      role: 'analyst',
      password: 'short',
    })
    expect(weak.body.error).toEqual({
      code: 'INVALID_INPUT',
      message: '密码至少 8 位',
      field: 'password',
    })
    const ghostStore = await createAccount({
      username: 'mgr.ghost',
      displayName: '无门店',
      role: 'storeManager',
      password: 'long-enough-1',
      storeIds: ['no-such-store'],
    })
    expect(ghostStore.status).toBe(404)
    expect(ghostStore.body.error).toMatchObject({ message: '所选门店不存在', field: 'storeIds' })
  })

  it('two creations of one user name at once make one account', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        createAccount({
          username: 'same.name',
          displayName: '同名',
          role: 'analyst',
          password: 'long-enough-1',
        }),
      ),
    )
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1)
    expect(answers.filter((a) => a.status === 409)).toHaveLength(7)
    const stored = (await stack.db
      .collection(COLLECTIONS.admins.name)
      .where({ username: 'same.name' })
      .count()) as { total: number }
    expect(stored.total).toBe(1)
  })

  it('the audit log keeps the creation without the password', async () => {
    const entries = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'createAdminAccount', outcome: 'ok' })
      .get()) as { data: { details: Record<string, unknown> }[] }
    expect(entries.data.length).toBeGreaterThanOrEqual(3)
    for (const e of entries.data) expect(e.details).not.toHaveProperty('password')
  })
})

describe('analyst: reads everything, masked, writes nothing', () => {
  it('sees every member with the phone masked, also on the profile', async () => {
    const list = await stack.admin({ action: 'listMembers' }, analyst)
    expect(list.body.data.total).toBe(3)
    for (const m of list.body.data.items) {
      expect(m.phone).toBeNull()
      expect(m.phoneMasked).toMatch(/^139\*{4}\d{4}$/)
    }
    const profile = await stack.admin({ action: 'memberProfile', memberId: b1.memberId }, analyst)
    expect(profile.body.data.member.phone).toBeNull()
    const asAdmin = await stack.admin({ action: 'memberProfile', memberId: b1.memberId })
    expect(asAdmin.body.data.member.phone).toBe('13900000013')
  })

  it("reads every store's orders but gets no actions on them", async () => {
    const orders = await stack.admin({ action: 'listOrders' }, analyst)
    expect(orders.body.data.total).toBe(3)
    for (const o of orders.body.data.items) expect(o.actions).toEqual([])
  })

  it('is refused chat content, writes, accounts and rules, in Chinese, and each refusal is audited', async () => {
    refusedWith(
      await stack.admin({ action: 'memberConversation', memberId: a1.memberId }, analyst),
      403,
      /^只读分析账号不能查看聊天内容$/,
    )
    const before = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ username: 'ana.wang', outcome: 'FORBIDDEN' })
      .count()) as { total: number }
    refusedWith(
      await stack.admin(
        { action: 'createStore', code: 'SH077', name: '分析店', address: '上海' },
        analyst,
      ),
      403,
      /^只读分析账号不能修改数据$/,
    )
    refusedWith(
      await stack.admin({ action: 'refundOrder', orderId: a1.orderId, reason: '试试' }, analyst),
      403,
      /只读分析账号/,
    )
    refusedWith(await stack.admin({ action: 'listAdminAccounts' }, analyst), 403, /总部管理员/)
    const after = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ username: 'ana.wang', outcome: 'FORBIDDEN' })
      .count()) as { total: number }
    expect(after.total - before.total).toBe(3)
    const stores = (await stack.db
      .collection(COLLECTIONS.stores.name)
      .where({ code: 'SH077' })
      .count()) as { total: number }
    expect(stores.total).toBe(0)
  })
})

describe('operator: day-to-day writes, no accounts or rules', () => {
  it('creates a store and reads members with phones', async () => {
    const created = await stack.admin(
      { action: 'createStore', code: 'SH078', name: '运营新店', address: '上海市' },
      operator,
    )
    expect(created.status).toBe(200)
    const list = await stack.admin({ action: 'listMembers' }, operator)
    expect(list.body.data.total).toBe(3)
    const orders = await stack.admin({ action: 'listOrders' }, operator)
    expect(orders.body.data.items[0].actions).toContain('refund')
  })

  it('is refused accounts and rules', async () => {
    for (const body of [
      { action: 'listAdminAccounts' },
      {
        action: 'createAdminAccount',
        username: 'op.made',
        displayName: '越权',
        role: 'admin',
        password: 'long-enough-1',
      },
      { action: 'setCommissionRules', rateBp: 9000 / 3, refundWindowDays: 7 },
      { action: 'setAttributionPolicy', protectionDays: 30 },
      {
        action: 'setShopRules',
        offlineReceiptLimitFen: 100,
        offlineClerkDailyLimitFen: 100,
        autoDeliverDays: 7,
      },
    ])
      refusedWith(await stack.admin(body, operator), 403, /^只有总部管理员可以管理账号和规则$/)
  })
})

describe('store manager: their stores only', () => {
  it("sees their stores' members, orders, stores and settlement, and nothing else", async () => {
    const me = await stack.admin({ action: 'me' }, manager)
    expect(me.body.data).toMatchObject({ role: 'storeManager', storeIds: [storeA] })

    const members = await stack.admin({ action: 'listMembers' }, manager)
    expect(members.body.data.total).toBe(2)
    expect(new Set(members.body.data.items.map((m: any) => m.memberId))).toEqual(
      new Set([a1.memberId, a2.memberId]),
    )
    const orders = await stack.admin({ action: 'listOrders' }, manager)
    expect(orders.body.data.items.map((o: any) => o.orderId).sort()).toEqual(
      [a1.orderId, a2.orderId].sort(),
    )
    for (const o of orders.body.data.items) expect(o.actions).toEqual([])
    const stores = await stack.admin({ action: 'listStores' }, manager)
    expect(stores.body.data.items.map((s: any) => s.storeId)).toEqual([storeA])
    const clerks = await stack.admin({ action: 'listClerks' }, manager)
    expect(clerks.body.data.items.length).toBeGreaterThan(0)
    for (const c of clerks.body.data.items) expect(c.storeId).toBe(storeA)

    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7)
    const all = await stack.admin({ action: 'settlement', month, by: 'store' })
    expect(all.body.data.rows.map((r: any) => r.storeId).sort()).toEqual([storeA, storeB].sort())
    const mine = await stack.admin({ action: 'settlement', month, by: 'clerk' }, manager)
    expect(mine.body.data.rows.length).toBeGreaterThan(0)
    for (const r of mine.body.data.rows) expect(r.storeId).toBe(storeA)
    const csv = await stack.admin({ action: 'settlementCsv', month, by: 'store' }, manager)
    expect(csv.body.data.csv).toContain('静安寺店')
    expect(csv.body.data.csv).not.toContain('徐家汇店')
  })

  it('another store reads as missing or is refused, in Chinese', async () => {
    refusedWith(
      await stack.admin({ action: 'listMembers', storeId: storeB }, manager),
      403,
      /^只能查看或处理所管门店的数据$/,
    )
    refusedWith(
      await stack.admin({ action: 'listOrders', storeId: storeB }, manager),
      403,
      /所管门店/,
    )
    refusedWith(
      await stack.admin({ action: 'dashboard', storeId: storeB }, manager),
      403,
      /所管门店/,
    )
    refusedWith(
      await stack.admin({ action: 'memberProfile', memberId: b1.memberId }, manager),
      404,
      /^会员不存在$/,
    )
    refusedWith(
      await stack.admin({ action: 'orderDetail', orderId: b1.orderId }, manager),
      404,
      /^订单不存在$/,
    )
    const own = await stack.admin({ action: 'memberProfile', memberId: a1.memberId }, manager)
    expect(own.body.data.member.phone).toBe('13900000011')
    const dash = await stack.admin({ action: 'dashboard' }, manager)
    expect(dash.status).toBe(200)
  })

  it("is refused everything outside their stores' members, orders, sales and settlement", async () => {
    for (const body of [
      { action: 'createStore', code: 'SH079', name: '店长新店', address: '上海' },
      { action: 'refundOrder', orderId: a1.orderId, reason: '店长退款' },
      { action: 'listAudit' },
      { action: 'listCampaigns' },
      { action: 'memberConversation', memberId: a1.memberId },
    ])
      refusedWith(
        await stack.admin(body, manager),
        403,
        /^店长账号只能查看所管门店的会员、订单、销售和结算$/,
      )
    refusedWith(
      await stack.admin(
        { action: 'voidOfflineSale', storeId: storeB, receiptNo: 'R-1', reason: '测试' },
        manager,
      ),
      403,
      /^只能查看或处理所管门店的数据$/,
    )
  })
})

describe('account lifecycle', () => {
  it('disabling ends every session at once; the right password then learns it is disabled', async () => {
    const list = await stack.admin({ action: 'listAdminAccounts' })
    const op = list.body.data.items.find((a: any) => a.username === 'op.li')
    const disabled = await stack.admin({
      action: 'setAdminAccountStatus',
      adminId: op.adminId,
      status: 'disabled',
    })
    expect(disabled.body.data).toMatchObject({
      statusLabel: '已停用',
      actions: ['edit', 'enable', 'resetPassword'],
      sessionsEnded: 1,
    })
    expect((await stack.admin({ action: 'me' }, operator)).status).toBe(401)
    const wrong = await stack.call('admin', {
      action: 'login',
      username: 'op.li',
      password: 'nope-nope',
    })
    expect(wrong.body.error.message).toBe('用户名或密码错误')
    const right = await stack.call('admin', {
      action: 'login',
      username: 'op.li',
      password: 'op.li-password',
    })
    expect(right.status).toBe(403)
    expect(right.body.error.message).toBe('该账号已停用，请联系总部管理员')
    await stack.admin({ action: 'setAdminAccountStatus', adminId: op.adminId, status: 'active' })
    operator = await signIn('op.li', 'op.li-password')
  })

  it('nobody disables or resets their own account here', async () => {
    const me = (await stack.admin({ action: 'listAdminAccounts' })).body.data.items.find(
      (a: any) => a.self,
    )
    refusedWith(
      await stack.admin({
        action: 'setAdminAccountStatus',
        adminId: me.adminId,
        status: 'disabled',
      }),
      403,
      /^不能停用或启用自己的账号$/,
    )
    refusedWith(
      await stack.admin({
        action: 'resetAdminPassword',
        adminId: me.adminId,
        newPassword: 'whatever-123',
      }),
      403,
      /修改密码/,
    )
  })

  it('a reset password ends the sessions; only the new one signs in', async () => {
    const ana = (await stack.admin({ action: 'listAdminAccounts' })).body.data.items.find(
      (a: any) => a.username === 'ana.wang',
    )
    const reset = await stack.admin({
      action: 'resetAdminPassword',
      adminId: ana.adminId,
      newPassword: 'fresh-password-9',
    })
    expect(reset.body.data.sessionsEnded).toBe(1)
    expect((await stack.admin({ action: 'me' }, analyst)).status).toBe(401)
    expect(
      (
        await stack.call('admin', {
          action: 'login',
          username: 'ana.wang',
          password: 'ana.wang-password',
        })
      ).status,
    ).toBe(401)
    analyst = await signIn('ana.wang', 'fresh-password-9')
    const audited = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'resetAdminPassword', outcome: 'ok' })
      .get()) as { data: { details: Record<string, unknown> }[] }
    expect(audited.data[0]!.details).toEqual({ adminId: ana.adminId })
  })

  it('an admin lifts a lock', async () => {
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++)
      await stack.call('admin', { action: 'login', username: 'mgr.zhao', password: `wrong-${i}` })
    const locked = await stack.call('admin', {
      action: 'login',
      username: 'mgr.zhao',
      password: 'mgr.zhao-password',
    })
    expect(locked.status).toBe(429)
    const list = await stack.admin({ action: 'listAdminAccounts' })
    const mgr = list.body.data.items.find((a: any) => a.username === 'mgr.zhao')
    expect(mgr).toMatchObject({
      statusLabel: '已锁定',
      actions: ['edit', 'unlock', 'resetPassword', 'disable'],
    })
    const unlocked = await stack.admin({ action: 'unlockAdminAccount', adminId: mgr.adminId })
    expect(unlocked.body.data.statusLabel).toBe('正常')
    expect(
      (
        await stack.call('admin', {
          action: 'login',
          username: 'mgr.zhao',
          password: 'mgr.zhao-password',
        })
      ).status,
    ).toBe(200)
  })

  it('two admins disabling each other at once: exactly one is disabled', async () => {
    for (const name of ['boss.one', 'boss.two'])
      expect(
        (
          await createAccount({
            username: name,
            displayName: name,
            role: 'admin',
            password: `${name}-password`,
          })
        ).status,
      ).toBe(200)
    const one = await signIn('boss.one', 'boss.one-password')
    const two = await signIn('boss.two', 'boss.two-password')
    const ids = new Map(
      (await stack.admin({ action: 'listAdminAccounts' })).body.data.items.map((a: any) => [
        a.username,
        a.adminId,
      ]),
    )
    const [byOne, byTwo] = await Promise.all([
      stack.admin(
        { action: 'setAdminAccountStatus', adminId: ids.get('boss.two'), status: 'disabled' },
        one,
      ),
      stack.admin(
        { action: 'setAdminAccountStatus', adminId: ids.get('boss.one'), status: 'disabled' },
        two,
      ),
    ])
    expect([byOne.status, byTwo.status].filter((s) => s === 200)).toHaveLength(1)
    const stored = (await stack.db
      .collection(COLLECTIONS.admins.name)
      .where({ username: stack.db.command.in(['boss.one', 'boss.two']) })
      .get()) as { data: { status: string }[] }
    expect(stored.data.map((a) => a.status).sort()).toEqual(['active', 'disabled'])
  })
})

describe('changing an account’s role and stores', () => {
  const update = (body: Record<string, unknown>, token?: string) =>
    stack.admin({ action: 'updateAdminAccount', ...body }, token)
  const memberIds = async (token: string) =>
    (
      (await stack.admin({ action: 'listMembers' }, token)).body.data.items as {
        memberId: string
      }[]
    ).map((m) => m.memberId)

  beforeAll(async () => {
    for (const [username, role, storeIds] of [
      ['mgr.qian', 'storeManager', [storeA]],
      ['op.sun', 'operator', undefined],
    ] as const)
      expect(
        (
          await createAccount({
            username,
            displayName: username,
            role,
            password: `${username}-password`,
            ...(storeIds ? { storeIds } : {}),
          })
        ).status,
      ).toBe(200)
  })

  it('moves a store manager to another store: their sessions end and the new one sees only that store', async () => {
    const before = await signIn('mgr.qian', 'mgr.qian-password')
    expect(await memberIds(before)).toEqual(expect.arrayContaining([a1.memberId, a2.memberId]))
    const moved = await update({ username: 'mgr.qian', role: 'storeManager', storeIds: [storeB] })
    expect(moved.status).toBe(200)
    expect(moved.body.data).toMatchObject({
      username: 'mgr.qian',
      role: 'storeManager',
      stores: [{ storeId: storeB, name: '徐家汇店', code: 'SH002' }],
      sessionsEnded: 1,
    })
    expect((await stack.admin({ action: 'listMembers' }, before)).status).toBe(401)
    const after = await signIn('mgr.qian', 'mgr.qian-password')
    const seen = await memberIds(after)
    expect(seen).toContain(b1.memberId)
    expect(seen).not.toContain(a1.memberId)
    refusedWith(
      await stack.admin({ action: 'listMembers', storeId: storeA }, after),
      403,
      /^只能查看或处理所管门店的数据$/,
    )
    const audited = (await stack.db
      .collection(COLLECTIONS.auditLog.name)
      .where({ action: 'updateAdminAccount', outcome: 'ok' })
      .get()) as { data: { details: Record<string, unknown> }[] }
    expect(audited.data.map((a) => a.details)).toContainEqual({
      username: 'mgr.qian',
      role: 'storeManager',
      storeIds: [storeB],
    })
  })

  it('an operator made an analyst can no longer write; a new name alone ends no session', async () => {
    const session = await signIn('op.sun', 'op.sun-password')
    const renamed = await update({ username: 'op.sun', role: 'operator', displayName: '孙运营' })
    expect(renamed.body.data).toMatchObject({ displayName: '孙运营', sessionsEnded: 0 })
    expect((await stack.admin({ action: 'me' }, session)).status).toBe(200)
    const demoted = await update({ username: 'op.sun', role: 'analyst' })
    expect(demoted.body.data).toMatchObject({
      role: 'analyst',
      roleLabel: '只读分析',
      displayName: '孙运营',
      stores: [],
      sessionsEnded: 1,
    })
    const analystSession = await signIn('op.sun', 'op.sun-password')
    expect((await stack.admin({ action: 'me' }, analystSession)).body.data.role).toBe('analyst')
    refusedWith(
      await stack.admin(
        { action: 'createStore', code: 'OPS01', name: '运营店', address: '某路 1 号' },
        analystSession,
      ),
      403,
      /^只读分析账号不能修改数据$/,
    )
  })

  it('refuses bad changes in Chinese, on the field', async () => {
    const noStores = await update({ username: 'mgr.qian', role: 'storeManager', storeIds: [] })
    expect(noStores.status).toBe(400)
    expect(noStores.body.error).toMatchObject({
      field: 'storeIds',
      message: '门店店长至少选择一个门店',
    })
    const storesForAnalyst = await update({
      username: 'op.sun',
      role: 'analyst',
      storeIds: [storeA],
    })
    expect(storesForAnalyst.body.error).toMatchObject({
      field: 'storeIds',
      message: '只有门店店长需要选择门店',
    })
    const unknownStore = await update({
      username: 'mgr.qian',
      role: 'storeManager',
      storeIds: ['no-such-store'],
    })
    expect(unknownStore.status).toBe(404)
    expect(unknownStore.body.error).toMatchObject({ field: 'storeIds', message: '所选门店不存在' })
    const unknown = await update({ username: 'nobody.here', role: 'analyst' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatchObject({ field: 'username', message: '账号不存在' })
    const self = await update({ username: 'admin', role: 'operator' })
    refusedWith(self, 403, /^不能更改自己的角色/)
    expect(self.body.error.field).toBe('role')
    expect((await stack.admin({ action: 'me' })).body.data.role).toBe('admin')
    // An admin may rename themselves: their role stays, nothing ends.
    const renamed = await update({ username: 'admin', role: 'admin', displayName: '总部管理员' })
    expect(renamed.body.data).toMatchObject({ displayName: '总部管理员', sessionsEnded: 0 })
    refusedWith(
      await update({ username: 'mgr.qian', role: 'analyst' }, operator),
      403,
      /^只有总部管理员可以管理账号和规则$/,
    )
  })

  it('two admins demoting each other at once: one stays an admin', async () => {
    for (const name of ['chief.one', 'chief.two'])
      expect(
        (
          await createAccount({
            username: name,
            displayName: name,
            role: 'admin',
            password: `${name}-password`,
          })
        ).status,
      ).toBe(200)
    const one = await signIn('chief.one', 'chief.one-password')
    const two = await signIn('chief.two', 'chief.two-password')
    const [byOne, byTwo] = await Promise.all([
      update({ username: 'chief.two', role: 'operator' }, one),
      update({ username: 'chief.one', role: 'operator' }, two),
    ])
    expect([byOne.status, byTwo.status].sort()).toEqual([200, 403])
    const stored = (await stack.db
      .collection(COLLECTIONS.admins.name)
      .where({ username: stack.db.command.in(['chief.one', 'chief.two']) })
      .get()) as { data: { role: string }[] }
    expect(stored.data.map((a) => a.role).sort()).toEqual(['admin', 'operator'])
  })
})
