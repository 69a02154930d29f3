import { PlusOutlined, ReloadOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { BarChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef, useState } from 'react'
import { callAdmin, type AdminParams, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer])

type Campaign = AdminResult<'listCampaigns'>['items'][number]
type Segment = AdminParams<'campaignAudienceCount'>['segment']

/** Colours only: the label and what may be done come with the campaign from the server. */
const STATUS_COLOR: Record<Campaign['status'], string> = {
  scheduled: 'blue',
  sending: 'orange',
  stopped: 'default',
  done: 'green',
}

const MONTHS = Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: `${i + 1} 月` }))

const TIERS = [
  { value: 'standard', label: '普通' },
  { value: 'silver', label: '银卡' },
  { value: 'gold', label: '金卡' },
]

interface FormValues {
  name: string
  tiers?: Segment['tiers']
  storeIds?: string[]
  clerkIds?: string[]
  pointsMin?: number | null
  pointsMax?: number | null
  purchasedWithinDays?: number | null
  notPurchasedWithinDays?: number | null
  joinedWithinDays?: number | null
  tags?: string[]
  /** Yuan in the form; fen in the segment. */
  spendMinYuan?: number | null
  spendMaxYuan?: number | null
  birthdayMonths?: number[]
  page: string
  thing1: string
  time2?: string
  sendAt?: Dayjs | null
}

/** The segment the form describes: empty fields are left out (no condition). */
function segmentOf(v: Partial<FormValues>): Segment {
  const s: Record<string, unknown> = {}
  for (const key of ['tiers', 'storeIds', 'clerkIds', 'tags'] as const)
    if (v[key]?.length) s[key] = v[key]
  for (const key of [
    'pointsMin',
    'pointsMax',
    'purchasedWithinDays',
    'notPurchasedWithinDays',
    'joinedWithinDays',
  ] as const) {
    if (typeof v[key] === 'number') s[key] = v[key]
  }
  if (typeof v.spendMinYuan === 'number') s.spendMinFen = Math.round(v.spendMinYuan * 100)
  if (typeof v.spendMaxYuan === 'number') s.spendMaxFen = Math.round(v.spendMaxYuan * 100)
  if (v.birthdayMonths?.length) s.birthdayMonths = v.birthdayMonths
  return s as Segment
}

function AudienceCount({ segment }: { segment: Segment }) {
  const key = JSON.stringify(segment)
  const [state, setState] = useState<{ count?: number; error?: string; loading: boolean }>({
    loading: true,
  })
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, loading: true }))
    const timer = setTimeout(() => {
      callAdmin('campaignAudienceCount', { segment: JSON.parse(key) as Segment })
        .then((r) => live && setState({ count: r.count, loading: false }))
        .catch((err: Error) => live && setState({ error: err.message, loading: false }))
    }, 300)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [key])
  if (state.error) return <Alert type="warning" showIcon message={state.error} />
  return (
    <Statistic
      title="目标会员（实时）"
      value={state.count ?? 0}
      formatter={() => <span id="campaign-audience">{state.count ?? '…'}</span>}
      loading={state.loading && state.count === undefined}
      suffix="人"
      valueStyle={{ color: '#c2410c' }}
    />
  )
}

function ResultsDrawer({ campaignId, onClose }: { campaignId: string; onClose: () => void }) {
  const results = useAdminQuery('campaignResults', { campaignId })
  const chartRef = useRef<HTMLDivElement>(null)
  const r = results.data
  useEffect(() => {
    if (!chartRef.current || !r) return
    const chart = echarts.init(chartRef.current)
    const failures = Object.entries(r.failedByCode)
    const labels = [
      '目标',
      '有订阅授权',
      '已送达',
      '超出每周上限',
      ...failures.map(([code]) => `失败 ${code}`),
      '7 天内下单',
    ]
    const values = [
      r.targeted,
      r.eligible,
      r.sent,
      r.skippedCap,
      ...failures.map(([, n]) => n),
      r.orderedWithin7Days,
    ]
    chart.setOption({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: '人数',
          type: 'bar',
          data: values,
          itemStyle: { color: '#c2410c' },
          label: { show: true, position: 'top' },
        },
      ],
    })
    return () => chart.dispose()
  }, [r])
  return (
    <Drawer
      open
      width={720}
      title={r ? `活动结果：${r.campaign.name}` : '活动结果'}
      onClose={onClose}
      extra={<Button icon={<ReloadOutlined />} onClick={() => void results.reload()} />}
    >
      {results.error && <Alert type="error" showIcon message={results.error} />}
      {r && (
        <Space direction="vertical" style={{ width: '100%' }} id="campaign-results">
          <Descriptions size="small" column={3} bordered>
            <Descriptions.Item label="目标会员">{r.targeted}</Descriptions.Item>
            <Descriptions.Item label="有订阅授权">{r.eligible}</Descriptions.Item>
            <Descriptions.Item label="未授权">{r.noConsent}</Descriptions.Item>
            <Descriptions.Item label="已送达">
              <span id="campaign-sent">{r.sent}</span>
            </Descriptions.Item>
            <Descriptions.Item label="失败">{r.failed}</Descriptions.Item>
            <Descriptions.Item label="超出每周上限">{r.skippedCap}</Descriptions.Item>
            <Descriptions.Item label="7 天内下单">{r.orderedWithin7Days}</Descriptions.Item>
            <Descriptions.Item label="状态">{r.campaign.statusLabel}</Descriptions.Item>
            {r.campaign.stopReason && (
              <Descriptions.Item label="停止原因" span={3}>
                {r.campaign.stopReason}
              </Descriptions.Item>
            )}
            <Descriptions.Item label="进度">
              {r.campaign.processed} / {r.campaign.targeted ?? '—'}
            </Descriptions.Item>
          </Descriptions>
          <div ref={chartRef} style={{ height: 320 }} id="campaign-chart" />
        </Space>
      )}
    </Drawer>
  )
}

