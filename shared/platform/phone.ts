/** Mainland China mobile numbers: how they are checked, normalised and shown to staff. */

const MOBILE = /^1[3-9]\d{9}$/

/** Accepts "138 0013 8000", "+86 13800138000", "86-138-0013-8000"; returns 11 digits or null. */
export function normalisePhone(input: string): string | null {
  let digits = input.replace(/[\s-]/g, '')
  if (digits.startsWith('+86')) digits = digits.slice(3)
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2)
  return MOBILE.test(digits) ? digits : null
}

/** What a clerk sees unless the member shared the number in chat: 138****8000. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '****'
}
