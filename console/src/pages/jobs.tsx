import { DownloadOutlined, UploadOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Form, Modal, Progress, Select, Table, Tag, Typography } from 'antd'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { ApiFailure, callAdmin, downloadCsv, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { useUrlState } from '../url-state'
import { useAdminMutation } from '../use-admin'
import { shanghai } from '../time'

type Job = AdminResult<'listJobs'>['items'][number]
type ImportKind = 'importStores' | 'importClerks'

const DEFAULTS = { page: 1, pageSize: 20 }
const KIND_LABEL: Record<Job['kind'], string> = {
  importStores: '导入门店',
  importClerks: '导入导购',
  exportSettlement: '导出提成结算',
  transferMembers: '会员转移',
}
/** Colours only: the label and what may be done come with the job from the server. */
const STATUS_COLOR: Record<Job['status'], string> = {
  running: 'processing',
  succeeded: 'green',
  failed: 'red',
}
const TEMPLATES: Record<ImportKind, string> = {
  importStores: '门店编码,门店名称,地址,纬度,经度（纬度、经度可不填）',
  importClerks: '门店编码,姓名,店长（店长填「是」或「否」，可不填）',
}
/** While this page is open it steps running jobs itself; the server's timer steps them otherwise. */
const STEP_PAUSE_MS = 200
const WATCH_PAUSE_MS = 2000

const percentOf = (job: Job) =>
  job.total === 0 ? (job.finishedAt ? 100 : 0) : Math.floor((job.done / job.total) * 100)

function ErrorList({ errors, more }: { errors: Job['errors']; more: number }) {
  return (
    <div className="job-errors">
      {errors.map((e) => (
        <div key={`${e.line}:${e.field}:${e.reason}`}>
          第 {e.line} 行{e.field ? `「${e.field}」` : ''}：{e.reason}
        </div>
      ))}
      {more > 0 && <Typography.Text type="secondary">另有 {more} 处错误</Typography.Text>}
    </div>
  )
}

export function JobsPage() {
  const { canWrite } = useAuth()
  const [state, setState] = useUrlState(DEFAULTS)
  const params = useMemo(
    () => ({ page: state.page, pageSize: state.pageSize }),
    [state.page, state.pageSize],
  )
  const [data, setData] = useState<AdminResult<'listJobs'> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [importing, setImporting] = useState(false)
  const mutate = useAdminMutation()

  const refresh = useCallback(async () => {
    try {
      setData(await callAdmin('listJobs', params))
      setError(null)
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err))
    }
  }, [params])
  useEffect(() => {
    void refresh()
  }, [refresh])

  useEffect(() => {
    const unfinished = (data?.items ?? []).filter((j) => j.finishedAt === null)
    if (unfinished.length === 0) return
    // The server offers step to those who may advance a job (HQ admins); others watch.
    const steppable = unfinished.filter((j) => j.actions.includes('step'))
    let cancelled = false
    const timer = setTimeout(
      async () => {
        for (const job of steppable) {
          try {
            await callAdmin('jobStep', { jobId: job.jobId })
          } catch (err) {
            if (!cancelled) setError(err instanceof ApiFailure ? err.message : String(err))
          }
        }
        if (!cancelled) await refresh()
      },
      steppable.length > 0 ? STEP_PAUSE_MS : WATCH_PAUSE_MS,
    )
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [data, refresh])

  async function download(job: Job) {
    const full = await mutate('job', { jobId: job.jobId })
    if (full?.output) downloadCsv(full.output.csv, full.output.filename)
  }

  return (
    <Card
      title="任务"
      extra={
        <Button
          id="import-open"
          type="primary"
          icon={<UploadOutlined />}
          disabled={!canWrite}
          onClick={() => setImporting(true)}
        >
          导入 CSV
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">
        导入和导出在服务器上分批进行：可以离开本页，任务会继续；回来即可看到进度。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table<Job>
        id="jobs-table"
        rowKey="jobId"
        loading={data === null && error === null}
        dataSource={data?.items ?? []}
        pagination={{
          current: state.page,
          pageSize: state.pageSize,
          total: data?.total ?? 0,
          showTotal: (t) => `共 ${t} 个任务`,
        }}
        onChange={(p) => setState({ page: p.current ?? 1, pageSize: p.pageSize ?? 20 })}
        expandable={{
          rowExpandable: (job) => job.errorCount > 0,
          expandedRowRender: (job) => (
            <ErrorList errors={job.errors} more={job.errorCount - job.errors.length} />
          ),
        }}
        columns={[
          { title: '类型', dataIndex: 'kind', render: (k: Job['kind']) => KIND_LABEL[k] },
          { title: '名称', dataIndex: 'title' },
          {
            title: '进度',
            width: 260,
            render: (_, job) => (
              <div className="job-progress" data-job-id={job.jobId}>
                <Progress
                  percent={percentOf(job)}
                  size="small"
                  status={
                    job.status === 'failed'
                      ? 'exception'
                      : job.status === 'running'
                        ? 'active'
                        : 'success'
                  }
                />
                <Typography.Text type="secondary">
                  {job.done} / {job.total}
                  {(job.kind === 'importStores' || job.kind === 'importClerks') &&
                    `，新建 ${job.created}，已存在跳过 ${job.skipped}`}
                </Typography.Text>
              </div>
            ),
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: Job['status'], job) => <Tag color={STATUS_COLOR[s]}>{job.statusLabel}</Tag>,
          },
          { title: '发起人', dataIndex: 'createdBy' },
          {
            title: '创建时间',
            dataIndex: 'createdAt',
            render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm:ss'),
          },
          {
            title: '文件',
            render: (_, job) =>
              job.actions.includes('download') && (
                <Button
                  size="small"
                  className="job-download"
                  icon={<DownloadOutlined />}
                  onClick={() => void download(job)}
                >
                  {job.kind === 'importClerks' ? '邀请清单' : '下载'}
                </Button>
              ),
          },
        ]}
      />
      {importing && (
        <ImportDialog
          onClose={() => {
            setImporting(false)
            void refresh()
          }}
        />
      )}
    </Card>
  )
}

