/** The audit log in words (shared/hq/rules/audit.ts): every admin action named, no ids or JSON. */
import { adminInput } from '../../../shared/hq/contract'
import {
  actionsMatching,
  AUDIT_ACTIONS,
  auditOutcomeLabel,
  auditSummary,
  type AuditNames,
} from '../../../shared/hq/rules/audit'

const HAN_ONLY = /^[\u3400-\u9fff，、（）]+$/

const names = (over: Partial<AuditNames> = {}): AuditNames => ({
  stores: new Map([['6b1160f1f37bde570b9a128429521714', '静安寺店']]),
  clerks: new Map([['c-1', '王小明']]),
  members: new Map([['m-1', '100000123']]),
  admins: new Map(),
  gifts: new Map(),
  campaigns: new Map(),
  orders: new Map([['o-1', '2026-12-03 20:15 下单 ¥59.00']]),
  ...over,
})

describe('audit catalogue', () => {
  it('names every admin action in Chinese', () => {
    for (const action of Object.keys(adminInput)) {
      expect(AUDIT_ACTIONS[action]).toBeDefined()
      expect(AUDIT_ACTIONS[action]!.label).toMatch(HAN_ONLY)
    }
  })

  it('a search for 退款 finds the refunds', () => {
    expect(actionsMatching('退款')).toEqual(['refundOrder'])
    expect(actionsMatching('账号')).toEqual(
      expect.arrayContaining(['createAdminAccount', 'unlockAdminAccount']),
    )
    expect(actionsMatching(' ')).toEqual([])
  })

  it('outcomes read in Chinese', () => {
    expect(auditOutcomeLabel('refundOrder', 'ok')).toBe('成功')
    expect(auditOutcomeLabel('refundOrder', 'CONFLICT')).toBe('有冲突，未执行')
    expect(auditOutcomeLabel('login', 'UNAUTHENTICATED')).toBe('密码错误')
    expect(auditOutcomeLabel('x', 'SOMETHING_NEW')).toBe('失败')
  })
})

describe('auditSummary', () => {
  it('a refund reads with the order, the amount in yuan and the reason last', () => {
    expect(auditSummary({ reason: '商品破损', orderId: 'o-1', amountFen: 1050 }, names())).toBe(
      '订单 2026-12-03 20:15 下单 ¥59.00，金额 ¥10.50，原因：商品破损',
    )
  })

  it('ids become names; an id without a name is left out, never shown raw', () => {
    const text = auditSummary(
      {
        storeId: '6b1160f1f37bde570b9a128429521714',
        clerkId: 'c-gone',
        memberId: 'm-1',
        points: 50,
        segment: { pointsMax: 3 },
      },
      names(),
    )
    expect(text).toBe('门店 静安寺店，会员 100000123，积分 +50')
    expect(text).not.toMatch(/[0-9a-f]{16}|[{}]|c-gone/)
  })

  it('accounts, stock and rules', () => {
    expect(
      auditSummary(
        { username: 'mgr.zhao', displayName: '赵店长', role: 'storeManager', storeIds: ['a', 'b'] },
        names(),
      ),
    ).toBe('用户名 mgr.zhao，姓名 赵店长，角色 门店店长，门店数 2 家')
    expect(auditSummary({ giftId: 'g', storeId: null, delta: -3, reason: '盘点' }, names())).toBe(
      '中心仓，数量 -3，原因：盘点',
    )
    expect(auditSummary({ rateBp: 250, refundWindowDays: 7 }, names())).toBe(
      '提成比例 2.5%，退款期 7 天',
    )
    expect(auditSummary({ protectionDays: null }, names())).toBe('保护期 永久归属')
  })
})
