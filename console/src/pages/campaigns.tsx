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
import type { Dayjs } from 'dayjs'
import { BarChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useCallback, useEffect, useRef, useState } from 'react'
import {
  CAMPAIGN_PAGES,
  campaignPageLabel,
  SUBSCRIBE_TEMPLATES,
} from '../../../shared/campaigns/templates'
import type { AdminParams, AdminResult } from '../api'
import { useAuth } from '../auth'
import { StorePicker } from '../store-picker'
import { numberRules } from '../number-rules'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { pickedShanghaiTime, shanghai } from '../time'

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
  /** The template's fields by key (thing1, time2, …): the form shows their labels only. */
  fields: Record<string, string | undefined>
  sendAt?: Dayjs | null
  couponTemplateId?: string
}

const TEMPLATE_FIELDS = SUBSCRIBE_TEMPLATES.campaign.fields

/** The segment's limits (campaigns/contract.ts), checked on the field; never clamped. */
const DAYS_RULES = numberRules('天数', { min: 1, max: 3650, required: false })
const SPEND_LIMITS = { min: 0, max: 100_000_000, decimals: 2, required: false }

/** What each field takes, said as the operator reads it (WeChat's rule for its type). */
const FIELD_HINT: Record<string, string> = {
  thing: '20 字以内',
  time: '如 2026-12-12 10:00 或 10:00~12:00',
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

/** The audience is counted once typing pauses, not on every keystroke. */
const COUNT_PAUSE_MS = 300

function AudienceCount({ segment }: { segment: Segment }) {
  const key = JSON.stringify(segment)
  const [settled, setSettled] = useState(key)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(key), COUNT_PAUSE_MS)
    return () => clearTimeout(timer)
  }, [key])
  const counted = useAdminQuery('campaignAudienceCount', {
    segment: JSON.parse(settled) as Segment,
  })
  const state = {
    count: counted.data?.count,
    reachable: counted.data?.reachable,
    loading: counted.loading || settled !== key,
  }
  if (counted.error) return <Alert type="warning" showIcon message={counted.error} />
  // Both numbers: who matches, and who of them can receive it now (the others never accepted
  // the campaign subscription, or used it up).
  return (
    <Space size="large">
      <Statistic
        title="符合条件"
        value={state.count ?? 0}
        formatter={() => <span id="campaign-audience">{state.count ?? '…'}</span>}
        loading={state.loading && state.count === undefined}
        suffix="人"
      />
      <Statistic
        title="可接收（已订阅）"
        value={state.reachable ?? 0}
        formatter={() => <span id="campaign-reachable">{state.reachable ?? '…'}</span>}
        loading={state.loading && state.reachable === undefined}
        suffix="人"
        valueStyle={{ color: '#c2410c' }}
      />
    </Space>
  )
}

/** How often the list looks again while a campaign is sending or due (the dispatcher runs every minute). */
const LIST_POLL_MS = 5000

function ResultsDrawer({
  campaignId,
  onClose,
  onStatus,
}: {
  campaignId: string
  onClose: () => void
  /** The campaign as the results found it: the list catches up when its row is behind. */
  onStatus: (status: Campaign['status']) => void
}) {
  // While it sends, its figures move: look again as the list does.
  const results = useAdminQuery(
    'campaignResults',
    { campaignId },
    {
      keepPrevious: false,
      refetchInterval: (d) => (d?.campaign.status === 'sending' ? LIST_POLL_MS : false),
    },
  )
  const seenStatus = results.data?.campaign.status
  useEffect(() => {
    if (seenStatus) onStatus(seenStatus)
  }, [seenStatus, onStatus])
  const chartRef = useRef<HTMLDivElement>(null)
  const r = results.data
  useEffect(() => {
    if (!chartRef.current || !r) return
    const chart = echarts.init(chartRef.current)
    // The failures' reasons are in the table above; the chart keeps short labels.
    const labels = ['目标', '有订阅授权', '已送达', '失败', '超出每周上限', '7 天内下单']
    const values = [r.targeted, r.eligible, r.sent, r.failed, r.skippedCap, r.orderedWithin7Days]
    chart.setOption({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: 'category', data: labels, axisLabel: { interval: 0 } },
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
            <Descriptions.Item label="打开页面" span={2}>
              {campaignPageLabel(r.campaign.page)}
            </Descriptions.Item>
          </Descriptions>
          {r.failures.length > 0 && (
            <Table
              id="campaign-failures"
              size="small"
              rowKey="code"
              pagination={false}
              dataSource={r.failures}
              columns={[
                { title: '失败原因', dataIndex: 'reason' },
                { title: '人数', dataIndex: 'count', align: 'right' },
              ]}
            />
          )}
          <div ref={chartRef} style={{ height: 320 }} id="campaign-chart" />
        </Space>
      )}
    </Drawer>
  )
}