function ImportDialog({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm()
  const kind = (Form.useWatch('kind', form) as ImportKind | undefined) ?? 'importStores'
  const [file, setFile] = useState<File | null>(null)
  const [failed, setFailed] = useState<Job | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const mutate = useAdminMutation()
  return (
    <Modal
      title="导入 CSV"
      open
      okText="开始导入"
      okButtonProps={{ id: 'import-submit', disabled: file === null, loading: submitting }}
      onCancel={onClose}
      onOk={async () => {
        if (!file) return
        setSubmitting(true)
        const job = await mutate('createImportJob', {
          kind,
          title: file.name,
          csv: await file.text(),
        })
        setSubmitting(false)
        if (!job) return
        // A refused import comes back failed with its row errors: show them.
        if (job.errorCount > 0) setFailed(job)
        else onClose()
      }}
    >
      <Form form={form} layout="vertical" initialValues={{ kind: 'importStores' }}>
        <Form.Item name="kind" label="导入内容">
          <Select
            id="import-kind"
            options={[
              { value: 'importStores', label: '门店（按门店编码，已存在的跳过）' },
              { value: 'importClerks', label: '导购（每人生成一张邀请码）' },
            ]}
            onChange={() => setFailed(null)}
          />
        </Form.Item>
        <Typography.Paragraph type="secondary">
          表头：{TEMPLATES[kind]}。UTF-8 编码（Excel「CSV
          UTF-8」格式）。整份文件先全部检查，有任何错误都不会导入。
        </Typography.Paragraph>
        <Form.Item label="CSV 文件">
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null)
              setFailed(null)
            }}
          />
        </Form.Item>
      </Form>
      {failed && (
        <Alert
          id="import-errors"
          type="error"
          showIcon
          message={`文件有 ${failed.errorCount} 处错误，没有导入任何数据。请修改后重新上传：`}
          description={
            <ErrorList errors={failed.errors} more={failed.errorCount - failed.errors.length} />
          }
        />
      )}
    </Modal>
  )
}
