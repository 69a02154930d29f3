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
      memberCode: '会员码应为 20 位数字，请重新扫描',
      amount: '请输入大于 0 的金额，最多两位小数',
      receiptNo: '小票号只能包含字母、数字和短横线',
    })
  })

  it('normalizes scanned codes', () => {
    expect(normalizeMemberCode(` ${code} `)).toBe(code)
    expect(normalizeMemberCode('1234')).toBeUndefined()
    expect(normalizePickupCode('AB12 CD34')).toBe('AB12CD34')
    expect(normalizePickupCode('a!')).toBeUndefined()
  })
})
