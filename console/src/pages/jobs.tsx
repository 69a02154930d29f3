import { DownloadOutlined, FileTextOutlined, UploadOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd'
import type { Dayjs } from 'dayjs'
import { useEffect, useMemo, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { formatShanghaiMinute } from '../../../shared/platform/calendar'
import { toCsv } from '../../../shared/platform/csv'
import { seesFullPhone } from '../../../shared/hq/rules/roles'
import { formatBytes, MAX_CSV_FILE_BYTES } from '../../../shared/platform/csv-decode'
import { downloadCsv, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { CsvFileField, type CsvFile } from '../csv-file-field'
import { useJobNotice } from '../job-notice'
import { useJobDownload, useJobsPageSteps, useJobStepping, useShareJobViews } from '../job-watch'
import { useUrlState } from '../url-state'
import {
  useAdminFetch,
  useAdminMutation,
  useAdminQuery,
  useJobsEndedInvalidation,
} from '../use-admin'

type Job = AdminResult<'listJobs'>['items'][number]
type ImportKind = 'importStores' | 'importClerks' | 'importStock'
type ExportKind = 'exportOrders' | 'exportMembers' | 'exportOfflineSales'

const DEFAULTS = { page: 1, pageSize: 20 }
const KIND_LABEL: Record<Job['kind'], string> = {
  importStores: '导入门店',
  importClerks: '导入导购',
  importStock: '导入库存',
  exportSettlement: '导出提成结算',
  exportOrders: '导出订单',
  exportMembers: '导出会员',
  exportOfflineSales: '导出线下销售',
  transferMembers: '会员转移',
  exportPosters: '门店海报',
  issueCouponsCsv: '批量发券',
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
  importStock:
    '商品编号,商品名称,门店编码,库存（门店编码填「中央仓」即中央仓库；商品名称只供核对，不会导入；库存是货架上的实际件数）',
}

/** Each import's template file: its header and example rows (the stock template: every product at 中央仓). */
async function templateCsv(
  kind: ImportKind,
  fetchAdmin: ReturnType<typeof useAdminFetch>,
): Promise<string> {
  if (kind === 'importStores')
    return toCsv(
      ['门店编码', '门店名称', '地址', '纬度', '经度'],
      [['SH101', '南京西路店', '上海市静安区南京西路 1000 号', 31.2304, 121.4737]],
    )
  if (kind === 'importClerks')
    return toCsv(
      ['门店编码', '姓名', '店长'],
      [
        ['SH101', '王小美', '否'],
        ['SH101', '周店长', '是'],
      ],
    )
  const products = await fetchAdmin('listProducts', {})
  return toCsv(
    ['商品编号', '商品名称', '门店编码', '库存'],
    products.items.map((p) => [p.productId, p.name, '中央仓', p.stock.central]),
  )
}

const TEMPLATE_NAMES: Record<ImportKind, string> = {
  importStores: '门店导入模板.csv',
  importClerks: '导购导入模板.csv',
  importStock: '库存导入模板.csv',
}

/** While this page is open it steps running jobs itself (job-watch.ts); the timer otherwise. */
const WATCH_PAUSE_MS = 2000

const percentOf = (job: Job) =>
  job.total === 0 ? (job.finishedAt ? 100 : 0) : Math.floor((job.done / job.total) * 100)

export function ErrorList({ errors, more }: { errors: Job['errors']; more: number }) {
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
  // Unfinished jobs are watched: polled while any runs (the server's timer steps them; this page
  // steps them too when the operator may, below); once every job on the page has ended, polling
  // stops.
  const jobs = useAdminQuery('listJobs', params, {
    refetchInterval: (d) => (d?.items.some((j) => j.finishedAt === null) ? WATCH_PAUSE_MS : false),
  })
  const data = jobs.data
  useJobsEndedInvalidation(data?.items)
  // This page steps every running job; an open notice learns from its answers and only watches.
  useJobsPageSteps()
  const share = useShareJobViews()
  useEffect(() => {
    if (data) share(data.items)
  }, [data, share])
  const [downloadError, setDownloadError] = useState<string | null>(null)
  const stepError = useJobStepping(data?.items, jobs.updatedAt)
  const error = downloadError ?? stepError ?? jobs.error
  const retention = useAdminQuery('jobFileRetention', {})
  const [search, setSearch] = useSearchParams()
  // 导入库存 on the products page opens the stock import here (for those who may write).
  const [importing, setImporting] = useState<ImportKind | null>(
    canWrite ? ((search.get('import') as ImportKind | null) ?? null) : null,
  )
  const [exporting, setExporting] = useState(false)
  const downloadJob = useJobDownload()

  async function download(job: Job) {
    setDownloadError(await downloadJob(job.jobId))
  }

  return (
    <Card
      title="任务"
      extra={
        <Space>
          <Button id="export-open" icon={<DownloadOutlined />} onClick={() => setExporting(true)}>
            新建导出
          </Button>
          <Button
            id="import-open"
            type="primary"
            icon={<UploadOutlined />}
            disabled={!canWrite}
            onClick={() => setImporting('importStores')}
          >
            导入 CSV
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        导入和导出在服务器上分批进行：可以离开本页，任务会继续；回来即可看到进度。
        {retention.data && (
          <span id="job-retention-note">
            任务完成后，生成的文件保留 {retention.data.retentionDays} 天，之后自动删除。
          </span>
        )}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table<Job>
        id="jobs-table"
        rowKey="jobId"
        loading={jobs.loading}
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
                  {job.kind === 'issueCouponsCsv' &&
                    job.total > 0 &&
                    `，已发放 ${job.created}，未发放 ${job.skipped}`}
                  {job.kind === 'importStock' &&
                    `，已更新 ${job.created}${job.skipped ? `，未更新 ${job.skipped}` : ''}`}
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
            render: (d: string) => formatShanghaiMinute(new Date(d)),
          },
          {
            title: '文件',
            render: (_, job) =>
              job.fileExpiredLabel ? (
                <Typography.Text type="secondary" className="job-file-expired">
                  {job.fileExpiredLabel}
                </Typography.Text>
              ) : (
                job.actions.includes('download') && (
                  <Button
                    size="small"
                    className="job-download"
                    icon={<DownloadOutlined />}
                    onClick={() => void download(job)}
                  >
                    {job.kind === 'importClerks'
                      ? '邀请清单'
                      : job.kind === 'issueCouponsCsv'
                        ? '发放结果'
                        : '下载'}
                  </Button>
                )
              ),
          },
        ]}
      />
      {importing && (
        <ImportDialog
          initialKind={importing}
          onClose={() => {
            setImporting(null)
            if (search.has('import')) {
              search.delete('import')
              setSearch(search, { replace: true })
            }
          }}
        />
      )}
      {exporting && <ExportDialog onClose={() => setExporting(false)} />}
    </Card>
  )
}

function ImportDialog({ initialKind, onClose }: { initialKind: ImportKind; onClose: () => void }) {
  const [form] = Form.useForm()
  const kind = (Form.useWatch('kind', form) as ImportKind | undefined) ?? initialKind
  const [file, setFile] = useState<CsvFile | null>(null)
  const [failed, setFailed] = useState<Job | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const mutate = useAdminMutation()
  const fetchAdmin = useAdminFetch()

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
          csv: file.text,
        })
        setSubmitting(false)
        if (!job) return
        // A refused import comes back failed with its row errors: show them.
        if (job.errorCount > 0) setFailed(job)
        else onClose()
      }}
    >
      <Form form={form} layout="vertical" initialValues={{ kind: initialKind }}>
        <Form.Item name="kind" label="导入内容">
          <Select
            id="import-kind"
            options={[
              { value: 'importStores', label: '门店（按门店编码，已存在的跳过）' },
              { value: 'importClerks', label: '导购（每人生成一张邀请码）' },
              { value: 'importStock', label: '库存（按商品和门店设置实际库存）' },
            ]}
            onChange={() => setFailed(null)}
          />
        </Form.Item>
        <Typography.Paragraph type="secondary" id="import-rules">
          表头：{TEMPLATES[kind]}。文件不超过 {formatBytes(MAX_CSV_FILE_BYTES)}
          （约 5000 行），UTF-8（Excel「CSV UTF-8」）或 GBK（Excel 默认的「CSV」）编码均可。
          整份文件先全部检查，有任何错误都不会导入。
        </Typography.Paragraph>
        <Button
          id="import-template"
          size="small"
          icon={<FileTextOutlined />}
          style={{ marginBottom: 16 }}
          onClick={async () =>
            downloadCsv(await templateCsv(kind, fetchAdmin), TEMPLATE_NAMES[kind])
          }
        >
          下载模板
        </Button>
        <CsvFileField
          id="import"
          onChange={(picked) => {
            setFile(picked)
            setFailed(null)
          }}
        />
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

