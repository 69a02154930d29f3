/**
 * Timer triggers in the local stack, from cloudbaserc.json's `triggers`: CloudBase's seven-field
 * cron (second minute hour day month weekday year) with `*`, `*\/n`, `a-b` and lists. `npm start`
 * runs them; tests fire them by hand (`POST /dev/timer/<function>/<trigger>`, `POST /dev/jobs/<job>`),
 * deterministically.
 */
export interface TimerSpec {
  fn: string
  name: string
  cron: string
}

function fieldMatches(field: string, value: number): boolean {
  return field.split(',').some((part) => {
    if (part === '*') return true
    const step = /^(\*|\d+(?:-\d+)?)\/(\d+)$/.exec(part)
    if (step) {
      const [from, to] =
        step[1] === '*' ? [0, Number.MAX_SAFE_INTEGER] : step[1]!.split('-').map(Number)
      return (
        value >= from! &&
        value <= (to ?? Number.MAX_SAFE_INTEGER) &&
        (value - from!) % Number(step[2]) === 0
      )
    }
    const range = /^(\d+)-(\d+)$/.exec(part)
    if (range) return value >= Number(range[1]) && value <= Number(range[2])
    return Number(part) === value
  })
}

/** Whether a CloudBase cron expression fires at `at` (evaluated in Asia/Shanghai, as CloudBase does). */
export function cronMatches(cron: string, at: Date): boolean {
  const fields = cron.trim().split(/\s+/)
  if (fields.length !== 7) throw new Error(`cron needs 7 fields: ${cron}`)
  const local = new Date(at.getTime() + 8 * 3_600_000)
  const values = [
    local.getUTCSeconds(),
    local.getUTCMinutes(),
    local.getUTCHours(),
    local.getUTCDate(),
    local.getUTCMonth() + 1,
    local.getUTCDay(),
    local.getUTCFullYear(),
  ]
  return fields.every((field, i) => fieldMatches(field, values[i]!))
}

/**
 * Whether `cron` fires at some second in (fromSec, toSec]. Scans forward and stops at the first
 * match, so an every-minute cron costs at most 60 steps however far the clock jumped.
 */
export function firesBetween(cron: string, fromSec: number, toSec: number): boolean {
  for (let second = fromSec + 1; second <= toSec; second++)
    if (cronMatches(cron, new Date(second * 1000))) return true
  return false
}

/**
 * Fires due timers once a second; returns a stop function. A timer due at any second since the
 * last check fires once: when the clock jumps forward (POST /dev/clock), each due timer runs
 * once, as a trigger that missed its ticks would, not once per missed second.
 */
export function runTimers(
  timers: TimerSpec[],
  fire: (timer: TimerSpec, at: Date) => Promise<unknown>,
  now: () => number,
): () => void {
  let last = Math.floor(now() / 1000)
  const handle = setInterval(() => {
    const current = Math.floor(now() / 1000)
    if (current <= last) return
    const at = new Date(current * 1000)
    for (const timer of timers) {
      if (firesBetween(timer.cron, last, current)) {
        fire(timer, at).catch((err) =>
          process.stderr.write(`[timer] ${timer.fn}/${timer.name}: ${(err as Error).message}\n`),
        )
      }
    }
    last = current
  }, 1000)
  handle.unref()
  return () => clearInterval(handle)
}
