/**
 * Times as the stores count them: every instant is shown in Asia/Shanghai (UTC+8, no daylight
 * saving), whatever zone the browser is in. `shanghai(iso)` is a dayjs whose wall clock is
 * Shanghai's, for `.format()` only; dates the operator picks (YYYY-MM-DD) stay plain strings.
 */
import dayjs, { type Dayjs } from 'dayjs'
import utc from 'dayjs/plugin/utc'
import { SHANGHAI_OFFSET_MS, shanghaiDay, shanghaiMonth } from '../../shared/platform/calendar'

dayjs.extend(utc)

/** The instant in Shanghai's wall clock (a UTC dayjs shifted by +8 h: no Intl time zone data needed). */
export function shanghai(at: string | Date): Dayjs {
  return dayjs.utc(new Date(at).getTime() + SHANGHAI_OFFSET_MS)
}

/** Today in Shanghai as a date-only picker value (the browser's midnight of that date). */
export function shanghaiToday(): Dayjs {
  return dayjs(shanghaiDay(new Date()))
}

/** This month in Shanghai, `2026-12`. */
export function shanghaiThisMonth(): string {
  return shanghaiMonth(new Date())
}

/**
 * A wall-clock time the operator picked (a DatePicker with showTime, whatever the browser's
 * zone) read as Shanghai time: `2026-12-12 10:00` → `2026-12-12T10:00:00+08:00`.
 */
export function pickedShanghaiTime(picked: Dayjs): string {
  return `${picked.format('YYYY-MM-DDTHH:mm:ss')}+08:00`
}
