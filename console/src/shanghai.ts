/** Times as the stores live them: Asia/Shanghai (UTC+8, no daylight saving), whatever the browser's zone. */
const OFFSET_MS = 8 * 3_600_000

export function shanghaiMinute(iso: string | null | undefined): string {
  if (!iso) return ''
  return new Date(Date.parse(iso) + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

export function shanghaiDay(iso: string | null | undefined): string {
  return shanghaiMinute(iso).slice(0, 10)
}
