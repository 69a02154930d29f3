/**
 * HQ's stores, clerks and staff invites through the local stack: a chain of 208 stores searched
 * by name and code; a store edited, refused closing while anything is left there, closed (its code
 * stops opening cards) and reopened; a clerk re-enabled and moved to another store with their
 * members following or staying, each member moved exactly once even when a step dies midway;
 * invites listed by status, revoked (racing a bind: exactly one wins) and downloaded again; code
 * posters one at a time and a store's as a ZIP; a clerk import hands out posters.
 */
import { PNG } from 'pngjs'
import { COLLECTIONS } from '../../shared/collections'
import type { ClerkDoc, StoreDoc } from '../../shared/staff/documents'
import { JOB_BATCH_SIZE } from '../../shared/flows/hq-jobs'
import { toCsv } from '../../shared/platform/csv'
import { parseCsv } from '../../shared/hq/rules/csv-import'
import { POSTER_HEIGHT, POSTER_WIDTH } from '../../shared/staff/rules/poster'
import { startConsoleStack, type ConsoleTestStack } from '../support/console-stack'
import type { Personas, TestStack } from '../support/local-stack'
import { unzip } from '../support/unzip'

jest.setTimeout(240_000)

let stack: TestStack
let demo: Personas
let analystToken: string
let count: ConsoleTestStack['count']
let runJob: ConsoleTestStack['runJob']
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

beforeAll(async () => {
  const setup = await startConsoleStack()
  ;({ stack, demo, analystToken, count, runJob } = setup)
})
afterAll(() => stack.stop())

async function clerk(clerkId: string): Promise<ClerkDoc> {
  const res = (await stack.db.collection(COLLECTIONS.clerks.name).doc(clerkId).get()) as {
    data: ClerkDoc[]
  }
  return res.data[0]!
}

async function newStore(code: string, name: string): Promise<string> {
  const res = await stack.admin({ action: 'createStore', code, name, address: `${name}地址` })
  expect(res.status).toBe(200)
  return res.body.data.storeId as string
}

/** A clerk of `storeId` through an invite, bound by a WeChat user (as in the mini-program). */
async function newClerk(storeId: string, name: string, openid: string) {
  const invite = await stack.admin({ action: 'createStaffInvite', storeId, name })
  expect(invite.status).toBe(200)
  const bound = await stack.call(
    'staff',
    { action: 'bindInvite', invite: invite.body.data.invite },
    { openid },
  )
  expect(bound.status).toBe(200)
  return bound.body.data.clerkId as string
}

async function clerkScene(clerkId: string): Promise<string> {
  const res = await stack.admin({ action: 'codeImage', kind: 'clerk', id: clerkId })
  return res.body.data.scene as string
}

let phoneSeq = 0
async function bindMembers(clerkId: string, n: number, prefix: string) {
  const scene = await clerkScene(clerkId)
  for (let i = 0; i < n; i++) {
    const phone = `139${String(10_000_000 + (phoneSeq++ % 90_000_000)).slice(-8)}`
    const bound = await stack.call(
      'member',
      { action: 'bind', scene, phone },
      { openid: `${prefix}${i}` },
    )
    if (bound.status !== 200) console.log(JSON.stringify(bound.body))
    expect(bound.status).toBe(200)
  }
  // A bind's member count follows after its answer (the finishBinds job); HQ moves clerks later.
  await stack.runJob('finishBinds')
}

