/** Refused input reads as Chinese a person understands, without field paths (the path is `field`). */
import fc from 'fast-check'
import { z } from 'zod'
import { describeInputIssue } from '../../../shared/platform/contract/input-errors'

const store = z.strictObject({
  name: z.string().trim().min(1).max(40).describe('门店名称'),
  points: z.number().int().min(1).max(100_000).describe('所需积分'),
  memberNo: z.string().regex(/^\d{9}$/, '会员号为 9 位数字'),
  address: z.strictObject({ detail: z.string().min(1).describe('详细地址') }).optional(),
  tags: z.array(z.string()).max(3).optional(),
})
const base = { name: '静安寺店', points: 10, memberNo: '123456789' }
const describe_ = (input: unknown) => {
  const parsed = store.safeParse(input)
  if (parsed.success) throw new Error('expected a refusal')
  return describeInputIssue(parsed.error, store)
}

describe('describeInputIssue', () => {
  it.each([
    [{ ...base, name: '   ' }, '门店名称不能为空', 'name'],
    [{ ...base, points: 1.5 }, '所需积分必须是整数', 'points'],
    [{ ...base, points: -50 }, '所需积分不能小于 1', 'points'],
    [{ ...base, name: '店'.repeat(41) }, '门店名称最多 40 个字', 'name'],
    [{ ...base, memberNo: '12' }, '会员号为 9 位数字', 'memberNo'],
    [{ ...base, address: { detail: '' } }, '详细地址不能为空', 'address.detail'],
    [{ ...base, tags: ['a', 'b', 'c', 'd'] }, '填写的信息有误：最多 3 项', 'tags'],
    [{ ...base, extra: 1 }, '填写的信息有误：包含不支持的内容', 'extra'],
    [{ name: '静安寺店', memberNo: '123456789' }, '所需积分必须填写', 'points'],
  ])('%j → %s', (input, message, field) => {
    expect(describe_(input)).toEqual({ message, field })
  })

  it('never shows a field path or English words, whatever is wrong', () => {
    fc.assert(
      fc.property(
        fc.record({
          name: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
          points: fc.oneof(fc.double(), fc.integer(), fc.string()),
          memberNo: fc.oneof(fc.string(), fc.constant(null)),
        }),
        (input) => {
          const parsed = store.safeParse(input)
          fc.pre(!parsed.success)
          const { message } = describeInputIssue(parsed.error!, store)
          expect(message).not.toMatch(/[a-zA-Z]{3,}/)
          expect(message).not.toContain('.')
        },
      ),
    )
  })
})
