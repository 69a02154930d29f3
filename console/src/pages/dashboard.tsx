import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Row,
  Skeleton,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useMemo, useRef, useState } from 'react'
import { formatShanghaiMinute } from '../../../shared/platform/calendar'
import { StorePicker } from '../store-picker'
import { fenToYuan } from '../../../shared/commission/rules/commission'
import { csvNumber, toCsv, type CsvCell } from '../../../shared/platform/csv'
import { downloadCsv, type AdminResult } from '../api'
import { shanghaiToday } from '../time'
import { useUrlState } from '../url-state'
import { useAdminMutation, useAdminQuery } from '../use-admin'

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

/** Empty from/to: the server's default, the 30 days ending today. */
const DEFAULTS = { storeId: '', from: '', to: '' }
const presets = () =>
  [7, 30, 90, 365].map((days) => ({
    label: `近 ${days} 天`,
    value: [shanghaiToday().subtract(days - 1, 'day'), shanghaiToday()] as [Dayjs, Dayjs],
  }))

type Day = AdminResult<'dashboard'>['byDay'][number]
type Series = {
  name: string
  type: 'bar' | 'line'
  pick: (d: Day) => number
  color: string
  stack?: string
}

const yuan = (fen: number) => fen / 100

/** One ECharts chart of daily series, drawn again when the days change. */
function DailyChart({
  id,
  days,
  series,
  money,
}: {
  id: string
  days: Day[]
  series: Series[]
  money?: boolean
}) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!ref.current) return
    const chart = echarts.init(ref.current)
    chart.setOption({
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number) => (money ? `¥${v.toFixed(2)}` : String(v)),
      },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 32, bottom: 32 },
      xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)) },
      yAxis: { type: 'value', minInterval: money ? 0 : 1 },
      series: series.map((s) => ({
        name: s.name,
        type: s.type,
        stack: s.stack,
        showSymbol: false,
        itemStyle: { color: s.color },
        data: days.map((d) => (money ? yuan(s.pick(d)) : s.pick(d))),
      })),
    })
    const resize = () => chart.resize()
    window.addEventListener('resize', resize)
    return () => {
      window.removeEventListener('resize', resize)
      chart.dispose()
    }
  }, [days, series, money])
  return <div ref={ref} id={id} style={{ height: 280 }} />
}

const SALES: Series[] = [
  { name: '线上', type: 'bar', stack: 'sales', pick: (d) => d.onlineSalesFen, color: '#c2410c' },
  { name: '线下', type: 'bar', stack: 'sales', pick: (d) => d.offlineSalesFen, color: '#0f766e' },
  { name: '退款', type: 'line', pick: (d) => d.refundsFen, color: '#64748b' },
]
const MEMBERS: Series[] = [
  { name: '新会员', type: 'bar', pick: (d) => d.newMembers, color: '#c2410c' },
]
const POINTS: Series[] = [
  { name: '发放', type: 'bar', pick: (d) => d.pointsIssued, color: '#ca8a04' },
  { name: '兑换', type: 'bar', pick: (d) => d.pointsRedeemed, color: '#7c3aed' },
]
const COMMISSION: Series[] = [
  { name: '计提', type: 'bar', pick: (d) => d.commissionAccruedFen, color: '#0f766e' },
  { name: '冲减', type: 'bar', pick: (d) => d.commissionReversedFen, color: '#b91c1c' },
]

const money = (fen: number) => `¥${fenToYuan(fen)}`

/** `↑ 12.5%`, `↓ 3.0%`, `持平`; against nothing, `上期无数据`. */
export function changeText(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? '持平' : '上期无数据'
  const pct = ((current - previous) / Math.abs(previous)) * 100
  if (Math.abs(pct) < 0.05) return '持平'
  return `${pct > 0 ? '↑' : '↓'} ${Math.abs(pct).toFixed(1)}%`
}