describe('stores', () => {
  it('finds one of 208 stores by part of its name or the start of its code, with its clerks and members', async () => {
    const now = Date.now()
    const docs: Omit<StoreDoc, '_id'>[] = Array.from({ length: 206 }, (_, i) => ({
      code: `CS${String(i + 1).padStart(3, '0')}`,
      name: `${['浦东', '闵行', '宝山', '嘉定'][i % 4]}${i + 1}号店`,
      address: `上海市测试路 ${i + 1} 号`,
      status: 'active',
      createdAt: new Date(now + i),
    }))
    for (let i = 0; i < docs.length; i += 50)
      await Promise.all(
        docs.slice(i, i + 50).map((d) => stack.db.collection(COLLECTIONS.stores.name).add(d)),
      )
    const all = await stack.admin({ action: 'listStores' })
    expect(all.body.data.items.length).toBeGreaterThanOrEqual(208)
    const byName = await stack.admin({ action: 'listStores', search: '闵行' })
    expect(byName.body.data.items).toHaveLength(52)
    const byCode = await stack.admin({ action: 'listStores', search: 'cs20' })
    expect(byCode.body.data.items.map((s: { code: string }) => s.code)).toEqual([
      'CS200',
      'CS201',
      'CS202',
      'CS203',
      'CS204',
      'CS205',
      'CS206',
    ])
    // A code matches from its start only; regex characters are text.
    expect((await stack.admin({ action: 'listStores', search: 'S20' })).body.data.items).toEqual([])
    expect((await stack.admin({ action: 'listStores', search: '.*' })).body.data.items).toEqual([])
    const demoStore = demo.codes.find((c) => c.kind === 'store')!
    const shown = all.body.data.items.find(
      (s: { storeId: string }) => s.storeId === demoStore.storeId,
    )
    const clerks = (await stack.db
      .collection(COLLECTIONS.clerks.name)
      .where({ storeId: demoStore.storeId, status: 'active' })
      .get()) as { data: ClerkDoc[] }
    expect(shown).toMatchObject({
      status: 'active',
      statusLabel: '营业中',
      actions: ['edit', 'close'],
      clerkCount: clerks.data.length,
      memberCount: clerks.data.reduce((sum, c) => sum + c.memberCount, 0),
    })
    const asAnalyst = await stack.admin({ action: 'listStores', search: '闵行1' }, analystToken)
    expect(asAnalyst.body.data.items[0].actions).toEqual([])
  })

  it('edits a store’s name and address (never its code); a blank name is refused in Chinese', async () => {
    const storeId = await newStore('ED001', '改名前')
    const res = await stack.admin({
      action: 'updateStore',
      storeId,
      name: '  改名后  ',
      address: '新地址 8 号',
      lat: 31.2,
      lng: 121.4,
    })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({
      code: 'ED001',
      name: '改名后',
      address: '新地址 8 号',
      location: { lat: 31.2, lng: 121.4 },
    })
    const blank = await stack.admin({ action: 'updateStore', storeId, name: '   ', address: 'x' })
    expect(blank.status).toBe(400)
    expect(blank.body.error.message).toContain('请填写门店名称')
    const code = await stack.admin({
      action: 'updateStore',
      storeId,
      name: 'a',
      address: 'b',
      code: 'X1',
    })
    expect(code.status).toBe(400)
    const missing = await stack.admin({
      action: 'updateStore',
      storeId: 'nope',
      name: 'a',
      address: 'b',
    })
    expect(missing.status).toBe(404)
  })

  it('closes a store only with nothing left there, then its code opens no card; reopening brings it back', async () => {
    const storeId = await newStore('CL001', '待停业店')
    const other = await newStore('CL002', '接收店')
    const clerkId = await newClerk(storeId, '留守导购', 'oCloseClerk')
    await bindMembers(clerkId, 2, 'oCloseMember')
    const check = await stack.admin({ action: 'storeClosingCheck', storeId })
    expect(check.body.data).toMatchObject({ activeClerks: 1, members: 2, openOrders: 0 })
    expect(check.body.data.blockers).toEqual([
      '还有 1 名在岗导购：请先调到其他门店（会员可随调或留店）或停用',
    ])
    const refused = await stack.admin({ action: 'closeStore', storeId, reason: '租约到期' })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toContain('还有 1 名在岗导购')
    // The clerk moves with their members: nothing is left, the store closes.
    const moved = await stack.admin({
      action: 'moveClerk',
      clerkId,
      toStoreId: other,
      members: 'follow',
      reason: '门店停业',
    })
    expect(moved.status).toBe(200)
    await runJob(moved.body.data.job.jobId)
    const closed = await stack.admin({ action: 'closeStore', storeId, reason: '租约到期' })
    expect(closed.status).toBe(200)
    expect(closed.body.data).toMatchObject({
      status: 'closed',
      statusLabel: '已停业',
      actions: ['edit', 'reopen'],
      closedReason: '租约到期',
      clerkCount: 0,
    })
    const scene = (await stack.admin({ action: 'codeImage', kind: 'store', id: storeId })).body.data
      .scene
    const bind = await stack.call(
      'member',
      { action: 'bind', scene, phone: '13800000101' },
      { openid: 'oAfterClose' },
    )
    expect(bind.status).toBe(409)
    const invite = await stack.admin({ action: 'createStaffInvite', storeId, name: '新人' })
    expect(invite.status).toBe(404)
    const moveIn = await stack.admin({
      action: 'moveClerk',
      clerkId,
      toStoreId: storeId,
      members: 'follow',
      reason: '回来',
    })
    expect(moveIn.status).toBe(409)
    expect(moveIn.body.error.message).toBe('目标门店不存在或已停业')
    const reopened = await stack.admin({ action: 'reopenStore', storeId })
    expect(reopened.body.data).toMatchObject({ status: 'active', actions: ['edit', 'close'] })
    // Open again with a clerk to serve them: the store's code opens cards again.
    await newClerk(storeId, '新店员', 'oReopenClerk')
    const after = await stack.call(
      'member',
      { action: 'bind', scene, phone: '13800000999' },
      { openid: 'oAfterReopen' },
    )
    expect(after.status).toBe(200)
    expect(after.body.data.storeId).toBe(storeId)
  })
})

