/**
 * Timer triggers in the local stack, from cloudbaserc.json's `triggers`: CloudBase's seven-field
 * cron (second minute hour day month weekday year) with `*`, `*\/n`, `a-b` and lists. `npm start`
 * runs them; tests fire them by hand (`POST /dev/timer/<function>/<trigger>`), deterministically.
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

/** Fires matching timers once a second; returns a stop function. */
export function runTimers(
  timers: TimerSpec[],
  fire: (timer: TimerSpec, at: Date) => Promise<unknown>,
  now: () => number,
): () => void {
  let last = Math.floor(now() / 1000)
  const handle = setInterval(() => {
    const current = Math.floor(now() / 1000)
    for (let second = last + 1; second <= current; second++) {
      const at = new Date(second * 1000)
      for (const timer of timers) {
        if (cronMatches(timer.cron, at)) {
          fire(timer, at).catch((err) =>
            process.stderr.write(`[timer] ${timer.fn}/${timer.name}: ${(err as Error).message}\n`),
          )
        }
      }
    }
    last = current
  }, 1000)
  handle.unref()
  return () => clearInterval(handle)
}
