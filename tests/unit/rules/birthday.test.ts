import { isBirthday } from '../../../shared/membership/rules/birthday'

describe('birthday (MM-DD)', () => {
  test('days that exist in some year, 29 February included', () => {
    for (const day of ['01-01', '02-29', '04-30', '12-31']) expect(isBirthday(day)).toBe(true)
  })
  test('days no year has, and other shapes', () => {
    for (const day of [
      '02-30',
      '04-31',
      '13-01',
      '00-10',
      '03-00',
      '3-15',
      '2000-03-15',
      '03/15',
      '',
    ])
      expect(isBirthday(day)).toBe(false)
  })
})
