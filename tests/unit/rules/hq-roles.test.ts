/** The HQ role matrix (shared/hq/rules/roles.ts) and the account lifecycle, as data. */
import {
  HQ_ROLES,
  lifecycleActor,
  refusalFor,
  roleOf,
  seesFullPhone,
  type HqAccess,
  type HqRole,
} from '../../../shared/hq/rules/roles'
import { accountStatusLabel, nextAccountActions } from '../../../shared/hq/lifecycle'

const call = (access: HqAccess, more: { storeScoped?: boolean; store?: string | null } = {}) => ({
  access,
  storeScoped: more.storeScoped ?? false,
  store: more.store ?? null,
  chatContent: false,
})

describe('refusalFor', () => {
  const allowed = (role: HqRole, c: ReturnType<typeof call>, stores: string[] = ['s1']) =>
    refusalFor(role, stores, c) === null

  it('admin may do everything', () => {
    for (const access of ['hq:session', 'hq:read', 'hq:write', 'hq:admin'] as const)
      expect(allowed('admin', call(access))).toBe(true)
  })

  it('operator writes but manages no accounts or rules', () => {
    expect(allowed('operator', call('hq:read'))).toBe(true)
    expect(allowed('operator', call('hq:write'))).toBe(true)
    expect(refusalFor('operator', [], call('hq:admin'))).toBe('只有总部管理员可以管理账号和规则')
  })

  it('analyst only reads, and no chat content', () => {
    expect(allowed('analyst', call('hq:read'))).toBe(true)
    expect(allowed('analyst', call('hq:session'))).toBe(true)
    expect(refusalFor('analyst', [], call('hq:write'))).toBe('只读分析账号不能修改数据')
    expect(refusalFor('analyst', [], call('hq:admin'))).toMatch(/总部管理员/)
    expect(refusalFor('analyst', [], { ...call('hq:read'), chatContent: true })).toBe(
      '只读分析账号不能查看聊天内容',
    )
    expect(allowed('admin', { ...call('hq:read'), chatContent: true })).toBe(true)
  })

  it('store manager: only store-scoped actions, only their stores', () => {
    expect(allowed('storeManager', call('hq:session'))).toBe(true)
    expect(refusalFor('storeManager', ['s1'], call('hq:read'))).toMatch(/所管门店/)
    expect(refusalFor('storeManager', ['s1'], call('hq:write'))).toMatch(/所管门店/)
    expect(allowed('storeManager', call('hq:read', { storeScoped: true }))).toBe(true)
    expect(allowed('storeManager', call('hq:read', { storeScoped: true, store: 's1' }))).toBe(true)
    expect(
      refusalFor('storeManager', ['s1'], call('hq:read', { storeScoped: true, store: 's2' })),
    ).toBe('只能查看或处理所管门店的数据')
    expect(allowed('storeManager', call('hq:write', { storeScoped: true, store: 's1' }))).toBe(true)
    expect(allowed('storeManager', call('hq:admin', { storeScoped: true, store: 's1' }))).toBe(
      false,
    )
  })

  it('every refusal is a Chinese sentence', () => {
    for (const role of HQ_ROLES)
      for (const access of ['hq:read', 'hq:write', 'hq:admin'] as const) {
        const refusal = refusalFor(role, [], call(access, { storeScoped: true, store: 'x' }))
        if (refusal) expect(refusal).toMatch(/^[\u3400-\u9fff「」，、]+$/)
      }
  })
})

describe('roles elsewhere', () => {
  it('reads accounts stored before the four roles as admins', () => {
    expect(roleOf('hq-admin')).toBe('admin')
    expect(roleOf('storeManager')).toBe('storeManager')
    expect(roleOf('something-else')).toBe('analyst')
  })
  it('only analysts see masked phones; only admins and operators act on statuses', () => {
    expect(HQ_ROLES.filter(seesFullPhone)).toEqual(['admin', 'operator', 'storeManager'])
    expect(HQ_ROLES.map(lifecycleActor)).toEqual(['hq-admin', 'hq-admin', 'analyst', 'analyst'])
  })
})

describe('account lifecycle', () => {
  it('labels and next actions', () => {
    const active = { status: 'active' as const, locked: false, self: false }
    expect(accountStatusLabel(active)).toBe('正常')
    expect(nextAccountActions(active, true)).toEqual(['edit', 'resetPassword', 'disable'])
    const locked = { ...active, locked: true }
    expect(accountStatusLabel(locked)).toBe('已锁定')
    expect(nextAccountActions(locked, true)).toEqual(['edit', 'unlock', 'resetPassword', 'disable'])
    const disabled = { ...active, status: 'disabled' as const }
    expect(accountStatusLabel(disabled)).toBe('已停用')
    expect(nextAccountActions(disabled, true)).toEqual(['edit', 'enable', 'resetPassword'])
    expect(nextAccountActions({ ...active, self: true }, true)).toEqual([])
    expect(nextAccountActions(active, false)).toEqual([])
  })
})
