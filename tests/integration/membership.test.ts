/**
 * Membership and attribution through the local stack, the way the mini-program and the console
 * call it: binding from scanned codes, the races that must not double anything, staff scoping,
 * staff invites, HQ transfers and the member's rights over their data.
 */
import { issueMemberCode } from '../../shared/membership/rules/member-code'
import { startTestStack, type Personas, type TestStack } from '../support/local-stack'

let stack: TestStack
let demo: Personas
const phone = (i: number) => `139${String(10_000_000 + i).slice(-8)}`

function sceneOf(
  kind: 'store' | 'clerk',
  index = 0,
): { scene: string; storeId: string; clerkId: string | null } {
  const code = demo.codes.filter((c) => c.kind === kind)[index]
  if (!code) throw new Error(`no demo ${kind} code ${index}`)
  return code
}
/** openid → clerkId of every demo staff persona */
const clerkIds: Record<string, string> = {}

async function bind(openid: string, scene: string, i: number) {
  return stack.call('member', { action: 'bind', scene, phone: phone(i) }, { openid })
}

beforeAll(async () => {
  stack = await startTestStack({ seed: true })
  demo = await stack.personas()
  for (const persona of demo.personas.filter((p) => p.role !== 'member')) {
    const me = await stack.call('staff', { action: 'me' }, { openid: persona.openid })
    clerkIds[persona.openid] = me.body.data.clerkId
  }
}, 120_000) // the stack start: the shared 2-core box runs at load 10
afterAll(() => stack.stop())

