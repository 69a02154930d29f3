import {
  formatDate,
  formatDateTime,
  formatDistance,
  formatFen,
  formatPoints,
  greeting,
  groupCode,
  isMainlandMobile,
  maskPhone,
  MAX_SALE_FEN,
  parseYuanToFen,
} from '../../../miniprogram/src/lib/format'

describe('formatting', () => {
  it('groups points by thousands', () => {
    expect(formatPoints(0)).toBe('0')
    expect(formatPoints(100)).toBe('100')
    expect(formatPoints(12345)).toBe('12,345')
    expect(formatPoints(1234567)).toBe('1,234,567')
    expect(formatPoints(-2500)).toBe('-2,500')
  })

  it('shows fen as yuan with two decimals', () => {
    expect(formatFen(0)).toBe('¥0.00')
    expect(formatFen(5)).toBe('¥0.05')
    expect(formatFen(8850)).toBe('¥88.50')
    expect(formatFen(123456789)).toBe('¥1,234,567.89')
    expect(formatFen(-500)).toBe('-¥5.00')
  })

  it('parses what a clerk types into fen without floating point', () => {
    expect(parseYuanToFen('88')).toBe(8800)
    expect(parseYuanToFen('88.5')).toBe(8850)
    expect(parseYuanToFen(' 88.50 ')).toBe(8850)
    expect(parseYuanToFen('¥1,088.00')).toBe(108800)
    // 0.1 + 0.2 style trouble would show up here.
    expect(parseYuanToFen('0.29')).toBe(29)
    expect(parseYuanToFen('19.99')).toBe(1999)
    for (const bad of ['', '0', '0.00', '-5', '1.234', 'abc', '1e3', '.5', '12.', '1,0,0x']) {
      expect(parseYuanToFen(bad)).toBeUndefined()
    }
    expect(parseYuanToFen(String(MAX_SALE_FEN / 100))).toBe(MAX_SALE_FEN)
    expect(parseYuanToFen(String(MAX_SALE_FEN / 100 + 1))).toBeUndefined()
  })

  it('checks and masks mainland mobile numbers', () => {
    expect(isMainlandMobile('13812345678')).toBe(true)
    expect(isMainlandMobile('12812345678')).toBe(false)
    expect(isMainlandMobile('1381234567')).toBe(false)
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('+86 138')).toBe('+86 138')
  })

  it('groups codes in fours for reading aloud', () => {
    expect(groupCode('12345678901234567890')).toBe('1234 5678 9012 3456 7890')
    expect(groupCode('123456')).toBe('1234 56')
    expect(groupCode('1234 5678')).toBe('1234 5678')
    expect(groupCode('')).toBe('')
  })

  it('shows times in China time whatever the machine’s zone', () => {
    expect(formatDateTime('2026-03-04T23:07:00Z')).toBe('2026-03-05 07:07')
    expect(formatDateTime('2026-12-31T16:00:00.000Z')).toBe('2027-01-01 00:00')
    expect(formatDate('2026-12-31T16:00:00.000Z')).toBe('2027-01-01')
    expect(formatDateTime('not a date')).toBe('')
  })

  it('greets by China-time hour', () => {
    expect(greeting(new Date('2026-03-05T00:30:00Z'))).toBe('早上好') // 08:30
    expect(greeting(new Date('2026-03-05T04:00:00Z'))).toBe('中午好') // 12:00
    expect(greeting(new Date('2026-03-05T08:00:00Z'))).toBe('下午好') // 16:00
    expect(greeting(new Date('2026-03-05T12:00:00Z'))).toBe('晚上好') // 20:00
    expect(greeting(new Date('2026-03-05T18:00:00Z'))).toBe('夜深了') // 02:00
  })
})

describe('formatDistance', () => {
  it('shows metres to the ten under a kilometre, one decimal under ten, whole kilometres beyond', () => {
    expect(formatDistance(0)).toBe('0 m')
    expect(formatDistance(196)).toBe('200 m')
    expect(formatDistance(994)).toBe('990 m')
    expect(formatDistance(996)).toBe('1.0 km')
    expect(formatDistance(1000)).toBe('1.0 km')
    expect(formatDistance(1234)).toBe('1.2 km')
    expect(formatDistance(9949)).toBe('9.9 km')
    expect(formatDistance(9960)).toBe('10 km')
    expect(formatDistance(12_600)).toBe('13 km')
  })
})