export function CampaignsPage() {
  const { canWrite } = useAuth()
  const campaigns = useAdminQuery('listCampaigns', {})
  const stores = useAdminQuery('listStores', {})
  const mutate = useAdminMutation()
  const [creating, setCreating] = useState(false)
  const [resultsOf, setResultsOf] = useState<string | null>(null)
  const [form] = Form.useForm<FormValues>()
  const values = Form.useWatch([], form) as Partial<FormValues> | undefined
  const storeIds = Form.useWatch('storeIds', form) as string[] | undefined
  const clerks = useAdminQuery('listClerks', storeIds?.length === 1 ? { storeId: storeIds[0] } : {})

  async function create(v: FormValues) {
    const fields: Record<string, string> = { thing1: v.thing1 }
    if (v.time2) fields.time2 = v.time2
    const created = await mutate(
      'createCampaign',
      {
        name: v.name,
        segment: segmentOf(v),
        page: v.page,
        fields,
        ...(v.sendAt ? { sendAt: v.sendAt.toISOString() } : {}),
      },
      '活动已创建',
      {
        form,
        // The audience's conditions are flat in the form; amounts are typed in yuan.
        fields: (field) =>
          field.startsWith('segment.')
            ? field.slice(8).split('.')[0]!.replace(/Fen$/, 'Yuan')
            : field.startsWith('fields.')
              ? field.slice(7)
              : field,
      },
    )
    if (created) {
      setCreating(false)
      form.resetFields()
      void campaigns.reload()
    }
  }

  async function act(
    action: 'sendCampaignNow' | 'stopCampaign' | 'resumeCampaign',
    c: Campaign,
    done: string,
  ) {
    if (await mutate(action, { campaignId: c.campaignId }, done)) void campaigns.reload()
  }

  const storeName = (id: string | null) =>
    id ? (stores.data?.items.find((s) => s.storeId === id)?.name ?? id) : '总部'

  return (
    <Card
      title="营销活动（订阅消息）"
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void campaigns.reload()} />
          <Button
            id="campaign-create"
            type="primary"
            icon={<PlusOutlined />}
            disabled={!canWrite}
            onClick={() => setCreating(true)}
          >
            新建活动
          </Button>
        </Space>
      }
    >
      {campaigns.error && <Alert type="error" showIcon message={campaigns.error} />}
      {(campaigns.data?.items ?? [])
        .filter((c) => c.status === 'stopped' && c.stopReason)
        .map((c) => (
          <Alert
            key={c.campaignId}
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            message={`活动「${c.name}」已自动停止`}
            description={c.stopReason}
          />
        ))}
      <Table<Campaign>
        rowKey="campaignId"
        loading={campaigns.loading}
        dataSource={campaigns.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: '活动', dataIndex: 'name' },
          { title: '发起方', dataIndex: 'storeId', render: (id: string | null) => storeName(id) },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: Campaign['status'], c) => (
              <Space direction="vertical" size={2}>
                <Tag color={c.stopReason ? 'error' : STATUS_COLOR[s]}>{c.statusLabel}</Tag>
                {c.stopReason && (
                  <span className="campaign-stop-reason" style={{ color: '#cf1322', fontSize: 12 }}>
                    {c.stopReason}
                  </span>
                )}
              </Space>
            ),
          },
          {
            title: '发送时间',
            dataIndex: 'sendAt',
            render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: '目标',
            dataIndex: 'targeted',
            align: 'right',
            render: (n: number | null) => n ?? '—',
          },
          { title: '已处理', dataIndex: 'processed', align: 'right' },
          {
            title: '操作',
            render: (_, c) => (
              <Space>
                {c.actions.includes('sendNow') && (
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => void act('sendCampaignNow', c, '已安排立即发送')}
                  >
                    立即发送
                  </Button>
                )}
                {c.actions.includes('stop') && (
                  <Button size="small" danger onClick={() => void act('stopCampaign', c, '已停止')}>
                    停止
                  </Button>
                )}
                {c.actions.includes('resume') && (
                  <Button size="small" onClick={() => void act('resumeCampaign', c, '已继续')}>
                    继续
                  </Button>
                )}
                <Button
                  size="small"
                  className="campaign-results-open"
                  onClick={() => setResultsOf(c.campaignId)}
                >
                  结果
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={creating}
        title="新建活动"
        width={760}
        okText="创建"
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form<FormValues>
          form={form}
          layout="vertical"
          onFinish={(v) => void create(v)}
          initialValues={{ page: 'pages/campaigns/index' }}
        >
          <Form.Item name="name" label="活动名称" rules={[{ required: true, max: 40 }]}>
            <Input id="campaign-name" placeholder="如：双十二会员日" />
          </Form.Item>
          <Card
            size="small"
            title="目标会员"
            extra={<AudienceCount segment={segmentOf(values ?? {})} />}
          >
            <Space wrap>
              <Form.Item name="tiers" label="等级">
                <Select
                  id="campaign-tiers"
                  mode="multiple"
                  style={{ width: 200 }}
                  options={TIERS}
                  placeholder="全部"
                />
              </Form.Item>
              <Form.Item name="storeIds" label="门店">
                <Select
                  id="campaign-stores"
                  mode="multiple"
                  style={{ width: 220 }}
                  placeholder="全部"
                  options={(stores.data?.items ?? []).map((s) => ({
                    value: s.storeId,
                    label: s.name,
                  }))}
                />
              </Form.Item>
              <Form.Item name="clerkIds" label="导购">
                <Select
                  mode="multiple"
                  style={{ width: 220 }}
                  placeholder="全部"
                  options={(clerks.data?.items ?? []).map((c) => ({
                    value: c.clerkId,
                    label: c.name,
                  }))}
                />
              </Form.Item>
              <Form.Item name="pointsMin" label="积分不少于">
                <InputNumber id="campaign-points-min" />
              </Form.Item>
              <Form.Item name="pointsMax" label="积分不多于">
                <InputNumber id="campaign-points-max" />
              </Form.Item>
              <Form.Item name="purchasedWithinDays" label="近 N 天有购买">
                <InputNumber min={1} max={3650} />
              </Form.Item>
              <Form.Item name="notPurchasedWithinDays" label="近 N 天未购买">
                <InputNumber min={1} max={3650} />
              </Form.Item>
              <Form.Item name="joinedWithinDays" label="近 N 天入会">
                <InputNumber min={1} max={3650} />
              </Form.Item>
              <Form.Item name="tags" label="标签（任一）">
                <Select mode="tags" style={{ width: 220 }} placeholder="输入后回车" />
              </Form.Item>
              <Form.Item name="spendMinYuan" label="近一年消费不少于（元）">
                <InputNumber min={0} precision={2} />
              </Form.Item>
              <Form.Item name="spendMaxYuan" label="近一年消费不多于（元）">
                <InputNumber min={0} precision={2} />
              </Form.Item>
              <Form.Item name="birthdayMonths" label="生日月份">
                <Select
                  id="campaign-birthday-months"
                  mode="multiple"
                  style={{ width: 220 }}
                  options={MONTHS}
                  placeholder="不限"
                />
              </Form.Item>
            </Space>
          </Card>
          <Space wrap style={{ marginTop: 16 }}>
            <Form.Item
              name="thing1"
              label="消息内容（thing1，20 字内）"
              rules={[{ required: true, max: 20 }]}
            >
              <Input id="campaign-thing1" style={{ width: 260 }} />
            </Form.Item>
            <Form.Item
              name="time2"
              label="活动时间（time2，如 2026-12-12 10:00 或 10:00~12:00）"
              rules={[{ max: 40 }]}
            >
              <Input style={{ width: 200 }} placeholder="2026-12-12 10:00" />
            </Form.Item>
            <Form.Item name="page" label="打开页面" rules={[{ required: true }]}>
              <Input style={{ width: 220 }} />
            </Form.Item>
            <Form.Item name="sendAt" label="发送时间（空为立即）">
              <DatePicker showTime />
            </Form.Item>
          </Space>
          <Alert
            type="info"
            showIcon
            message="只发给接受过活动订阅的会员；每位会员每周最多收到 2 个活动，同一活动只收到一次。"
          />
        </Form>
      </Modal>
      {resultsOf && <ResultsDrawer campaignId={resultsOf} onClose={() => setResultsOf(null)} />}
    </Card>
  )
}
