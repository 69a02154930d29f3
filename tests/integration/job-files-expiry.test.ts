/**
 * Files of finished jobs are deleted after HQ's retention days (issue #18): an export's parts, a
 * store's poster ZIP and the posters drawn for it leave storage and the database exactly once, by
 * the `expireJobFiles` job of the one jobs timer, even when two runs overlap; the retention is a
 * setting HQ's admins change in the console (`setJobFileRetention`, 1–365 whole days, audited);
 * afterwards the job list says the file expired and offers no dead link. And `jobProgress`, what
 * the console's notice polls while a job runs, answers one job's progress without an audit entry.
 */
import { COLLECTIONS } from '../../shared/collections'
import { DEFAULT_JOB_FILE_RETENTION_DAYS } from '../../shared/flows/hq-jobs'
import { startConsoleStack, type ConsoleTestStack } from '../support/console-stack'

jest.setTimeout(180_000)

const DAY = 86_400_000
let setup: ConsoleTestStack
let exportJob: string
let posterJob: string
let zipUrl: string
let partUrl: string

const expire = async () => {
  const res = (await setup.stack.runJob('expireJobFiles')) as {
    ok: boolean
    data: { retentionDays: number; expired: number; purged: number }
  }
  expect(res.ok).toBe(true)
  return res.data
}
const status = async (url: string) => (await fetch(url)).status
const partsOf = (jobId: string) => setup.count(COLLECTIONS.jobFileParts.name, { jobId })
/**
 * As HQ's admin sets it in the console: today (a console session does not last the days the clock
 * is moved on), then back to the day the test is at.
 */
const setRetention = async (retentionDays: number, thenOffsetMs: number) => {
  setup.stack.setClockOffset(0)
  const res = await setup.stack.admin({ action: 'setJobFileRetention', retentionDays })
  setup.stack.setClockOffset(thenOffsetMs)
  expect(res.body).toEqual({ ok: true, data: { retentionDays } })
}
const audited = (action: string) => setup.count(COLLECTIONS.auditLog.name, { action })

beforeAll(async () => {
  setup = await startConsoleStack()
  const { stack } = setup
  const exported = await stack.admin({ action: 'createDataExport', kind: 'exportMembers' })
  expect(exported.status).toBe(200)
  exportJob = exported.body.data.jobId
  expect((await setup.runJob(exportJob)).status).toBe('succeeded')
  const posters = await stack.admin({ action: 'createPosterJob', storeId: setup.storeIds.SH001 })
  expect(posters.status).toBe(200)
  posterJob = posters.body.data.jobId
  const done = await setup.runJob(posterJob)
  expect(done.status).toBe('succeeded')
  zipUrl = done.file.url
  partUrl = `${stack.url}/files/jobs/${posterJob}/parts/0.png`
})
afterAll(() => setup.stack.stop())

it('the retention is 1–365 whole days, set by admins only, read by every HQ role', async () => {
  const { stack, analystToken } = setup
  expect((await stack.admin({ action: 'jobFileRetention' })).body.data).toEqual({
    retentionDays: DEFAULT_JOB_FILE_RETENTION_DAYS,
  })
  for (const [retentionDays, message] of [
    [0, '文件保留天数不能小于 1'],
    [366, '文件保留天数不能大于 365'],
    [1.5, '文件保留天数必须是整数'],
  ] as const) {
    const refused = await stack.admin({ action: 'setJobFileRetention', retentionDays })
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatchObject({ message, field: 'retentionDays' })
  }
  const byAnalyst = await stack.admin(
    { action: 'setJobFileRetention', retentionDays: 30 },
    analystToken,
  )
  expect(byAnalyst.status).toBe(403)
  // Nothing was saved; the analyst reads what is (the jobs page says it to every role).
  expect((await stack.admin({ action: 'jobFileRetention' }, analystToken)).body.data).toEqual({
    retentionDays: DEFAULT_JOB_FILE_RETENTION_DAYS,
  })
})

