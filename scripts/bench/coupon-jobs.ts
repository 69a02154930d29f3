/**
 * HQ's coupon issue job (`admin.createCouponIssueJob`, kind `issueCouponsCsv`) through a fresh
 * local stack: 5,000 seeded members in one CSV of member numbers.
 *
 *  - couponJobs.create: the job's creation (the file parsed and every member looked up);
 *  - couponJobs.step: console steps of 50 rows each: latency and database round trips (from the
 *    function log line);
 *  - couponJobs.timer: the `stepJobs` timer runs that finish the rest: rows issued per second,
 *    and whether any member got two coupons.
 */
import { performance } from 'node:perf_hooks'
import { startTestStack } from '../../tests/support/local-stack'
import { benchMember, insertMany } from './seed-bulk'

const round = (n: number, digits = 1) => Number(n.toFixed(digits))

export async function benchCouponJobs(options: { members?: number } = {}): Promise<object[]> {
  const total = options.members ?? 5_000
  // The function log line carries each invocation's round trips: read it as it is written.
  process.env.FUNCTION_LOG = 'on'
  const logLines: Record<string, unknown>[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    if (text.startsWith('{"fn":')) {
      for (const line of text.split('\n').filter(Boolean))
        logLines.push(JSON.parse(line) as Record<string, unknown>)
      return true
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest)
  }) as typeof process.stdout.write
  const stack = await startTestStack({ seed: false })
  const rows: object[] = []
  try {
    const now = new Date()
    await insertMany(stack, 'members', total, (i) => benchMember(i, now))
    const template = await stack.admin({
      action: 'createCouponTemplate',
      name: 'bench',
      kind: 'amountOff',
      valueFen: 1_000,
      minSpendFen: 0,
      channels: ['online'],
      validDays: 30,
      perMemberLimit: 1,
    })
    const templateId = template.body.data.templateId as string
    const csv = `会员号\n${Array.from({ length: total }, (_, i) => String(600_000_000 + i)).join('\n')}\n`
    const t0 = performance.now()
    const created = await stack.admin({
      action: 'createCouponIssueJob',
      templateId,
      title: 'bench.csv',
      csv,
    })
    const jobId = created.body.data.jobId as string
    rows.push({
      bench: 'couponJobs.create',
      rows: total,
      ms: round(performance.now() - t0),
      dbRoundTrips: logLines.find((l) => l.action === 'createCouponIssueJob')?.dbRoundTrips,
    })

    const steps: { ms: number; dbRoundTrips: unknown }[] = []
    for (let i = 0; i < 5; i++) {
      const s0 = performance.now()
      await stack.admin({ action: 'jobStep', jobId })
      steps.push({
        ms: performance.now() - s0,
        dbRoundTrips: logLines.filter((l) => l.action === 'jobStep').at(-1)?.dbRoundTrips,
      })
    }
    const sorted = steps.map((s) => s.ms).sort((a, b) => a - b)
    rows.push({
      bench: 'couponJobs.step',
      rowsPerStep: 50,
      medianMs: round(sorted[2]!),
      maxMs: round(sorted[4]!),
      dbRoundTrips: steps.map((s) => s.dbRoundTrips),
    })

    const t1 = performance.now()
    let runs = 0
    let job: { status: string; done: number; created: number } = {
      status: 'running',
      done: 0,
      created: 0,
    }
    while (job.status === 'running' && runs < 100) {
      await stack.runJob('stepJobs')
      runs++
      job = ((await stack.db.collection('jobs').doc(jobId).get()) as { data: (typeof job)[] })
        .data[0]!
    }
    const seconds = (performance.now() - t1) / 1000
    const issued = (await stack.admin({ action: 'couponTemplateStats', templateId })).body.data
      .issued as number
    rows.push({
      bench: 'couponJobs.timer',
      rows: total - 250,
      timerRuns: runs,
      finished: job.status === 'succeeded',
      seconds: round(seconds),
      rowsPerSecond: round((total - 250) / seconds),
      issued,
      jobIssued: job.created,
    })
  } finally {
    await stack.stop()
    process.stdout.write = write
  }
  return rows
}