function Total({
  id,
  title,
  value,
  previous,
  money: isMoney,
}: {
  id: string
  title: string
  value: number | undefined
  /** The same figure over the previous period; absent where a comparison means nothing. */
  previous?: number
  money?: boolean
}) {
  return (
    <Card size="small">
      {value === undefined ? (
        <Skeleton active paragraph={false} />
      ) : (
        <div id={id}>
          <Statistic
            title={title}
            value={isMoney ? yuan(value) : value}
            precision={isMoney ? 2 : 0}
            prefix={isMoney ? '¥' : undefined}
          />
          {previous !== undefined && (
            <Typography.Text type="secondary" className="total-compare" style={{ fontSize: 12 }}>
              上期 {isMoney ? money(previous) : previous} · {changeText(value, previous)}
            </Typography.Text>
          )}
        </div>
      )}
    </Card>
  )
}

type Dashboard = AdminResult<'dashboard'>
type StoreRow = Dashboard['storeRanking'][number]
type ClerkRow = Dashboard['clerkRanking'][number]

const netOf = (t: Dashboard['totals']) => t.onlineSalesFen + t.offlineSalesFen - t.refundsFen

/** The figures in the order the page shows them: title, this period, the previous one, money or a count. */
function figureRows(d: Dashboard): [string, number, number, boolean][] {
  const t = d.totals
  const p = d.previous.totals
  return [
    ['新会员', t.newMembers, p.newMembers, false],
    ['线上订单数', t.onlineOrders, p.onlineOrders, false],
    ['线上销售额', t.onlineSalesFen, p.onlineSalesFen, true],
    ['线下消费笔数', t.offlineSales, p.offlineSales, false],
    ['线下销售额', t.offlineSalesFen, p.offlineSalesFen, true],
    ['退款', t.refundsFen, p.refundsFen, true],
    ['净销售额', netOf(t), netOf(p), true],
    ['积分发放', t.pointsIssued, p.pointsIssued, false],
    ['积分兑换', t.pointsRedeemed, p.pointsRedeemed, false],
    ['提成计提', t.commissionAccruedFen, p.commissionAccruedFen, true],
    ['提成冲减（退款）', t.commissionReversedFen, p.commissionReversedFen, true],
  ]
}

/** What the page shows, as one CSV for Excel: the figures against the previous period, then both rankings. */
export function dashboardCsv(d: Dashboard, storeLabel: string): string {
  const cell = (value: number, isMoney: boolean) => (isMoney ? csvNumber(fenToYuan(value)) : value)
  const rows: CsvCell[][] = [
    ['范围', storeLabel],
    ['本期', `${d.from} 至 ${d.to}`],
    ['上期', `${d.previous.from} 至 ${d.previous.to}`],
    ['会员总数', d.totalMembers],
    [],
    ['指标', '本期', '上期', '变化'],
    ...figureRows(d).map(([title, now, before, isMoney]) => [
      `${title}${isMoney ? '（元）' : ''}`,
      cell(now, isMoney),
      cell(before, isMoney),
      changeText(now, before),
    ]),
    [],
    ['门店排行'],
    [
      '排名',
      '门店编码',
      '门店',
      '净销售额（元）',
      '线上（元）',
      '线下（元）',
      '退款（元）',
      '单数',
      '新会员',
      '上期净销售额（元）',
      '环比',
    ],
    ...d.storeRanking.map((r, i) => [
      i + 1,
      r.storeCode,
      r.storeName,
      cell(r.netSalesFen, true),
      cell(r.onlineSalesFen, true),
      cell(r.offlineSalesFen, true),
      cell(r.refundsFen, true),
      r.orders,
      r.newMembers,
      cell(r.previousNetSalesFen, true),
      changeText(r.netSalesFen, r.previousNetSalesFen),
    ]),
    [],
    ['导购排行'],
    [
      '排名',
      '导购编号',
      '导购',
      '门店',
      '会员销售额（元）',
      '单数',
      '提成（元）',
      '上期销售额（元）',
      '环比',
    ],
    ...d.clerkRanking.map((r, i) => [
      i + 1,
      r.clerkCode,
      r.clerkName,
      r.storeName,
      cell(r.salesFen, true),
      r.orders,
      cell(r.commissionFen, true),
      cell(r.previousSalesFen, true),
      changeText(r.salesFen, r.previousSalesFen),
    ]),
  ]
  return toCsv(['数据看板'], rows)
}