describe('binding from a scanned code', () => {
  it("binds through a clerk's code: that clerk and store, 100 welcome points, logged", async () => {
    const code = sceneOf('clerk', 1)
    const res = await bind('oBindClerk', code.scene, 1)
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({
      outcome: 'created',
      clerkId: code.clerkId,
      storeId: code.storeId,
      points: 100,
      tier: 'standard',
    })
    expect(res.body.data.phoneMasked).toBe('139****0001')
    expect(res.body.data.clerkName).not.toBe('')
    const data = await stack.call('member', { action: 'myData' }, { openid: 'oBindClerk' })
    expect(data.body.data.attributionLog).toHaveLength(1)
    expect(data.body.data.attributionLog[0]).toMatchObject({
      reason: 'bind',
      toClerkId: code.clerkId,
      fromClerkId: null,
    })
    expect(data.body.data.pointsLedger).toEqual([
      expect.objectContaining({ kind: 'welcome', points: 100, remaining: 100 }),
    ])
  })

  it('a second bind returns the existing member and logs a visit; attribution does not move', async () => {
    const first = sceneOf('clerk', 1)
    const other = sceneOf('clerk', 4)
    const again = await bind('oBindClerk', other.scene, 1)
    expect(again.status).toBe(200)
    expect(again.body.data).toMatchObject({
      outcome: 'existing',
      clerkId: first.clerkId,
      points: 100,
    })
    const data = await stack.call('member', { action: 'myData' }, { openid: 'oBindClerk' })
    expect(data.body.data.visits).toEqual([
      expect.objectContaining({ scene: other.scene, clerkId: other.clerkId }),
    ])
    expect(data.body.data.attributionLog).toHaveLength(1)
  })

  it.each([
    ['edited', (s: string) => s.replace(/\.(\w)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`)],
    ['forged signature', (s: string) => `${s.slice(0, -12)}AAAAAAAAAAAA`],
    ['made up', () => 'c.C1002.notarealsignat'],
  ])('refuses a %s scene, naming the field', async (_title, tamper) => {
    const res = await bind('oForger', tamper(sceneOf('clerk', 1).scene), 2)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', field: 'scene' })
    expect((await stack.call('member', { action: 'profile' }, { openid: 'oForger' })).status).toBe(
      404,
    )
  })

  it('refuses an invalid phone number and creates nothing', async () => {
    const res = await stack.call(
      'member',
      { action: 'bind', scene: sceneOf('store').scene, phone: '12345' },
      { openid: 'oBadPhone' },
    )
    expect(res.status).toBe(400)
    expect(res.body.error.field).toBe('phone')
    expect(
      (await stack.call('member', { action: 'profile' }, { openid: 'oBadPhone' })).status,
    ).toBe(404)
  })

  it('refuses a caller without a WeChat identity', async () => {
    const res = await stack.call('member', {
      action: 'bind',
      scene: sceneOf('store').scene,
      phone: phone(3),
    })
    expect(res.status).toBe(401)
  })

  it('50 concurrent first binds of one person through two codes: one member, one attribution, one welcome bonus', async () => {
    const a = sceneOf('clerk', 2)
    const b = sceneOf('store', 1)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => bind('oRacer', i % 2 ? a.scene : b.scene, 50)),
    )
    for (const res of results) expect(res.status).toBe(200)
    const memberIds = new Set(results.map((r) => r.body.data.memberId))
    expect(memberIds.size).toBe(1)
    expect(results.filter((r) => r.body.data.outcome === 'created')).toHaveLength(1)
    const [memberId] = [...memberIds]
    // The bind answers before its follow-up (attribution log, welcome entry, clerk count): the
    // member's own calls and the finishBinds job race to finish it, and it happens once.
    await Promise.all([
      ...Array.from({ length: 5 }, () =>
        stack.call('member', { action: 'profile' }, { openid: 'oRacer' }),
      ),
      stack.runJob('finishBinds'),
      stack.runJob('finishBinds'),
    ])
    const members = (await stack.db.collection('members').where({ openid: 'oRacer' }).get()) as {
      data: any[]
    }
    expect(members.data).toHaveLength(1)
    const log = (await stack.db.collection('attributionLog').where({ memberId }).get()) as {
      data: any[]
    }
    expect(log.data).toHaveLength(1)
    const ledger = (await stack.db.collection('pointsLedger').where({ memberId }).get()) as {
      data: any[]
    }
    expect(ledger.data).toHaveLength(1)
    expect(members.data[0].points).toBe(100)
    // What decided the race: the card's id is derived from the openid, so every racer inserted
    // the same id and one insert won; no claim document is needed.
    const claim = (
      (await stack.db.collection('openidClaims').doc('member:oRacer').get()) as { data: any[] }
    ).data[0]
    expect(claim).toBeUndefined()
  })

  it("a store's code spreads 30 concurrent new members evenly over its clerks, never to its manager", async () => {
    const store = sceneOf('store', 0)
    const clerksBefore = (await stack.db
      .collection('clerks')
      .where({ storeId: store.storeId, status: 'active' })
      .get()) as { data: any[] }
    const before = new Map(clerksBefore.data.map((c) => [c._id, c.memberCount]))
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => bind(`oSpread${i}`, store.scene, 100 + i)),
    )
    for (const res of results) {
      expect(res.body.error ?? null).toBeNull()
      expect(res.body.data.outcome).toBe('created')
    }
    // Each store-code bind took its own turn: the answers already spread within one.
    const chosen = new Map<string, number>()
    for (const res of results)
      chosen.set(res.body.data.clerkId, (chosen.get(res.body.data.clerkId) ?? 0) + 1)
    expect(Math.max(...chosen.values()) - Math.min(...chosen.values())).toBeLessThanOrEqual(1)
    // The counts follow with the binds' follow-up (the finishBinds job), each card once.
    await Promise.all([stack.runJob('finishBinds'), stack.runJob('finishBinds')])
    const clerksAfter = (await stack.db
      .collection('clerks')
      .where({ storeId: store.storeId, status: 'active' })
      .get()) as { data: any[] }
    const onDuty = clerksAfter.data.filter((c) => !c.isManager)
    expect(onDuty.length).toBeGreaterThan(1)
    const counts = onDuty.map((c) => c.memberCount)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
    for (const manager of clerksAfter.data.filter((c) => c.isManager))
      expect(manager.memberCount).toBe(before.get(manager._id))
    const added = clerksAfter.data.reduce(
      (sum, c) => sum + c.memberCount - (before.get(c._id) ?? 0),
      0,
    )
    expect(added).toBe(30)
    // the counters agree with the members actually attributed
    for (const clerk of clerksAfter.data) {
      const real = (await stack.db
        .collection('members')
        .where({ clerkId: clerk._id, status: 'active' })
        .count()) as { total: number }
      expect(real.total).toBe(clerk.memberCount)
    }
  })
})

describe('the member code', () => {
  it('a clerk resolves a fresh code; an old or edited one is refused', async () => {
    const code = (await stack.call('member', { action: 'memberCode' }, { openid: 'oBindClerk' }))
      .body.data
    expect(code.code).toMatch(/^\d{20}$/)
    expect(code.refreshAfterMs).toBeGreaterThan(0)
    const clerk = demo.personas.find((p) => p.role === 'clerk')!.openid
    const scanned = await stack.call(
      'staff',
      { action: 'scanMember', memberCode: code.code },
      { openid: clerk },
    )
    expect(scanned.status).toBe(200)
    expect(scanned.body.data.memberNo).toBe(code.memberNo)

    const threeMinutesAgo = issueMemberCode(
      code.memberNo,
      new Date(Date.now() - 3 * 60_000),
      stack.secrets.MEMBER_CODE_SECRET,
    )
    const expired = await stack.call(
      'staff',
      { action: 'scanMember', memberCode: threeMinutesAgo.code },
      { openid: clerk },
    )
    expect(expired.status).toBe(400)
    expect(expired.body.error).toMatchObject({ field: 'memberCode' })
    expect(expired.body.error.message).toContain('过期')

    const edited = code.code.slice(0, 19) + ((Number(code.code[19]) + 1) % 10)
    expect(
      (await stack.call('staff', { action: 'scanMember', memberCode: edited }, { openid: clerk }))
        .status,
    ).toBe(400)
  })

  it('a code replayed after its window is refused (clock moved, not slept)', async () => {
    const code = (await stack.call('member', { action: 'memberCode' }, { openid: 'oBindClerk' }))
      .body.data.code
    const clerk = demo.personas.find((p) => p.role === 'clerk')!.openid
    stack.setClockOffset(2 * 60_000 + 1000)
    try {
      const replay = await stack.call(
        'staff',
        { action: 'scanMember', memberCode: code },
        { openid: clerk },
      )
      expect(replay.status).toBe(400)
      expect(replay.body.error.message).toContain('过期')
    } finally {
      stack.setClockOffset(0)
    }
  })

  it('a shopper cannot scan member codes', async () => {
    const code = (await stack.call('member', { action: 'memberCode' }, { openid: 'oBindClerk' }))
      .body.data.code
    expect(
      (
        await stack.call(
          'staff',
          { action: 'scanMember', memberCode: code },
          { openid: 'oBindClerk' },
        )
      ).status,
    ).toBe(403)
  })
})

describe('staff see only what is theirs', () => {
  let memberOfClerk1: string
  beforeAll(async () => {
    memberOfClerk1 = (await stack.call('member', { action: 'profile' }, { openid: 'oBindClerk' }))
      .body.data.memberId
  })
  const openidOfClerk = (clerkId: string) =>
    Object.entries(clerkIds).find(([, id]) => id === clerkId)![0]

  it('the clerk sees the new member in "my members", with the phone masked', async () => {
    const clerkId = sceneOf('clerk', 1).clerkId!
    const res = await stack.call(
      'staff',
      { action: 'myMembers' },
      { openid: openidOfClerk(clerkId) },
    )
    expect(res.status).toBe(200)
    const item = res.body.data.items.find((m: any) => m.memberId === memberOfClerk1)
    expect(item).toMatchObject({ phoneMasked: '139****0001', points: 100 })
    expect(JSON.stringify(res.body)).not.toContain('13910000001')
  })

  it('searches by the last four digits of the phone', async () => {
    const clerkId = sceneOf('clerk', 1).clerkId!
    const res = await stack.call(
      'staff',
      { action: 'myMembers', search: '0001' },
      { openid: openidOfClerk(clerkId) },
    )
    expect(res.body.data.items.map((m: any) => m.memberId)).toEqual([memberOfClerk1])
  })

  it("another clerk of the same store cannot read this clerk's member", async () => {
    const other = demo.personas.find(
      (p) =>
        p.role === 'clerk' &&
        p.storeId === sceneOf('clerk', 1).storeId &&
        clerkIds[p.openid] !== sceneOf('clerk', 1).clerkId,
    )!
    const res = await stack.call(
      'staff',
      { action: 'memberDetail', memberId: memberOfClerk1 },
      { openid: other.openid },
    )
    expect(res.status).toBe(403)
  })

  it("a clerk of another store cannot read the member; the store's manager can", async () => {
    const storeId = sceneOf('clerk', 1).storeId
    const foreign = demo.personas.find((p) => p.role === 'clerk' && p.storeId !== storeId)!
    expect(
      (
        await stack.call(
          'staff',
          { action: 'memberDetail', memberId: memberOfClerk1 },
          { openid: foreign.openid },
        )
      ).status,
    ).toBe(403)
    const foreignManager = demo.personas.find((p) => p.role === 'manager' && p.storeId !== storeId)!
    expect(
      (
        await stack.call(
          'staff',
          { action: 'memberDetail', memberId: memberOfClerk1 },
          { openid: foreignManager.openid },
        )
      ).status,
    ).toBe(403)
    const manager = demo.personas.find((p) => p.role === 'manager' && p.storeId === storeId)!
    const detail = await stack.call(
      'staff',
      { action: 'memberDetail', memberId: memberOfClerk1 },
      { openid: manager.openid },
    )
    expect(detail.status).toBe(200)
    expect(detail.body.data.attributionLog[0]).toMatchObject({ reason: 'bind' })
    expect(detail.body.data.visits).toHaveLength(1)
  })

  it('only a manager may list the whole store', async () => {
    const clerk = demo.personas.find((p) => p.role === 'clerk')!
    expect(
      (await stack.call('staff', { action: 'myMembers', scope: 'store' }, { openid: clerk.openid }))
        .status,
    ).toBe(403)
    const manager = demo.personas.find((p) => p.role === 'manager' && p.storeId === clerk.storeId)!
    const res = await stack.call(
      'staff',
      { action: 'myMembers', scope: 'store', limit: 100 },
      { openid: manager.openid },
    )
    expect(res.status).toBe(200)
    expect(res.body.data.items.every((m: any) => typeof m.clerkName === 'string')).toBe(true)
  })

  it('a shopper is not staff, and a member cannot ask for anyone else', async () => {
    expect(
      (
        await stack.call(
          'staff',
          { action: 'memberDetail', memberId: memberOfClerk1 },
          { openid: 'oSpread1' },
        )
      ).status,
    ).toBe(403)
    expect(
      (
        await stack.call(
          'member',
          { action: 'profile', memberId: memberOfClerk1 },
          { openid: 'oSpread1' },
        )
      ).status,
    ).toBe(400)
    const mine = await stack.call('member', { action: 'myData' }, { openid: 'oSpread1' })
    expect(mine.body.data.member._id).not.toBe(memberOfClerk1)
    expect(mine.body.data.member.openid).toBe('oSpread1')
  })

  it("counts the clerk's new members this week and month", async () => {
    const clerkId = sceneOf('clerk', 1).clerkId!
    const stats = await stack.call(
      'staff',
      { action: 'myStats' },
      { openid: openidOfClerk(clerkId) },
    )
    expect(stats.body.data.newMembersThisWeek).toBeGreaterThanOrEqual(1)
    expect(stats.body.data.newMembersThisMonth).toBeGreaterThanOrEqual(
      stats.body.data.newMembersThisWeek,
    )
    expect(stats.body.data.memberCount).toBe(
      ((await stack.db.collection('members').where({ clerkId, status: 'active' }).count()) as any)
        .total,
    )
  })

  it('gives the clerk their own code as a PNG whose scene binds to them', async () => {
    const clerkId = sceneOf('clerk', 1).clerkId!
    const res = await stack.call('staff', { action: 'myCode' }, { openid: openidOfClerk(clerkId) })
    expect(res.status).toBe(200)
    expect(Buffer.from(res.body.data.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG')
    expect(res.body.data.scene).toBe(sceneOf('clerk', 1).scene)
  })
})

describe('staff invites', () => {
  it('a one-time invite binds a WeChat user as a clerk; reuse is refused', async () => {
    const storeId = sceneOf('store', 1).storeId
    const created = await stack.admin({ action: 'createStaffInvite', storeId, name: '新导购' })
    expect(created.status).toBe(200)
    expect(created.body.data.invite.length).toBeLessThanOrEqual(32)
    const joined = await stack.call(
      'staff',
      { action: 'bindInvite', invite: created.body.data.invite },
      { openid: 'oNewClerk' },
    )
    expect(joined.status).toBe(200)
    expect(joined.body.data).toMatchObject({
      name: '新导购',
      storeId,
      isManager: false,
      memberCount: 0,
    })
    // the same person opening it again just gets their profile back
    expect(
      (
        await stack.call(
          'staff',
          { action: 'bindInvite', invite: created.body.data.invite },
          { openid: 'oNewClerk' },
        )
      ).status,
    ).toBe(200)
    const reuse = await stack.call(
      'staff',
      { action: 'bindInvite', invite: created.body.data.invite },
      { openid: 'oSomeoneElse' },
    )
    expect(reuse.status).toBe(409)
    expect(reuse.body.error.message).toContain('已被使用')
  })

  it('two people racing for one invite: exactly one becomes a clerk', async () => {
    const storeId = sceneOf('store', 1).storeId
    const { invite } = (await stack.admin({ action: 'createStaffInvite', storeId, name: '抢码' }))
      .body.data
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        stack.call('staff', { action: 'bindInvite', invite }, { openid: `oInviteRace${i}` }),
      ),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409)).toHaveLength(9)
  })

  it('one WeChat user opening two invites at once becomes one clerk', async () => {
    const storeId = sceneOf('store', 1).storeId
    const invites = await Promise.all(
      ['双码一', '双码二'].map(
        async (name) =>
          (await stack.admin({ action: 'createStaffInvite', storeId, name })).body.data
            .invite as string,
      ),
    )
    const results = await Promise.all(
      invites.map((invite) =>
        stack.call('staff', { action: 'bindInvite', invite }, { openid: 'oTwoInvites' }),
      ),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    expect(results.find((r) => r.status === 409)!.body.error.message).toContain('已绑定为店员')
    const clerks = (await stack.db.collection('clerks').where({ openid: 'oTwoInvites' }).get()) as {
      data: any[]
    }
    expect(clerks.data).toHaveLength(1)
    const claim = (
      (await stack.db.collection('openidClaims').doc('clerk:oTwoInvites').get()) as {
        data: any[]
      }
    ).data[0]
    expect(claim).toMatchObject({ role: 'clerk', ownerId: clerks.data[0]._id })
  })

  it('an expired invite is refused', async () => {
    const storeId = sceneOf('store', 1).storeId
    const { invite } = (
      await stack.admin({ action: 'createStaffInvite', storeId, name: '过期', validHours: 1 })
    ).body.data
    stack.setClockOffset(61 * 60_000)
    try {
      const res = await stack.call('staff', { action: 'bindInvite', invite }, { openid: 'oLate' })
      expect(res.status).toBe(409)
      expect(res.body.error.message).toContain('过期')
    } finally {
      stack.setClockOffset(0)
    }
  })

  it('a forged invite is refused', async () => {
    const res = await stack.call(
      'staff',
      { action: 'bindInvite', invite: 'i.ABCDEFGHJK.AAAAAAAAAAAA' },
      { openid: 'oForgedInvite' },
    )
    expect(res.status).toBe(400)
  })
})

describe('HQ moves members', () => {
  it('transfers all of a clerk’s members with a log entry each, and counts follow', async () => {
    const storeId = sceneOf('store', 0).storeId
    const clerks = (await stack.db.collection('clerks').where({ storeId }).get()) as { data: any[] }
    const [from, to] = clerks.data.filter((c) => c.memberCount > 0)
    const moving = from.memberCount
    const res = await stack.admin({
      action: 'transferMembers',
      fromClerkId: from._id,
      toClerkId: to._id,
      reason: '导购离职',
    })
    expect(res.status).toBe(200)
    expect(res.body.data).toMatchObject({ moved: moving, remaining: 0 })
    const after = (await stack.db
      .collection('clerks')
      .where({ _id: stack.db.command.in([from._id, to._id]) })
      .get()) as { data: any[] }
    expect(after.data.find((c) => c._id === from._id).memberCount).toBe(0)
    expect(after.data.find((c) => c._id === to._id).memberCount).toBe(to.memberCount + moving)
    const log = (await stack.db
      .collection('attributionLog')
      .where({ reason: 'transfer', fromClerkId: from._id })
      .get()) as { data: any[] }
    expect(log.data).toHaveLength(moving)
    expect(log.data[0]).toMatchObject({
      toClerkId: to._id,
      actor: { kind: 'admin', id: 'admin' },
      note: '导购离职',
    })
    // the audit log has the action
    const audit = (await stack.db
      .collection('auditLog')
      .where({ action: 'transferMembers' })
      .get()) as { data: any[] }
    expect(audit.data[0]).toMatchObject({ username: 'admin', outcome: 'ok' })
  })

  it("a disabled clerk's code stops binding, but their members stay", async () => {
    const code = sceneOf('clerk', 5)
    await bind('oBeforeDisable', code.scene, 300)
    const disabled = await stack.admin({
      action: 'disableClerk',
      clerkId: code.clerkId,
      reason: '离职',
    })
    expect(disabled.body.data.status).toBe('disabled')
    const refused = await bind('oAfterDisable', code.scene, 301)
    expect(refused.status).toBe(409)
    const kept = await stack.call('member', { action: 'profile' }, { openid: 'oBeforeDisable' })
    expect(kept.body.data.clerkId).toBe(code.clerkId)
  })

  it('admin actions need a console session: a clerk’s WeChat identity gets 401', async () => {
    const clerk = demo.personas.find((p) => p.role === 'manager')!
    const res = await stack.call(
      'admin',
      { action: 'createStore', code: 'X1', name: 'x', address: 'y' },
      { openid: clerk.openid },
    )
    expect(res.status).toBe(401)
  })
})

describe("the member's own data", () => {
  it('deleting the account removes personal data, keeps an anonymised ledger trail', async () => {
    const code = sceneOf('store', 1)
    const created = (await bind('oLeaving', code.scene, 400)).body.data
    const res = await stack.call(
      'member',
      { action: 'deleteAccount', confirm: 'DELETE' },
      { openid: 'oLeaving' },
    )
    expect(res.body.data).toEqual({ deleted: true })
    expect((await stack.call('member', { action: 'profile' }, { openid: 'oLeaving' })).status).toBe(
      404,
    )
    const row = (
      (await stack.db.collection('members').doc(created.memberId).get()) as { data: any[] }
    ).data[0]
    expect(row.status).toBe('deleted')
    expect(row.openid).toBeUndefined()
    expect(row.phone).toBeUndefined()
    const ledger = (await stack.db
      .collection('pointsLedger')
      .where({ memberId: created.memberId })
      .get()) as { data: any[] }
    expect(ledger.data).toHaveLength(1)
    // Scanning again starts a fresh membership: a new card id (the deletion moved the id's
    // generation), with its own welcome entry withheld (the tombstone remembers the bonus).
    const again = (await bind('oLeaving', code.scene, 401)).body.data
    expect(again.outcome).toBe('created')
    expect(again.memberId).not.toBe(created.memberId)
    expect(again.points).toBe(0)
    const rows = (await stack.db.collection('members').where({ openid: 'oLeaving' }).get()) as {
      data: any[]
    }
    expect(rows.data.map((m) => m._id)).toEqual([again.memberId])
  })

  it('a rebound member deletes again and binds a third time', async () => {
    const code = sceneOf('store', 1)
    const first = (await bind('oTwice', code.scene, 410)).body.data
    const del = () =>
      stack.call('member', { action: 'deleteAccount', confirm: 'DELETE' }, { openid: 'oTwice' })
    expect((await del()).status).toBe(200)
    const second = (await bind('oTwice', code.scene, 411)).body.data
    expect(second.outcome).toBe('created')
    expect((await del()).status).toBe(200)
    const third = (await bind('oTwice', code.scene, 412)).body.data
    expect(third.outcome).toBe('created')
    expect(new Set([first.memberId, second.memberId, third.memberId]).size).toBe(3)
  })

  it("deleting twice at once lowers the clerk's member count once", async () => {
    const code = sceneOf('store', 1)
    const created = (await bind('oLeavingTwice', code.scene, 410)).body.data
    const clerkCount = async () =>
      (
        (await stack.db.collection('clerks').doc(created.clerkId).get()) as {
          data: { memberCount: number }[]
        }
      ).data[0]!.memberCount
    const before = await clerkCount()
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        stack.call(
          'member',
          { action: 'deleteAccount', confirm: 'DELETE' },
          { openid: 'oLeavingTwice' },
        ),
      ),
    )
    expect(results.some((r) => r.status === 200)).toBe(true)
    for (const r of results) expect([200, 404]).toContain(r.status)
    expect(await clerkCount()).toBe(before - 1)
  })

  it("a card deleted before its bind's follow-up: the clerk's count goes up and down once", async () => {
    const code = sceneOf('clerk', 3)
    await stack.runJob('finishBinds')
    const clerkCount = async () =>
      (
        (await stack.db.collection('clerks').doc(code.clerkId!).get()) as {
          data: { memberCount: number }[]
        }
      ).data[0]!.memberCount
    const before = await clerkCount()
    const created = (await bind('oQuickLeaver', code.scene, 420)).body.data
    expect(created.clerkId).toBe(code.clerkId)
    const deleted = await stack.call(
      'member',
      { action: 'deleteAccount', confirm: 'DELETE' },
      { openid: 'oQuickLeaver' },
    )
    expect(deleted.status).toBe(200)
    // Three runs of the follow-up at once: the card is added to its clerk once.
    await Promise.all([1, 2, 3].map(() => stack.runJob('finishBinds')))
    expect(await clerkCount()).toBe(before)
    const log = (await stack.db
      .collection('attributionLog')
      .where({ memberId: created.memberId })
      .get()) as { data: any[] }
    expect(log.data).toHaveLength(1)
    const card = (
      (await stack.db.collection('members').doc(created.memberId).get()) as { data: any[] }
    ).data[0]
    expect(card.bindPending).toBeUndefined()
  })

  it('deleting needs the explicit confirmation', async () => {
    const res = await stack.call('member', { action: 'deleteAccount' }, { openid: 'oSpread2' })
    expect(res.status).toBe(400)
    expect(res.body.error.field).toBe('confirm')
  })
})
