/**
 * Our own check of subscribe-message field values against WeChat's per-type rules
 * (shared/PLATFORM.md, "Subscribe field rules by type"), so that a campaign whose text WeChat
 * would refuse (errcode 47003 at every recipient) is refused when it is created instead. Pure.
 */
export const SUBSCRIBE_FIELD_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const
export type SubscribeFieldType = (typeof SUBSCRIBE_FIELD_TYPES)[number]

const length = (value: string) => Array.from(value).length
const han = (value: string) => /^\p{Script=Han}+$/u.test(value)
const ymd = String.raw`(\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})`
const hm = String.raw`(([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?)`
const oneTime = new RegExp(String.raw`^(${ymd}\s?)?${hm}$`)
const oneDate = new RegExp(String.raw`^${ymd}(\s?${hm})?$`)
const eachSide = (value: string, one: RegExp) => {
  const sides = value.split('~').map((s) => s.trim())
  return sides.length <= 2 && sides.every((s) => one.test(s))
}

/** What each type allows, in the words HQ sees; `null` from a check means the value is fine. */
const CHECKS: Record<SubscribeFieldType, (v: string) => string | null> = {
  thing: (v) => (length(v) <= 20 ? null : '最多 20 个字'),
  number: (v) => (/^\d+(\.\d+)?$/.test(v) && v.length <= 32 ? null : '只能是数字（最多 32 位）'),
  letter: (v) => (/^[A-Za-z]{1,32}$/.test(v) ? null : '只能是字母（最多 32 个）'),
  symbol: (v) => (/^[^\p{L}\p{N}\s]{1,5}$/u.test(v) ? null : '只能是符号（最多 5 个）'),
  character_string: (v) =>
    /^[\x21-\x7e]{1,32}$/.test(v) ? null : '只能是数字、字母或符号（最多 32 个）',
  time: (v) => (eachSide(v, oneTime) ? null : '时间格式如 15:01 或 2026年10月1日 15:01'),
  date: (v) => (eachSide(v, oneDate) ? null : '日期格式如 2026年10月1日 或 2026-10-01'),
  amount: (v) => (/^[¥￥$]?\d{1,10}(\.\d{1,2})?元?$/.test(v) ? null : '金额格式如 ¥100 或 99.5元'),
  phone_number: (v) => (/^[\d+\-() ]{1,17}$/.test(v) ? null : '电话号码最多 17 位数字或符号'),
  car_number: (v) => (length(v) <= 8 ? null : '车牌号最多 8 个字'),
  name: (v) =>
    (han(v) && length(v) <= 10) || (/^[A-Za-z ]{1,20}$/.test(v) && /[A-Za-z]/.test(v))
      ? null
      : '姓名最多 10 个汉字或 20 个字母',
  phrase: (v) => (han(v) && length(v) <= 5 ? null : '只能是 5 个以内的汉字'),
}

/** Why `value` breaks its type's rule (Chinese), or null when WeChat would accept it. */
export function subscribeFieldProblem(type: SubscribeFieldType, value: string): string | null {
  if (value.length === 0) return '不能为空'
  if (/\p{Cc}/u.test(value)) return '不能包含换行或控制字符'
  return CHECKS[type](value)
}
