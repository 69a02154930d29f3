/**
 * Subscribe-message field rules, twice: the sandbox's (standing for WeChat, written from
 * PLATFORM.md) and ours (shared/campaigns/rules), which must agree on what WeChat accepts, and the
 * campaign template catalogue that names the broken field in Chinese.
 */
import fc from 'fast-check'
import { wechatAcceptsField } from '../../../scripts/local-cloud/wechat-field-rules'
import {
  subscribeFieldProblem,
  type SubscribeFieldType,
} from '../../../shared/campaigns/rules/subscribe-fields'
import { templateDataProblems } from '../../../shared/campaigns/templates'

const han = fc.constantFrom(...'会员日双倍积分到店领取生日礼配送中已完成')
const hanString = (min: number, max: number) =>
  fc.array(han, { minLength: min, maxLength: max }).map((a) => a.join(''))
const anyText = (min: number, max: number) =>
  fc
    .array(fc.oneof(han, fc.constantFrom(...'abcXYZ019 !?¥-')), { minLength: min, maxLength: max })
    .map((a) => a.join(''))

/** Both validators, as one verdict each: true when the value is accepted. */
const both = (type: SubscribeFieldType, key: string, value: string) => ({
  sandbox: wechatAcceptsField(key, value),
  ours: subscribeFieldProblem(type, value) === null,
})

describe('thing: at most 20 characters of any kind', () => {
  it('accepts 1..20, refuses 21..40 (characters, not UTF-16 units)', () => {
    fc.assert(
      fc.property(anyText(1, 20), (v) => {
        expect(both('thing', 'thing1', v)).toEqual({ sandbox: true, ours: true })
      }),
    )
    fc.assert(
      fc.property(anyText(21, 40), (v) => {
        expect(both('thing', 'thing1', v)).toEqual({ sandbox: false, ours: false })
      }),
    )
    expect(both('thing', 'thing1', '😀'.repeat(20))).toEqual({ sandbox: true, ours: true })
  })
  it('refuses line breaks and control characters', () => {
    expect(both('thing', 'thing1', '第一行\n第二行')).toEqual({ sandbox: false, ours: false })
    expect(both('thing', 'thing1', '')).toEqual({ sandbox: false, ours: false })
  })
})

describe('phrase: at most 5 Chinese characters only', () => {
  it('accepts 1..5 Chinese characters; refuses 6 or anything else', () => {
    fc.assert(
      fc.property(hanString(1, 5), (v) =>
        expect(both('phrase', 'phrase3', v)).toEqual({ sandbox: true, ours: true }),
      ),
    )
    fc.assert(
      fc.property(hanString(6, 12), (v) =>
        expect(both('phrase', 'phrase3', v)).toEqual({ sandbox: false, ours: false }),
      ),
    )
    for (const v of ['ok', '配送中1', '配送 中'])
      expect(both('phrase', 'phrase3', v)).toEqual({ sandbox: false, ours: false })
  })
})

describe('name: at most 10 Chinese characters or 20 letters', () => {
  it('agrees at the edges', () => {
    expect(both('name', 'name1', '张'.repeat(10))).toEqual({ sandbox: true, ours: true })
    expect(both('name', 'name1', '张'.repeat(11))).toEqual({ sandbox: false, ours: false })
    expect(both('name', 'name1', 'a'.repeat(20))).toEqual({ sandbox: true, ours: true })
    expect(both('name', 'name1', 'a'.repeat(21))).toEqual({ sandbox: false, ours: false })
    expect(both('name', 'name1', '张三3')).toEqual({ sandbox: false, ours: false })
  })
})

describe('number, letter, character_string: at most 32 of their characters', () => {
  it('number: digits with a decimal point', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,32}$/), (v) =>
        expect(both('number', 'number2', v)).toEqual({ sandbox: true, ours: true }),
      ),
    )
    for (const v of ['1'.repeat(33), '12a', '１２', '-'])
      expect(both('number', 'number2', v)).toEqual({ sandbox: false, ours: false })
    expect(both('number', 'number2', '12.5')).toEqual({ sandbox: true, ours: true })
  })
  it('letter and character_string', () => {
    expect(both('letter', 'letter1', 'a'.repeat(32))).toEqual({ sandbox: true, ours: true })
    expect(both('letter', 'letter1', 'a'.repeat(33))).toEqual({ sandbox: false, ours: false })
    expect(both('letter', 'letter1', 'ab1')).toEqual({ sandbox: false, ours: false })
    fc.assert(
      fc.property(fc.stringMatching(/^[\x21-\x7e]{1,32}$/), (v) =>
        expect(both('character_string', 'character_string1', v)).toEqual({
          sandbox: true,
          ours: true,
        }),
      ),
    )
    for (const v of ['x'.repeat(33), '取货码1', 'A B'])
      expect(both('character_string', 'character_string1', v)).toEqual({
        sandbox: false,
        ours: false,
      })
  })
})

describe('time, date, amount', () => {
  it('time: 24-hour, optionally with a date, or a range', () => {
    for (const v of ['15:01', '2019年10月1日 15:01', '2026-12-12 10:00', '10:00~12:00'])
      expect(both('time', 'time2', v)).toEqual({ sandbox: true, ours: true })
    for (const v of ['11月30日前', '25:00', '下午三点', '2026-12-12'])
      expect(both('time', 'time2', v)).toEqual({ sandbox: false, ours: false })
  })
  it('date: a date, optionally with a time, or a range', () => {
    for (const v of ['2019年10月1日', '2026-12-12 10:00', '2026-12-01~2026-12-31'])
      expect(both('date', 'date1', v)).toEqual({ sandbox: true, ours: true })
    for (const v of ['明天', '12月', '15:01'])
      expect(both('date', 'date1', v)).toEqual({ sandbox: false, ours: false })
  })
  it('amount: one currency sign, up to 10 digits, decimals, may end in 元', () => {
    for (const v of ['¥100', '99.5元', '1234567890'])
      expect(both('amount', 'amount1', v)).toEqual({ sandbox: true, ours: true })
    for (const v of ['¥¥1', '12345678901', '一百元', '1.234'])
      expect(both('amount', 'amount1', v)).toEqual({ sandbox: false, ours: false })
  })
})

describe('the campaign template catalogue', () => {
  it('names the broken field and its label in Chinese', () => {
    expect(
      templateDataProblems('campaign', { thing1: '会员日', time2: '2026-12-12 10:00' }),
    ).toEqual([])
    expect(templateDataProblems('campaign', { thing1: '一'.repeat(21) })).toEqual([
      { key: 'thing1', message: '活动名称：最多 20 个字' },
    ])
    expect(templateDataProblems('campaign', { thing1: '会员日', time2: '11月30日前' })[0]).toEqual({
      key: 'time2',
      message: expect.stringContaining('活动时间：时间格式'),
    })
    expect(templateDataProblems('campaign', { thing1: '会员日', amount9: '¥1' })[0]?.key).toBe(
      'amount9',
    )
    expect(templateDataProblems('campaign', { time2: '15:01' })).toEqual([
      { key: 'thing1', message: '请填写活动名称' },
    ])
  })
})