describe('clerks', () => {
  it('re-enables a disabled clerk (their code binds again), but not one of a closed store', async () => {
    const storeId = await newStore('EN001', '恢复店')
    const clerkId = await newClerk(storeId, '回归导购', 'oEnableClerk')
    const disabled = await stack.admin({ action: 'disableClerk', clerkId, reason: '休假' })
    expect(disabled.body.data).toMatchObject({
      status: 'disabled',
      statusLabel: '已停用',
      actions: ['enable'],
      disabledReason: '休假',
    })
    const scene = await clerkScene(clerkId)
    expect(
      (
        await stack.call(
          'member',
          { action: 'bind', scene, phone: '13800000103' },
          { openid: 'oEnableM1' },
        )
      ).status,
    ).toBe(409)
    const enabled = await stack.admin({ action: 'enableClerk', clerkId })
    expect(enabled.body.data).toMatchObject({
      status: 'active',
      statusLabel: '在岗',
      actions: ['disable', 'move'],
      disabledReason: null,
    })
    expect(
      (
        await stack.call(
          'member',
          { action: 'bind', scene, phone: '13800000104' },
          { openid: 'oEnableM2' },
        )
      ).status,
    ).toBe(200)
    const me = await stack.call('staff', { action: 'me' }, { openid: 'oEnableClerk' })
    expect(me.status).toBe(200)
    // At a closed store a clerk is moved, not re-enabled.
    await stack.admin({ action: 'disableClerk', clerkId, reason: '门店停业' })
    expect((await stack.admin({ action: 'closeStore', storeId, reason: '停业' })).status).toBe(200)
    const refused = await stack.admin({ action: 'enableClerk', clerkId })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toBe('该导购所在门店已停业，请先把导购调到营业中的门店')
    expect((await stack.admin({ action: 'enableClerk', clerkId }, analystToken)).status).toBe(403)
  })

  it('moves a clerk with their members following, each member once although a step died midway', async () => {
    const from = await newStore('MF001', '随调原店')
    const to = await newStore('MF002', '随调新店')
    const clerkId = await newClerk(from, '随调导购', 'oFollowClerk')
    const n = JOB_BATCH_SIZE + 4
    await bindMembers(clerkId, n, 'oFollowM')
    const res = await stack.admin({
      action: 'moveClerk',
      clerkId,
      toStoreId: to,
      members: 'follow',
      reason: '支援新店',
    })
    expect(res.status).toBe(200)
    expect(res.body.data.clerk).toMatchObject({ storeId: to, memberCount: n })
    expect(res.body.data.job).toMatchObject({ kind: 'transferMembers', total: n, done: 0 })
    const jobId = res.body.data.job.jobId as string
    expect((await clerk(clerkId)).storeId).toBe(to)
    await stack.admin({ action: 'jobStep', jobId })
    expect(await count(COLLECTIONS.members.name, { clerkId, storeId: to })).toBe(JOB_BATCH_SIZE)
    // The step moved its batch but died before recording it.
    await stack.db.collection(COLLECTIONS.jobs.name).doc(jobId).update({ done: 0, created: 0 })
    // A member joins with the clerk's code meanwhile: at the clerk's new store.
    await bindMembers(clerkId, 1, 'oFollowLate')
    const done = await runJob(jobId)
    expect(done).toMatchObject({ status: 'succeeded' })
    expect(await count(COLLECTIONS.members.name, { clerkId, storeId: from })).toBe(0)
    expect(await count(COLLECTIONS.members.name, { clerkId, storeId: to })).toBe(n + 1)
    // Exactly once: one transfer entry per member that moved, none for the late one.
    expect(
      await count(COLLECTIONS.attributionLog.name, {
        reason: 'transfer',
        toClerkId: clerkId,
        fromStoreId: from,
        toStoreId: to,
      }),
    ).toBe(n)
    expect((await clerk(clerkId)).memberCount).toBe(n + 1)
    const conversation = await stack.call(
      'chat',
      { action: 'myConversation' },
      { openid: 'oFollowM0' },
    )
    expect(conversation.status).toBe(200)
  })

  it('moves a clerk while their members stay with the old store and go to a colleague there', async () => {
    const from = await newStore('MS001', '留店原店')
    const to = await newStore('MS002', '留店新店')
    const leaving = await newClerk(from, '调走导购', 'oStayLeaving')
    const staying = await newClerk(from, '接手导购', 'oStayStaying')
    const elsewhere = await newClerk(to, '别店导购', 'oStayElsewhere')
    await bindMembers(leaving, 5, 'oStayM')
    const noReceiver = await stack.admin({
      action: 'moveClerk',
      clerkId: leaving,
      toStoreId: to,
      members: 'stay',
      reason: '调岗',
    })
    expect(noReceiver.status).toBe(400)
    expect(noReceiver.body.error.message).toBe('请选择在原门店接手会员的导购')
    const wrongReceiver = await stack.admin({
      action: 'moveClerk',
      clerkId: leaving,
      toStoreId: to,
      members: 'stay',
      toClerkId: elsewhere,
      reason: '调岗',
    })
    expect(wrongReceiver.status).toBe(400)
    expect(wrongReceiver.body.error.message).toBe('接手会员的导购须是「留店原店」的其他在岗导购')
    const [first, second] = await Promise.all(
      [0, 1].map(() =>
        stack.admin({
          action: 'moveClerk',
          clerkId: leaving,
          toStoreId: to,
          members: 'stay',
          toClerkId: staying,
          reason: '调岗',
        }),
      ),
    )
    // Two clicks at once: one move, one refusal, one job.
    expect([first!.status, second!.status].sort()).toEqual([200, 409])
    const moved = first!.status === 200 ? first! : second!
    await runJob(moved.body.data.job.jobId)
    expect(await count(COLLECTIONS.jobs.name, { 'params.fromClerkId': leaving })).toBe(1)
    expect(await count(COLLECTIONS.members.name, { clerkId: staying, storeId: from })).toBe(5)
    expect(await count(COLLECTIONS.members.name, { clerkId: leaving })).toBe(0)
    expect((await clerk(leaving)).storeId).toBe(to)
    expect((await clerk(leaving)).memberCount).toBe(0)
    expect((await clerk(staying)).memberCount).toBe(5)
    const me = await stack.call('staff', { action: 'me' }, { openid: 'oStayLeaving' })
    expect(me.body.data).toMatchObject({ storeId: to, storeName: '留店新店' })
  })
})

