import { numberProblem } from '../../../console/src/number-rules'

describe('a number field refuses, never adjusts', () => {
  const days = { min: 1, max: 3650 }
  test.each([
    [-5, '保护期不能小于 1'],
    [0, '保护期不能小于 1'],
    [1.5, '保护期必须是整数'],
    [5000, '保护期不能大于 3650'],
    [null, '请填写保护期'],
    ['abc', '保护期必须是数字'],
  ])('%p → %s', (value, message) => {
    expect(numberProblem('保护期', value, days)).toBe(message)
  })

  test('the limits themselves and whole numbers inside pass', () => {
    expect(numberProblem('保护期', 1, days)).toBeNull()
    expect(numberProblem('保护期', 3650, days)).toBeNull()
  })

  test('yuan take two decimals, not three; floating point noise is not a third decimal', () => {
    const yuan = { min: 1, max: 1_000_000, decimals: 2 }
    expect(numberProblem('单笔上限', 19.99, yuan)).toBeNull()
    expect(numberProblem('单笔上限', 0.1 + 0.2 + 1, yuan)).toBeNull()
    expect(numberProblem('单笔上限', 1.555, yuan)).toBe('单笔上限最多保留 2 位小数')
  })

  test('an optional field may stay empty', () => {
    expect(numberProblem('天数', undefined, { min: 1, required: false })).toBeNull()
    expect(numberProblem('天数', -1, { min: 1, required: false })).toBe('天数不能小于 1')
  })
})
