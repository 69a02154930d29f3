/**
 * Scheduled work. CloudBase (and the WeChat IDE) allow one trigger per function, so all of it
 * lives in the `jobs` function behind one every-minute timer; on each tick this runner decides
 * which jobs are due by their own schedule and runs each of those once.
 *
 * - The schedule table is code (cloudfunctions/jobs): a name, a schedule, a time budget, a run.
 * - Each job's last slot is kept in `jobRuns` (one document per job, `_id` = the job's name). A
 *   job is due when its latest slot at or before now is later than the slot it last ran for; it
 *   is claimed with a conditional update (slot < this slot), so two overlapping ticks never run
 *   the same job for the same slot, and after a clock jump a due job runs once, not once per
 *   missed slot.
 * - Due jobs run side by side, each bounded by its budget; a failure or an overrun is logged and
 *   recorded on the job's document and never stops the others. Every job is idempotent and
 *   resumable (bounded batches), so an overrun's remaining work is simply picked up next time.
 */
import { AppError } from '../platform/errors'
import { HQ_COLLECTIONS } from './collections'
import type { JobRunDoc } from './documents'
import { database } from '../platform/runtime/cloudbase'
import type { InvocationContext } from '../platform/runtime/define-function'
import { collection } from '../platform/db/collection'

/** Every `everyMinutes` minutes (slots aligned to the epoch), or once a day at `dailyAt` (Asia/Shanghai, `HH:MM`). */
export type JobSchedule = { everyMinutes: number } | { dailyAt: string }

export interface ScheduledJob {
  name: string
  schedule: JobSchedule
  /** How long one run may take before the tick stops waiting for it (ms). */
  budgetMs: number
  run(ctx: InvocationContext): Promise<unknown>
}

export type { JobRunDoc }

const MINUTE = 60_000
const DAY = 86_400_000
const SHANGHAI = 8 * 3_600_000

/** The latest instant at or before `nowMs` at which `schedule` fires. */
export function latestSlot(schedule: JobSchedule, nowMs: number): number {
  if ('everyMinutes' in schedule) {
    const every = schedule.everyMinutes * MINUTE
    return Math.floor(nowMs / every) * every
  }
  const match = /^(\d{2}):(\d{2})$/.exec(schedule.dailyAt)
  if (!match) throw new Error(`dailyAt must be HH:MM: ${schedule.dailyAt}`)
  const offset = (Number(match[1]) * 60 + Number(match[2])) * MINUTE
  const localDayStart = Math.floor((nowMs + SHANGHAI) / DAY) * DAY - SHANGHAI
  const today = localDayStart + offset
  return today <= nowMs ? today : today - DAY
}

export function checkSchedule(jobs: readonly ScheduledJob[]): void {
  const names = new Set<string>()
  for (const job of jobs) {
    if (names.has(job.name)) throw new Error(`job ${job.name} is declared twice`)
    names.add(job.name)
    latestSlot(job.schedule, 0)
    if ('everyMinutes' in job.schedule && !(job.schedule.everyMinutes >= 1))
      throw new Error(`job ${job.name}: everyMinutes must be at least 1`)
  }
}

const runsColl = () => collection(HQ_COLLECTIONS.jobRuns)

/** Takes `job`'s slot; false when it already ran for it (or another tick just took it). */
async function claim(job: ScheduledJob, slotMs: number, known: JobRunDoc | undefined, now: Date) {
  const _ = database().command
  if (known) {
    if (known.slotMs >= slotMs) return false
    return runsColl().updateIf(
      { _id: job.name, slotMs: _.lt(slotMs) },
      { slotMs, startedAt: now, outcome: 'running', runs: _.inc(1) },
    )
  }
  // The job's first run ever: of two ticks at once, the one whose insert lands claims it.
  const first = await runsColl().insertOnce({
    _id: job.name,
    slotMs,
    runs: 1,
    startedAt: now,
    outcome: 'running',
  })
  return first.inserted
}

type Outcome =
  | { outcome: 'ok'; result: unknown; durationMs: number }
  | { outcome: 'failed'; error: unknown; durationMs: number }
  | { outcome: 'timeout'; durationMs: number }

async function runBounded(job: ScheduledJob, ctx: InvocationContext): Promise<Outcome> {
  const started = Date.now()
  let timer: NodeJS.Timeout | undefined
  const overrun = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), job.budgetMs)
  })
  try {
    const result = await Promise.race([job.run({ ...ctx, action: job.name }), overrun])
    const durationMs = Date.now() - started
    return result === 'timeout'
      ? { outcome: 'timeout', durationMs }
      : { outcome: 'ok', result, durationMs }
  } catch (error) {
    return { outcome: 'failed', error, durationMs: Date.now() - started }
  } finally {
    clearTimeout(timer)
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

export interface TickResult {
  ran: { job: string; outcome: Outcome['outcome']; durationMs: number }[]
  notDue: string[]
}

/** The every-minute trigger: runs each due job once, side by side, each within its budget. */
export async function runDueJobs(
  ctx: InvocationContext,
  jobs: readonly ScheduledJob[],
): Promise<TickResult> {
  // Only the timer gets here: the jobs function's policy is `timer` (shared/platform/runtime/policy.ts).
  ctx.caller.role = 'system'
  const now = ctx.clock.now()
  const known = new Map((await runsColl().find({}, { limit: 1000 })).map((d) => [d._id, d]))
  const notDue: string[] = []
  const ran = await Promise.all(
    jobs.map(async (job) => {
      const slotMs = latestSlot(job.schedule, now.getTime())
      if (!(await claim(job, slotMs, known.get(job.name), now))) {
        notDue.push(job.name)
        return null
      }
      const done = await runBounded(job, ctx)
      const record: Record<string, unknown> = {
        outcome: done.outcome,
        finishedAt: ctx.clock.now(),
        durationMs: done.durationMs,
        error: done.outcome === 'failed' ? describe(done.error).slice(0, 2000) : '',
      }
      if (done.outcome !== 'ok') {
        const line = {
          fn: ctx.fn,
          job: job.name,
          requestId: ctx.requestId,
          outcome: done.outcome,
          durationMs: done.durationMs,
          ...(done.outcome === 'failed' ? { error: describe(done.error) } : {}),
        }
        if (process.env.FUNCTION_LOG !== 'off') process.stderr.write(`${JSON.stringify(line)}\n`)
      }
      // Only this tick's claim is overwritten: a later slot's run keeps its own record.
      await runsColl()
        .updateWhere({ _id: job.name, slotMs }, record)
        .catch((err: unknown) =>
          process.stderr.write(`[jobs] ${job.name}: recording the run failed: ${describe(err)}\n`),
        )
      return { job: job.name, outcome: done.outcome, durationMs: done.durationMs }
    }),
  )
  return { ran: ran.filter((r) => r !== null), notDue: notDue.sort() }
}

/**
 * One job now, whatever its schedule (the local stack's `POST /dev/jobs/<job>`, which fires the
 * trigger with the job's name as its message): answers the job's own result, or its error.
 */
export async function runJobNow(
  ctx: InvocationContext,
  jobs: readonly ScheduledJob[],
  name: string,
): Promise<unknown> {
  // Only the timer gets here: the jobs function's policy is `timer` (shared/platform/runtime/policy.ts).
  ctx.caller.role = 'system'
  const job = jobs.find((j) => j.name === name)
  if (!job)
    throw new AppError(
      'NOT_FOUND',
      `no scheduled job "${name}" (known: ${jobs.map((j) => j.name).join(', ')})`,
    )
  return job.run({ ...ctx, action: job.name })
}
