/**
 * A job started from any page (an export, a poster ZIP, a settlement file) is followed in a notice
 * at the page's corner: its live progress, then 下载 when its file is ready, and a link to 任务.
 * The operator stays where they were; nothing blocks the page.
 *
 * The notice asks `jobProgress`, which reads the list's fields of one job and is not audited, so
 * polling it leaves no trace in the audit log (`job`, which hands out the file, is audited once per
 * download). It polls only while the job runs and steps it as the 任务 page does (job-watch.ts).
 */
import { Button, notification, Progress, Space, Typography } from 'antd'
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react'
import { Link } from 'react-router-dom'
import type { AdminResult } from './api'
import { jobsPageSteps, useJobDownload, useJobStepping } from './job-watch'
import { useAdminQuery, useJobsEndedInvalidation } from './use-admin'

type StartedJob = Pick<AdminResult<'listJobs'>['items'][number], 'jobId' | 'title'>

const WATCH_PAUSE_MS = 1000

const JobNoticeContext = createContext<(job: StartedJob, started: string) => void>(() => {})

/** Shows a notice that follows `job`; `started` is its first line (`已开始导出会员`). */
export const useJobNotice = () => useContext(JobNoticeContext)

/**
 * Holds the notices inside the signed-in console (under its router, query cache and session),
 * so a notice's link and reads work wherever the operator goes next.
 */
export function JobNoticeProvider({ children }: { children: ReactNode }) {
  const [api, holder] = notification.useNotification({ placement: 'bottomRight' })
  const show = useCallback(
    (job: StartedJob, started: string) =>
      api.open({
        key: `job-${job.jobId}`,
        className: 'job-notice',
        title: started,
        description: (
          <JobNoticeBody jobId={job.jobId} close={() => api.destroy(`job-${job.jobId}`)} />
        ),
        // It stays until closed: a long export may take minutes, and its 下载 is here.
        duration: 0,
      }),
    [api],
  )
  return (
    <JobNoticeContext.Provider value={show}>
      {holder}
      {children}
    </JobNoticeContext.Provider>
  )
}

function JobNoticeBody({ jobId, close }: { jobId: string; close: () => void }) {
  const progress = useAdminQuery(
    'jobProgress',
    { jobId },
    { refetchInterval: (d) => (d && d.finishedAt === null ? WATCH_PAUSE_MS : false) },
  )
  const job = progress.data
  const seen = job ? [job] : undefined
  useJobsEndedInvalidation(seen)
  // Stepped from here unless the 任务 page is open, which steps it (and shares its answers).
  const stepError = useJobStepping(jobsPageSteps() ? undefined : seen, progress.updatedAt)
  const downloadJob = useJobDownload()
  const [downloadError, setDownloadError] = useState<string | null>(null)
  const error = downloadError ?? stepError ?? progress.error
  const percent = !job
    ? 0
    : job.total === 0
      ? job.finishedAt
        ? 100
        : 0
      : Math.floor((job.done / job.total) * 100)
  return (
    <div className="job-notice-body" data-job-id={jobId}>
      <Typography.Text>{job?.title ?? '…'}</Typography.Text>
      <Progress
        percent={percent}
        size="small"
        status={
          job?.status === 'failed'
            ? 'exception'
            : job?.status === 'succeeded'
              ? 'success'
              : 'active'
        }
      />
      <div>
        <Typography.Text type="secondary" className="job-notice-status">
          {job ? `${job.statusLabel}，${job.done} / ${job.total}` : '正在读取进度…'}
        </Typography.Text>
      </div>
      {error && (
        <div>
          <Typography.Text type="danger">{error}</Typography.Text>
        </div>
      )}
      <Space style={{ marginTop: 8 }}>
        {job?.actions.includes('download') && (
          <Button
            size="small"
            type="primary"
            className="job-notice-download"
            onClick={async () => setDownloadError(await downloadJob(jobId))}
          >
            下载
          </Button>
        )}
        <Link to="/jobs" className="job-notice-link" onClick={close}>
          在「任务」中查看
        </Link>
      </Space>
    </div>
  )
}
