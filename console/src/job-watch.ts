/**
 * What the 任务 page and the job notice (job-notice.tsx) both do with a running job: step it while
 * they are on screen (the server's timer steps it otherwise), and fetch the file it made.
 */
import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiFailure, callAdmin, downloadCsv, downloadUrl, type AdminResult } from './api'
import { adminKey, useAdminMutation, useAdminWrite } from './use-admin'

type JobRow = Pick<AdminResult<'listJobs'>['items'][number], 'jobId' | 'finishedAt' | 'actions'>

/** Pause before a step, so a poll and a step never crowd one another. */
const STEP_PAUSE_MS = 200

/** While the 任务 page is open it steps every running job; a notice then only watches. */
let jobsPagesOpen = 0
export function useJobsPageSteps(): void {
  useEffect(() => {
    jobsPagesOpen++
    return () => {
      jobsPagesOpen--
    }
  }, [])
}
export const jobsPageSteps = () => jobsPagesOpen > 0

/**
 * What a list answer or a step says of a job is what a notice's `jobProgress` would say: it is
 * put there, so a notice learns at once that a job has ended (and stops asking, and stepping).
 */
export function useShareJobViews() {
  const client = useQueryClient()
  return useCallback(
    (jobs: readonly AdminResult<'jobProgress'>[]) => {
      for (const job of jobs)
        client.setQueryData(adminKey('jobProgress', { jobId: job.jobId }), job)
    },
    [client],
  )
}

/**
 * The server offers step to those who may advance a job (HQ admins): each answer with a steppable
 * job schedules one step of each, and the step marks the reads stale, whose next answer schedules
 * the next, until none is left to step. One round at a time: an answer arriving while a step runs
 * starts nothing (a second step would only meet the job's lease). Answers the last step's refusal.
 */
export function useJobStepping(
  jobs: readonly JobRow[] | undefined,
  answeredAt: number,
): string | null {
  const write = useAdminWrite()
  const share = useShareJobViews()
  const [stepError, setStepError] = useState<string | null>(null)
  const steppable = (jobs ?? [])
    .filter((j) => j.finishedAt === null && j.actions.includes('step'))
    .map((j) => j.jobId)
    .join(',')
  const stepping = useRef(false)
  const [rounds, setRounds] = useState(0)
  useEffect(() => {
    if (!steppable || stepping.current) return
    const timer = setTimeout(async () => {
      stepping.current = true
      try {
        share(await Promise.all(steppable.split(',').map((jobId) => write('jobStep', { jobId }))))
        setStepError(null)
      } catch (err) {
        setStepError(err instanceof ApiFailure ? err.message : String(err))
      } finally {
        stepping.current = false
        setRounds((n) => n + 1)
      }
    }, STEP_PAUSE_MS)
    return () => clearTimeout(timer)
  }, [steppable, answeredAt, rounds, write, share])
  return stepError
}

/** A data export's file, its parts fetched in order and joined (each part is a batch of rows). */
async function downloadParts(jobId: string, file: { filename: string; parts: number }) {
  let csv = ''
  for (let part = 0; part < file.parts; part++)
    csv += (await callAdmin('jobFile', { jobId, part })).csv
  downloadCsv(csv, file.filename)
}

/**
 * Downloads what a finished job made. `job` (audited: it hands out the file) answers a ZIP's
 * address in storage (posters; an import's invites with their posters), an inline list, or a data
 * export's part count, whose parts are joined here. Answers a refusal to show, or null.
 */
export function useJobDownload() {
  const mutate = useAdminMutation()
  return async (jobId: string): Promise<string | null> => {
    const full = await mutate('job', { jobId })
    if (full?.file?.url) downloadUrl(full.file.url, full.file.filename)
    else if (full?.output) downloadCsv(full.output.csv, full.output.filename)
    else if (full?.file?.parts)
      return downloadParts(jobId, { filename: full.file.filename, parts: full.file.parts }).then(
        () => null,
        (err: unknown) => (err instanceof ApiFailure ? err.message : '下载失败，请重试'),
      )
    return null
  }
}
