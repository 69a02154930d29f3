/**
 * WeChat's subscribe-message field rules, as the sandbox (standing for WeChat) applies them: a
 * field's type is its key's prefix (`thing1` → thing). Written from WeChat's documentation
 * (../../shared/PLATFORM.md, "Subscribe field rules by type"), independently of the project's own
 * validator in shared/campaigns/rules: this file plays WeChat, so it must not share our code.
 */
const HAN = /^\p{Script=Han}+$/u
const DATE = String.raw`(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})`
const CLOCK = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`
const TIME_ONE = new RegExp(String.raw`^(?:${DATE}\s?)?${CLOCK}$`)
const DATE_ONE = new RegExp(String.raw`^${DATE}(?:\s?${CLOCK})?$`)

const chars = (value: string) => [...value]

/** Each one side of an optional `~` range must match `one`. */
const range = (value: string, one: RegExp) => {
  const parts = value.split('~')
  return parts.length <= 2 && parts.every((p) => one.test(p.trim()))
}

const RULES: Record<string, (value: string) => boolean> = {
  thing: (v) => chars(v).length <= 20,
  number: (v) => v.length <= 32 && /^\d+(\.\d+)?$/.test(v),
  letter: (v) => /^[A-Za-z]{1,32}$/.test(v),
  symbol: (v) => chars(v).length <= 5 && /^[^\p{L}\p{N}\s]+$/u.test(v),
  character_string: (v) => /^[\x21-\x7e]{1,32}$/.test(v),
  time: (v) => range(v, TIME_ONE),
  date: (v) => range(v, DATE_ONE),
  amount: (v) => /^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$/.test(v),
  phone_number: (v) => /^[\d\p{P}\p{S}]{1,17}$/u.test(v),
  car_number: (v) => chars(v).length <= 8,
  name: (v) =>
    (HAN.test(v) && chars(v).length <= 10) ||
    (/^[A-Za-z][A-Za-z ]*$/.test(v) && v.length <= 20) ||
    (/^[\p{Script=Han}A-Za-z ]+$/u.test(v) && chars(v).length <= 10),
  phrase: (v) => HAN.test(v) && chars(v).length <= 5,
}

/** The type of a template key: `thing1` → `thing`, `character_string12` → `character_string`. */
export function fieldType(key: string): string {
  return key.replace(/\d+$/, '')
}

/** Whether WeChat accepts `value` for template key `key` (false answers errcode 47003). */
export function wechatAcceptsField(key: string, value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0) return false
  // No control characters or line breaks in any type.
  if (/\p{Cc}/u.test(value)) return false
  const rule = RULES[fieldType(key)]
  return rule ? rule(value) : chars(value).length <= 20
}