export function CampaignsPage() {
  const { canWrite } = useAuth()
  // A campaign sending or due moves on by itself (the dispatcher's timer): its row is polled
  // while it does, and polling stops once nothing is moving.
  const campaigns = useAdminQuery(
    'listCampaigns',
    {},
    {
      refetchInterval: (data) =>
        data?.items.some(
          (c) =>
            c.status === 'sending' ||
            (c.status === 'scheduled' && Date.parse(c.sendAt) <= Date.now() + LIST_POLL_MS),
        )
          ? LIST_POLL_MS
          : false,
    },
  )
  const stores = useAdminQuery('listStores', {})
  const coupons = useAdminQuery('listCouponTemplates', { status: 'active' })
  const mutate = useAdminMutation()
  const [creating, setCreating] = useState(false)
  const [resultsOf, setResultsOf] = useState<string | null>(null)
  const [form] = Form.useForm<FormValues>()
  const values = Form.useWatch([], form) as Partial<FormValues> | undefined
  const storeIds = Form.useWatch('storeIds', form) as string[] | undefined
  const clerks = useAdminQuery('listClerks', storeIds?.length === 1 ? { storeId: storeIds[0] } : {})
  const { data: list, reload: reloadList } = campaigns
  const onResultsStatus = useCallback(
    (status: Campaign['status']) => {
      const row = list?.items.find((c) => c.campaignId === resultsOf)
      if (row && row.status !== status) void reloadList()
    },
    [list, resultsOf, reloadList],
  )

  async function create(v: FormValues) {
    const fields: Record<string, string> = {}
    for (const f of TEMPLATE_FIELDS) {
      const value = v.fields?.[f.key]?.trim()
      if (value) fields[f.key] = value
    }
    const created = await mutate(
      'createCampaign',
      {
        name: v.name,
        segment: segmentOf(v),
        page: v.page,
        fields,
        // The picked time is Shanghai's wall clock, whatever the browser's zone.
        ...(v.sendAt ? { sendAt: pickedShanghaiTime(v.sendAt) } : {}),
        ...(v.couponTemplateId ? { couponTemplateId: v.couponTemplateId } : {}),
      },
      '活动已创建',
      {
        form,
        // The audience's conditions are flat in the form; amounts are typed in yuan; a template
        // field's refusal goes under that field (shown by its label).
        fields: (field) =>
          field.startsWith('segment.')
            ? field.slice(8).split('.')[0]!.replace(/Fen$/, 'Yuan')
            : field.startsWith('fields.')
              ? ['fields', field.slice(7)]
              : field,
      },
    )
    if (created) {
      setCreating(false)
      form.resetFields()
    }
  }

  async function act(
    action: 'sendCampaignNow' | 'stopCampaign' | 'resumeCampaign',
    c: Campaign,
    done: string,
  ) {
    await mutate(action, { campaignId: c.campaignId }, done)
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
        loading={campaigns.loading && !campaigns.data}
        dataSource={campaigns.data?.items ?? []}
        pagination={{ defaultPageSize: 20 }}
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
            render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm'),
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
                <StorePicker
                  id="campaign-stores"
                  mode="multiple"
                  style={{ width: 220 }}
                  placeholder="全部"
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
              <Form.Item
                name="pointsMin"
                label="积分不少于"
                rules={numberRules('积分下限', { min: 0, max: 100_000_000, required: false })}
              >
                <InputNumber id="campaign-points-min" />
              </Form.Item>
              <Form.Item
                name="pointsMax"
                label="积分不多于"
                rules={numberRules('积分上限', { min: 0, max: 100_000_000, required: false })}
              >
                <InputNumber id="campaign-points-max" />
              </Form.Item>
              <Form.Item name="purchasedWithinDays" label="近 N 天有购买" rules={DAYS_RULES}>
                <InputNumber id="campaign-purchased-days" />
              </Form.Item>
              <Form.Item name="notPurchasedWithinDays" label="近 N 天未购买" rules={DAYS_RULES}>
                <InputNumber id="campaign-not-purchased-days" />
              </Form.Item>
              <Form.Item name="joinedWithinDays" label="近 N 天入会" rules={DAYS_RULES}>
                <InputNumber id="campaign-joined-days" />
              </Form.Item>
              <Form.Item name="tags" label="标签（任一）">
                <Select mode="tags" style={{ width: 220 }} placeholder="输入后回车" />
              </Form.Item>
              <Form.Item
                name="spendMinYuan"
                label="近一年消费不少于（元）"
                rules={numberRules('消费金额下限', SPEND_LIMITS)}
              >
                <InputNumber id="campaign-spend-min" />
              </Form.Item>
              <Form.Item
                name="spendMaxYuan"
                label="近一年消费不多于（元）"
                rules={numberRules('消费金额上限', SPEND_LIMITS)}
              >
                <InputNumber id="campaign-spend-max" />
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
          <Card
            size="small"
            title="消息内容（会员在微信服务通知中看到）"
            style={{ marginTop: 16 }}
            id="campaign-message"
          >
            <Space wrap>
              {TEMPLATE_FIELDS.map((f) => (
                <Form.Item
                  key={f.key}
                  name={['fields', f.key]}
                  label={`${f.label}（${FIELD_HINT[f.type] ?? '按模板要求填写'}${f.required ? '' : '，可不填'}）`}
                  rules={[
                    { required: f.required, whitespace: true, message: `请填写${f.label}` },
                    ...(f.type === 'thing' ? [{ max: 20, message: `${f.label}最多 20 个字` }] : []),
                  ]}
                >
                  <Input
                    id={`campaign-field-${f.key}`}
                    style={{ width: 260 }}
                    placeholder={f.type === 'time' ? '2026-12-12 10:00' : undefined}
                  />
                </Form.Item>
              ))}
            </Space>
          </Card>
          <Space wrap style={{ marginTop: 16 }}>
            <Form.Item name="page" label="点击消息后打开" rules={[{ required: true }]}>
              <Select
                id="campaign-page"
                style={{ width: 220 }}
                options={CAMPAIGN_PAGES.map((p) => ({ value: p.path, label: p.label }))}
              />
            </Form.Item>
            <Form.Item name="sendAt" label="发送时间（北京时间，空为立即）">
              <DatePicker showTime format="YYYY-MM-DD HH:mm" />
            </Form.Item>
            <Form.Item name="couponTemplateId" label="附带优惠券（收到消息的会员各得一张）">
              <Select
                id="campaign-coupon"
                allowClear
                showSearch
                optionFilterProp="label"
                style={{ width: 260 }}
                placeholder="不附带"
                options={(coupons.data?.items ?? []).map((t) => ({
                  value: t.templateId,
                  label: `${t.name}（${t.summary}）`,
                }))}
              />
            </Form.Item>
          </Space>
          <Alert
            type="info"
            showIcon
            message="只发给接受过活动订阅的会员；每位会员每周最多收到 2 个活动，同一活动只收到一次。"
          />
        </Form>
      </Modal>
      {resultsOf && (
        <ResultsDrawer
          campaignId={resultsOf}
          onStatus={onResultsStatus}
          onClose={() => setResultsOf(null)}
        />
      )}
    </Card>
  )
}
