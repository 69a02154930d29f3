/** A member's birthday as stored: 'MM-DD' (no year: offers need the day, not the age). */
const BIRTHDAY_PATTERN = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** Whether 'MM-DD' is a day some year has (29 February included: members born then exist). */
export function isBirthday(value: string): boolean {
  if (!BIRTHDAY_PATTERN.test(value)) return false
  const [month, day] = value.split('-').map(Number) as [number, number]
  return day <= DAYS_IN_MONTH[month - 1]!
}

/** Days a birthday month can have (1-12): February 29, since members born on it exist. */
export function birthdayDaysIn(month: number): number {
  return DAYS_IN_MONTH[month - 1] ?? 31
}
