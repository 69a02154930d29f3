/** Display formatting shared by every page: numbers, money, phone numbers, times. */

const GROUPING = /\B(?=(\d{3})+(?!\d))/g

/** 12345 → "12,345". Points are whole numbers; anything else is truncated toward zero. */
export function formatPoints(points: number): string {
  const whole = Math.trunc(points)
  const sign = whole < 0 ? '-' : ''
  return sign + String(Math.abs(whole)).replace(GROUPING, ',')
}

/** Money travels as integer fen. 123456 → "¥1,234.56"; -500 → "-¥5.00". */
export function formatFen(fen: number): string {
  const whole = Math.round(fen)
  const sign = whole < 0 ? '-' : ''
  const abs = Math.abs(whole)
  const yuan = String(Math.floor(abs / 100)).replace(GROUPING, ',')
  const cents = String(abs % 100).padStart(2, '0')
  return `${sign}¥${yuan}.${cents}`
}

/** Largest amount a clerk can key in for one sale: ¥1,000,000.00. */
export const MAX_SALE_FEN = 100_000_000

/**
 * What a clerk types ("88", "88.5", "88.50", "¥1,088.00") → fen; 'format' when it is not a number
 * with at most two decimals, 'zero' for nothing to pay. Parsed as text, never through floating point.
 */
export function readYuan(input: string): number | 'format' | 'zero' {
  const text = input.trim().replace(/^¥/, '').replace(/,/g, '')
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text)
  if (match === null) return 'format'
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  return fen > 0 ? fen : 'zero'
}

/** A positive amount of at most MAX_SALE_FEN with at most two decimals → fen; else undefined. */
export function parseYuanToFen(input: string): number | undefined {
  const fen = readYuan(input)
  return typeof fen === 'number' && fen <= MAX_SALE_FEN ? fen : undefined
}

/** Mainland China mobile number, 11 digits starting 13–19. */
export function isMainlandMobile(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone.trim())
}

/** 13812345678 → "138****5678"; anything else is returned unchanged. */
export function maskPhone(phone: string): string {
  return isMainlandMobile(phone) ? `${phone.trim().slice(0, 3)}****${phone.trim().slice(7)}` : phone
}

/** Groups a member or pickup code for reading aloud at the counter: "123456789012" → "1234 5678 9012". */
export function groupCode(code: string): string {
  return code.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ')
}

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

/**
 * ISO time → "2026-03-05 14:07" in China time (UTC+8, no daylight saving), whatever the
 * phone's or test machine's own time zone; "" for an unreadable value.
 */
export function formatDateTime(iso: string): string {
  const millis = Date.parse(iso)
  if (Number.isNaN(millis)) return ''
  const china = new Date(millis + 8 * 3600_000)
  return (
    `${china.getUTCFullYear()}-${pad2(china.getUTCMonth() + 1)}-${pad2(china.getUTCDate())} ` +
    `${pad2(china.getUTCHours())}:${pad2(china.getUTCMinutes())}`
  )
}

/** Seconds → "14 分 56 秒" ("45 秒" under a minute): a countdown a person reads at a glance. */
export function formatTimeLeft(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds))
  const minutes = Math.floor(whole / 60)
  return minutes > 0 ? `${minutes} 分 ${pad2(whole % 60)} 秒` : `${whole} 秒`
}

/** A greeting for the home header by China-time hour. */
export function greeting(now: Date): string {
  const hour = (now.getUTCHours() + 8) % 24
  if (hour < 6) return '夜深了'
  if (hour < 11) return '早上好'
  if (hour < 14) return '中午好'
  if (hour < 18) return '下午好'
  return '晚上好'
}

export type Tier = 'standard' | 'silver' | 'gold'

export const TIER_LABELS: Record<Tier, string> = {
  standard: '普通会员',
  silver: '银卡会员',
  gold: '金卡会员',
}

/** "2026-03-05T06:07:00Z" → "2026-03-05" (China date). */
export function formatDate(iso: string): string {
  return formatDateTime(iso).slice(0, 10)
}

/** Metres → "850 m", "1.2 km", "12 km": what a store picker shows next to each store. */
/** One line for a postal address: province, city and district run together as Chinese addresses are written, then the street. */
export function formatPostalAddress(a: {
  province: string
  city: string
  district: string
  detail: string
}): string {
  // Municipalities repeat themselves (上海市 上海市): say it once.
  const city = a.city === a.province ? '' : a.city
  return `${a.province}${city}${a.district} ${a.detail}`
}

export function formatDistance(metres: number): string {
  const tens = Math.max(0, Math.round(metres / 10) * 10)
  if (tens < 1000) return `${tens} m`
  const tenthsOfKm = Math.round(metres / 100) / 10
  return tenthsOfKm < 10 ? `${tenthsOfKm.toFixed(1)} km` : `${Math.round(metres / 1000)} km`
}