const EXPORT_OPTIONS: { value: ExportKind; label: string }[] = [
  { value: 'exportOrders', label: '订单' },
  { value: 'exportMembers', label: '会员' },
  { value: 'exportOfflineSales', label: '线下销售' },
]

function ExportDialog({ onClose }: { onClose: () => void }) {
  const [form] = Form.useForm<{
    kind: ExportKind
    storeId?: string
    range?: [Dayjs, Dayjs] | null
  }>()
  const kind = (Form.useWatch('kind', form) as ExportKind | undefined) ?? 'exportOrders'
  const { session } = useAuth()
  const stores = useAdminQuery('listStores', {})
  const mutate = useAdminMutation()
  const notice = useJobNotice()
  const [submitting, setSubmitting] = useState(false)
  return (
    <Modal
      title="新建导出"
      open
      okText="开始导出"
      okButtonProps={{ id: 'export-submit', loading: submitting }}
      onCancel={onClose}
      onOk={async () => {
        const v = await form.validateFields()
        setSubmitting(true)
        const job = await mutate('createDataExport', {
          kind: v.kind,
          ...(v.storeId ? { storeId: v.storeId } : {}),
          ...(v.range
            ? { from: v.range[0].format('YYYY-MM-DD'), to: v.range[1].format('YYYY-MM-DD') }
            : {}),
        })
        setSubmitting(false)
        if (!job) return
        notice(job, `已开始导出${EXPORT_OPTIONS.find((o) => o.value === v.kind)?.label ?? ''}`)
        onClose()
      }}
    >
      <Form form={form} layout="vertical" initialValues={{ kind: 'exportOrders' }}>
        <Form.Item name="kind" label="导出内容">
          <Select id="export-kind" options={EXPORT_OPTIONS} />
        </Form.Item>
        <Form.Item name="storeId" label="门店（不选为全部门店）">
          <Select
            id="export-store"
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder="按名称或编码查找"
            options={(stores.data?.items ?? []).map((s) => ({
              value: s.storeId,
              label: `${s.name}（${s.code}）`,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="range"
          label={
            kind === 'exportMembers' ? '开卡日期（不选为全部）' : '日期（北京时间，不选为全部）'
          }
        >
          <DatePicker.RangePicker id="export-range" />
        </Form.Item>
      </Form>
      <Typography.Paragraph type="secondary" id="export-note">
        导出为 CSV（UTF-8，Excel 可直接打开），在服务器上分批生成，可以离开本页。
        {kind === 'exportMembers' &&
          (session && seesFullPhone(session.role)
            ? '会员手机号为完整号码，下载记入操作日志。'
            : '当前账号导出的手机号为脱敏号码（如 138****8000）。')}
      </Typography.Paragraph>
    </Modal>
  )
}
