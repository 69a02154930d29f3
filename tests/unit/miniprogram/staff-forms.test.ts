import {
  checkSale,
  normalizeMemberCode,
  normalizePickupCode,
} from '../../../miniprogram/src/lib/staff-forms'

describe('counter forms', () => {
  const code = '12345678901234567890'

  it('is ready with a member code, an amount and a receipt number', () => {
    expect(
      checkSale({ memberCode: '1234 5678 9012 3456 7890', amount: '88.5', receiptNo: ' R-001 ' }),
    ).toEqual({
      errors: {},
      amountPreview: '¥88.50',
      ready: { memberCode: code, amountFen: 8850, receiptNo: 'R-001' },
    })
  })

  it('is not ready while a field is empty, without calling that an error', () => {
    expect(checkSale({ memberCode: code, amount: '', receiptNo: '' })).toEqual({ errors: {} })
  })

  it('says what is wrong next to each field', () => {
    const check = checkSale({ memberCode: '123', amount: '1.234', receiptNo: '单号 1' })
    expect(check.ready).toBeUndefined()
    expect(check.errors).toEqual({
      memberCode: '会员码应为 20 位数字（券码 22 位），请重新扫描',
      amount: '金额格式不对：请输入数字，最多两位小数',
      receiptNo: '小票号只能包含字母、数字、- 和 _',
    })
  })

  it('names the real reason an amount is refused: zero, or over HQ’s per-receipt ceiling', () => {
    const rules = { receiptLimitFen: 2_000_000, confirmAboveFen: 500_000 }
    const draft = { memberCode: code, receiptNo: 'R-1' }
    expect(checkSale({ ...draft, amount: '0' }, rules).errors.amount).toBe('请输入大于 0 的金额')
    expect(checkSale({ ...draft, amount: '99999999' }, rules).errors.amount).toBe(
      '单张小票不能超过 ¥20,000.00（总部设定的上限）',
    )
    expect(checkSale({ ...draft, amount: '20000.01' }, rules).ready).toBeUndefined()
    expect(checkSale({ ...draft, amount: '20000' }, rules).ready?.amountFen).toBe(2_000_000)
  })

  it('asks for confirmation only above HQ’s threshold', () => {
    const rules = { receiptLimitFen: 2_000_000, confirmAboveFen: 500_000 }
    const draft = { memberCode: code, receiptNo: 'R-1' }
    expect(checkSale({ ...draft, amount: '5000' }, rules).needsConfirm).toBeUndefined()
    expect(checkSale({ ...draft, amount: '5000.01' }, rules).needsConfirm).toBe(true)
    // Not loaded yet: nothing to confirm against, the server still checks.
    expect(checkSale({ ...draft, amount: '5000.01' }).needsConfirm).toBeUndefined()
  })

  it('normalizes scanned codes', () => {
    expect(normalizeMemberCode(` ${code} `)).toBe(code)
    expect(normalizeMemberCode('1234')).toBeUndefined()
    // A coupon code (22 digits, as the coupon page groups it) is a till code too; 21 is neither.
    expect(normalizeMemberCode('1000 0012 3451 2345 6789 01')).toBe('1000001234512345678901')
    expect(normalizeMemberCode('1'.repeat(21))).toBeUndefined()
    expect(normalizePickupCode('AB12 CD34')).toBe('AB12CD34')
    expect(normalizePickupCode('a!')).toBeUndefined()
  })
})