function Rankings({ data }: { data: Dashboard }) {
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <Card title="门店排行（按净销售额）" size="small">
          <Table<StoreRow>
            id="store-ranking"
            rowKey="storeId"
            dataSource={data.storeRanking}
            pagination={{ defaultPageSize: 10 }}
            columns={[
              {
                title: '排名',
                key: 'rank',
                width: 56,
                render: (_v, r) => rankOf(data.storeRanking, r),
              },
              { title: '门店编码', dataIndex: 'storeCode', width: 96 },
              { title: '门店', dataIndex: 'storeName' },
              { title: '净销售额', dataIndex: 'netSalesFen', align: 'right', render: money },
              { title: '线上', dataIndex: 'onlineSalesFen', align: 'right', render: money },
              { title: '线下', dataIndex: 'offlineSalesFen', align: 'right', render: money },
              { title: '退款', dataIndex: 'refundsFen', align: 'right', render: money },
              { title: '单数', dataIndex: 'orders', align: 'right' },
              { title: '新会员', dataIndex: 'newMembers', align: 'right' },
              {
                title: '上期净销售额',
                dataIndex: 'previousNetSalesFen',
                align: 'right',
                render: money,
              },
              {
                title: '环比',
                key: 'change',
                align: 'right',
                render: (_v, r) => changeText(r.netSalesFen, r.previousNetSalesFen),
              },
            ]}
          />
        </Card>
      </Col>
      <Col span={24}>
        <Card title="导购排行（按所属会员的销售额，扣除退款）" size="small">
          <Table<ClerkRow>
            id="clerk-ranking"
            rowKey="clerkId"
            dataSource={data.clerkRanking}
            pagination={{ defaultPageSize: 10 }}
            columns={[
              {
                title: '排名',
                key: 'rank',
                width: 56,
                render: (_v, r) => rankOf(data.clerkRanking, r),
              },
              { title: '导购编号', dataIndex: 'clerkCode', width: 96 },
              { title: '导购', dataIndex: 'clerkName' },
              { title: '门店', dataIndex: 'storeName' },
              { title: '会员销售额', dataIndex: 'salesFen', align: 'right', render: money },
              { title: '单数', dataIndex: 'orders', align: 'right' },
              { title: '提成', dataIndex: 'commissionFen', align: 'right', render: money },
              { title: '上期销售额', dataIndex: 'previousSalesFen', align: 'right', render: money },
              {
                title: '环比',
                key: 'change',
                align: 'right',
                render: (_v, r) => changeText(r.salesFen, r.previousSalesFen),
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  )
}

/** The row's place in the whole ranking (not in the page shown). */
const rankOf = <T,>(rows: T[], row: T) => rows.indexOf(row) + 1

export function DashboardPage() {
  const [state, setState] = useUrlState(DEFAULTS)
  const params = useMemo(
    () => ({
      ...(state.storeId ? { storeId: state.storeId } : {}),
      ...(state.from ? { from: state.from } : {}),
      ...(state.to ? { to: state.to } : {}),
    }),
    [state],
  )
  const dashboard = useAdminQuery('dashboard', params)
  // The chosen store's name for the CSV's title (the picker searches on its own).
  const stores = useAdminQuery('listStores', {})
  const mutate = useAdminMutation()
  const [refreshing, setRefreshing] = useState(false)
  const data = dashboard.data
  const t = data?.totals
  const p = data?.previous.totals
  const storeLabel = state.storeId
    ? (stores.data?.items.find((x) => x.storeId === state.storeId)?.name ?? '所选门店')
    : '全部门店'

  const refresh = async () => {
    setRefreshing(true)
    // refreshDashboard marks the figures stale: they load again before the spinner stops.
    await mutate('refreshDashboard', {}, '今日数据已更新')
    setRefreshing(false)
  }

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space wrap>
        <StorePicker
          id="dashboard-store"
          allowClear
          placeholder="全部门店"
          style={{ width: 200 }}
          value={state.storeId || undefined}
          onChange={(v?: string) => setState({ storeId: v ?? '' })}
        />
        <DatePicker.RangePicker
          id="dashboard-range"
          allowClear={false}
          presets={presets()}
          value={data ? [dayjs(data.from), dayjs(data.to)] : null}
          disabledDate={(d) => d.isAfter(shanghaiToday(), 'day')}
          onChange={(range) => {
            if (range?.[0] && range[1])
              setState({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') })
          }}
        />
        <Button
          id="dashboard-export"
          icon={<DownloadOutlined />}
          disabled={!data}
          onClick={() =>
            data &&
            downloadCsv(dashboardCsv(data, storeLabel), `dashboard-${data.from}-${data.to}.csv`)
          }
        >
          导出 CSV
        </Button>
        <Button
          id="dashboard-refresh"
          icon={<ReloadOutlined />}
          loading={refreshing}
          onClick={() => void refresh()}
        >
          刷新
        </Button>
        {data && (
          <Typography.Text type="secondary" id="dashboard-updated">
            {data.updatedAt
              ? `数据更新于 ${formatShanghaiMinute(new Date(data.updatedAt)).slice(11)}`
              : '尚未汇总，点击刷新'}
          </Typography.Text>
        )}
      </Space>
      {dashboard.error && <Alert type="error" showIcon message={dashboard.error} />}
      <Typography.Text type="secondary">
        销售额按支付日计（含后来退款的订单），退款按退款成功日单独列出；净销售额 = 线上 + 线下 −
        退款。{data && `对比上期：${data.previous.from} 至 ${data.previous.to}（同样天数）。`}
      </Typography.Text>
      <Row gutter={[16, 16]}>
        <Col span={6}>
          <Total id="total-members" title="会员总数" value={data?.totalMembers} />
        </Col>
        <Col span={6}>
          <Total
            id="total-new-members"
            title="新会员"
            value={t?.newMembers}
            previous={p?.newMembers}
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-online-sales"
            title={`线上销售额（${t?.onlineOrders ?? 0} 单）`}
            value={t?.onlineSalesFen}
            previous={p?.onlineSalesFen}
            money
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-offline-sales"
            title={`线下销售额（${t?.offlineSales ?? 0} 笔）`}
            value={t?.offlineSalesFen}
            previous={p?.offlineSalesFen}
            money
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-refunds"
            title="退款"
            value={t?.refundsFen}
            previous={p?.refundsFen}
            money
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-net-sales"
            title="净销售额"
            value={t ? netOf(t) : undefined}
            previous={p ? netOf(p) : undefined}
            money
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-points-issued"
            title="积分发放"
            value={t?.pointsIssued}
            previous={p?.pointsIssued}
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-points-redeemed"
            title="积分兑换"
            value={t?.pointsRedeemed}
            previous={p?.pointsRedeemed}
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-commission-accrued"
            title="提成计提"
            value={t?.commissionAccruedFen}
            previous={p?.commissionAccruedFen}
            money
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-commission-reversed"
            title="提成冲减（退款）"
            value={t?.commissionReversedFen}
            previous={p?.commissionReversedFen}
            money
          />
        </Col>
      </Row>
      {data && (
        <Row gutter={[16, 16]}>
          <Col span={12}>
            <Card title="每日销售额（元）">
              <DailyChart id="sales-chart" days={data.byDay} series={SALES} money />
            </Card>
          </Col>
          <Col span={12}>
            <Card title="每日新会员">
              <DailyChart id="new-members-chart" days={data.byDay} series={MEMBERS} />
            </Card>
          </Col>
          <Col span={12}>
            <Card title="每日积分">
              <DailyChart id="points-chart" days={data.byDay} series={POINTS} />
            </Card>
          </Col>
          <Col span={12}>
            <Card title="每日提成（元）">
              <DailyChart id="commission-chart" days={data.byDay} series={COMMISSION} money />
            </Card>
          </Col>
        </Row>
      )}
      {data && <Rankings data={data} />}
    </Space>
  )
}