it('keeps every file within the retention days, and the setting lengthens them', async () => {
  expect(DEFAULT_JOB_FILE_RETENTION_DAYS).toBe(7)
  expect(await partsOf(exportJob)).toBeGreaterThan(0)
  expect(await status(zipUrl)).toBe(200)
  expect(await status(partUrl)).toBe(200)
  setup.stack.setClockOffset(6 * DAY)
  expect(await expire()).toMatchObject({ retentionDays: 7, expired: 0 })
  const auditedBefore = await audited('setJobFileRetention')
  await setRetention(10, 8 * DAY)
  expect(await audited('setJobFileRetention')).toBe(auditedBefore + 1)
  expect(await expire()).toMatchObject({ retentionDays: 10, expired: 0 })
  expect(await partsOf(exportJob)).toBeGreaterThan(0)
  expect(await status(zipUrl)).toBe(200)
})

it('past them, two runs at once delete each job’s files exactly once', async () => {
  await setRetention(7, 8 * DAY)
  const finished = await setup.count(COLLECTIONS.jobs.name, {
    status: setup.stack.db.command.in(['succeeded', 'failed']),
  })
  const [a, b] = await Promise.all([expire(), expire()])
  expect(a.expired + b.expired).toBe(finished)
  expect(await partsOf(exportJob)).toBe(0)
  expect(await status(zipUrl)).toBe(404)
  expect(await status(partUrl)).toBe(404)
  for (const jobId of [exportJob, posterJob]) {
    const stored = await setup.jobDoc(jobId)
    expect(stored.filesExpiredAt).toBeInstanceOf(Date)
    expect(stored.filesPurgedAt).toBeInstanceOf(Date)
  }
  // Nothing is left to do: a later run expires nothing.
  expect((await expire()).expired).toBe(0)
  // Back to today (the console's session would have ended eight days on).
  setup.stack.setClockOffset(0)
})

it('the job list says the file expired and offers no download; the file answers why', async () => {
  const list = await setup.stack.admin({ action: 'listJobs', page: 1, pageSize: 50 })
  for (const jobId of [exportJob, posterJob]) {
    const row = list.body.data.items.find((j: { jobId: string }) => j.jobId === jobId)
    expect(row).toMatchObject({
      status: 'succeeded',
      hasOutput: false,
      actions: [],
      fileExpiredLabel: '文件已过保留期，已删除',
    })
  }
  const detail = await setup.stack.admin({ action: 'job', jobId: posterJob })
  expect(detail.body.data.file).toBeNull()
  const part = await setup.stack.admin({ action: 'jobFile', jobId: exportJob, part: 0 })
  expect(part.status).toBe(404)
  expect(part.body.error.message).toBe('文件已过保留期，已删除：请重新导出')
})

it('a fresh export keeps its link', async () => {
  const fresh = await setup.stack.admin({ action: 'createDataExport', kind: 'exportOrders' })
  const done = await setup.runJob(fresh.body.data.jobId)
  expect(done).toMatchObject({ hasOutput: true, actions: ['download'], fileExpiredLabel: null })
  expect((await expire()).expired).toBe(0)
})

it('jobProgress answers one job as the list shows it, polled without an audit entry', async () => {
  const { stack } = setup
  const started = await stack.admin({ action: 'createDataExport', kind: 'exportMembers' })
  const jobId = started.body.data.jobId as string
  const [jobAudits, progressAudits] = [await audited('job'), await audited('jobProgress')]
  const running = await stack.admin({ action: 'jobProgress', jobId })
  expect(running.body.data).toMatchObject({ jobId, kind: 'exportMembers', status: 'running' })
  expect(running.body.data.actions).toContain('step')
  await setup.runJob(jobId)
  for (let poll = 0; poll < 3; poll++) {
    const done = await stack.admin({ action: 'jobProgress', jobId })
    expect(done.body.data).toMatchObject({
      status: 'succeeded',
      statusLabel: '已完成',
      hasOutput: true,
      actions: ['download'],
    })
    // Progress, never the file: that is `job`'s, which is audited.
    expect(done.body.data).not.toHaveProperty('file')
  }
  expect(await audited('jobProgress')).toBe(progressAudits)
  // setup.runJob read the job once through `job`: one audit entry, for the one download-ready read.
  expect(await audited('job')).toBe(jobAudits + 1)
  const missing = await stack.admin({ action: 'jobProgress', jobId: 'job_nothing_here' })
  expect(missing.status).toBe(404)
  expect(missing.body.error.message).toBe('任务不存在')
})