describe('staff invites', () => {
  it('lists invites by status; a revoked invite never binds; used ones cannot be revoked', async () => {
    const storeId = await newStore('IV001', '邀请店')
    const make = async (name: string, validHours = 72) =>
      (await stack.admin({ action: 'createStaffInvite', storeId, name, validHours })).body.data
        .invite as string
    const toUse = await make('用掉的')
    await make('待用的')
    await make('过期的', 1)
    await make('撤销的')
    const listed = async (status?: string) =>
      (await stack.admin({ action: 'listInvites', storeId, ...(status ? { status } : {}) })).body
        .data
    const all = await listed()
    expect(all.total).toBe(4)
    const byName = (name: string) =>
      all.items.find((i: { name: string }) => i.name === name) as { inviteId: string }
    const revoked = await stack.admin({
      action: 'revokeInvite',
      inviteId: byName('撤销的').inviteId,
    })
    expect(revoked.body.data).toMatchObject({
      status: 'revoked',
      statusLabel: '已撤销',
      actions: [],
      revokedBy: 'admin',
    })
    const again = await stack.admin({ action: 'revokeInvite', inviteId: byName('撤销的').inviteId })
    expect(again.status).toBe(200)
    const refusedBind = await stack.call(
      'staff',
      { action: 'bindInvite', invite: revoked.body.data.invite },
      { openid: 'oRevokedInvite' },
    )
    expect(refusedBind.status).toBe(409)
    expect(refusedBind.body.error.message).toBe('该邀请码已被总部撤销，请向总部申请新的邀请')
    await stack.call('staff', { action: 'bindInvite', invite: toUse }, { openid: 'oUsedInvite' })
    const usedRevoke = await stack.admin({
      action: 'revokeInvite',
      inviteId: byName('用掉的').inviteId,
    })
    expect(usedRevoke.status).toBe(409)
    expect(usedRevoke.body.error.message).toContain('不能撤销')
    await fetch(`${stack.url}/dev/clock`, {
      method: 'POST',
      body: JSON.stringify({ offsetMs: 2 * 3_600_000 }),
    })
    try {
      const names = async (status: string) =>
        (await listed(status)).items.map((i: { name: string }) => i.name)
      expect(await names('pending')).toEqual(['待用的'])
      expect(await names('used')).toEqual(['用掉的'])
      expect(await names('expired')).toEqual(['过期的'])
      expect(await names('revoked')).toEqual(['撤销的'])
      const pending = (await listed('pending')).items[0]
      expect(pending).toMatchObject({
        statusLabel: '待使用',
        actions: ['download', 'revoke'],
        storeName: '邀请店',
        storeCode: 'IV001',
      })
      const used = (await listed('used')).items[0]
      expect(used.clerkId).toEqual(expect.any(String))
      const code = await stack.admin({ action: 'inviteCode', inviteId: pending.inviteId })
      expect(code.body.data.invite).toBe(pending.invite)
      expect(Buffer.from(code.body.data.pngBase64, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE)
      const expired = await stack.admin({
        action: 'inviteCode',
        inviteId: byName('过期的').inviteId,
      })
      expect(expired.status).toBe(409)
      expect(expired.body.error.message).toBe('该邀请已过期，不能再下载；请重新邀请')
      const asAnalyst = await stack.admin(
        { action: 'listInvites', status: 'pending', storeId },
        analystToken,
      )
      expect(asAnalyst.body.data.items[0].actions).toEqual(['download'])
      expect(
        (await stack.admin({ action: 'revokeInvite', inviteId: pending.inviteId }, analystToken))
          .status,
      ).toBe(403)
    } finally {
      await fetch(`${stack.url}/dev/clock`, {
        method: 'POST',
        body: JSON.stringify({ offsetMs: 0 }),
      })
    }
  })

  it('a revoke racing a bind: exactly one of them wins, every time', async () => {
    const storeId = await newStore('IR001', '竞争店')
    for (let round = 0; round < 8; round++) {
      const created = await stack.admin({
        action: 'createStaffInvite',
        storeId,
        name: `竞争${round}`,
      })
      const list = await stack.admin({ action: 'listInvites', storeId, status: 'pending' })
      const inviteId = list.body.data.items.find((i: { name: string }) => i.name === `竞争${round}`)
        .inviteId as string
      const [revoke, bind] = await Promise.all([
        stack.admin({ action: 'revokeInvite', inviteId }),
        stack.call(
          'staff',
          { action: 'bindInvite', invite: created.body.data.invite },
          { openid: `oRace${round}` },
        ),
      ])
      const clerks = await count(COLLECTIONS.clerks.name, { openid: `oRace${round}` })
      const [after] = (
        await stack.admin({ action: 'listInvites', storeId })
      ).body.data.items.filter((i: { inviteId: string }) => i.inviteId === inviteId)
      if (bind.status === 200) {
        expect(revoke.status).toBe(409)
        expect(clerks).toBe(1)
        expect(after.status).toBe('used')
      } else {
        expect(revoke.status).toBe(200)
        expect(bind.status).toBe(409)
        expect(clerks).toBe(0)
        expect(after.status).toBe('revoked')
      }
    }
  })
})

describe('code posters', () => {
  it('draws a clerk’s poster: the brand set by HQ, the code, 750 × 1180', async () => {
    const clerkCode = demo.codes.find((c) => c.kind === 'clerk')!
    expect((await stack.admin({ action: 'setPosterBrand', brand: '悦选生活' })).status).toBe(200)
    expect((await stack.admin({ action: 'posterBrand' })).body.data).toEqual({ brand: '悦选生活' })
    const res = await stack.admin({ action: 'poster', kind: 'clerk', id: clerkCode.clerkId! })
    expect(res.status).toBe(200)
    expect(res.body.data.filename).toMatch(/^导购海报-SH00\d-.+\.png$/)
    const png = PNG.sync.read(Buffer.from(res.body.data.pngBase64, 'base64'))
    expect([png.width, png.height]).toEqual([POSTER_WIDTH, POSTER_HEIGHT])
    // The brand band is orange; the code's quiet zone is white and its modules dark.
    const pixel = (x: number, y: number) => [
      ...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3),
    ]
    expect(pixel(10, 10)).toEqual([0xc2, 0x41, 0x0c])
    let dark = 0
    for (let y = 400; y < 820; y += 4)
      for (let x = 160; x < 590; x += 4) if (pixel(x, y)[0]! < 80) dark++
    expect(dark).toBeGreaterThan(1000)
    const audited = await count(COLLECTIONS.auditLog.name, { action: 'poster', outcome: 'ok' })
    expect(audited).toBeGreaterThan(0)
  })

  it('puts a store’s poster and each active clerk’s into one ZIP from a job', async () => {
    const storeId = await newStore('PZ001', '海报店')
    await newClerk(storeId, '海报甲', 'oPosterA')
    await newClerk(storeId, '海报乙', 'oPosterB')
    const disabled = await newClerk(storeId, '已停用', 'oPosterC')
    await stack.admin({ action: 'disableClerk', clerkId: disabled, reason: '离职' })
    const created = await stack.admin({ action: 'createPosterJob', storeId })
    expect(created.body.data).toMatchObject({ kind: 'exportPosters', total: 3, status: 'running' })
    const detail = await runJob(created.body.data.jobId)
    expect(detail).toMatchObject({ status: 'succeeded', hasOutput: true, actions: ['download'] })
    expect(detail.file.filename).toBe('门店海报-PZ001.zip')
    const zip = Buffer.from(await (await fetch(detail.file.url)).arrayBuffer())
    const files = unzip(zip)
    const names = [...files.keys()]
    expect(names).toHaveLength(3)
    expect(names).toEqual(
      expect.arrayContaining([
        '门店海报-PZ001-海报店.png',
        expect.stringMatching(/^导购海报-PZ001-海报甲-C\w+\.png$/),
        expect.stringMatching(/^导购海报-PZ001-海报乙-C\w+\.png$/),
      ]),
    )
    for (const png of files.values()) expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE)
  })

  it('a clerk import hands out a ZIP: the invite list in Shanghai time and one poster per clerk', async () => {
    await newStore('PI001', '导入海报店')
    const created = await stack.admin({
      action: 'createImportJob',
      kind: 'importClerks',
      title: 'clerks.csv',
      csv: toCsv(
        ['门店编码', '姓名', '店长'],
        Array.from({ length: 12 }, (_, i) => ['PI001', `导入${i + 1}`, i === 0 ? '是' : '否']),
      ),
    })
    const detail = await runJob(created.body.data.jobId)
    expect(detail).toMatchObject({ status: 'succeeded', created: 12 })
    const files = unzip(Buffer.from(await (await fetch(detail.file.url)).arrayBuffer()))
    const csv = parseCsv(files.get('导购邀请清单.csv')!.toString('utf8')).records.map(
      (r) => r.cells,
    )
    expect(csv[0]).toEqual(['门店编码', '姓名', '店长', '邀请码', '有效期至（北京时间）'])
    const expiry = csv[1]![4]!
    expect(expiry).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
    const shanghai = new Date(Date.now() + 168 * 3_600_000 + 8 * 3_600_000)
    expect(expiry.slice(0, 13)).toBe(shanghai.toISOString().slice(0, 13).replace('T', ' '))
    const posters = [...files.keys()].filter((n) => n.startsWith('海报/'))
    expect(posters).toHaveLength(12)
    expect(posters).toContain('海报/导购邀请-PI001-导入1.png')
    // The CSV inside the ZIP is the job's invite list too.
    expect(detail.output.csv.replace(/^\uFEFF/, '')).toBe(
      files
        .get('导购邀请清单.csv')!
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    )
  })
})
