import { ReloadOutlined } from '@ant-design/icons'
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
  Typography,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useMemo, useRef, useState } from 'react'
import { formatShanghaiMinute } from '../../../shared/platform/calendar'
import type { AdminResult } from '../api'
import { StorePicker } from '../store-picker'
import { useUrlState } from '../url-state'
import { useAdminMutation, useAdminQuery } from '../use-admin'

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

/** Empty from/to: the server's default, the 30 days ending today. */
const DEFAULTS = { storeId: '', from: '', to: '' }
const presets = () =>
  [7, 30, 90, 365].map((days) => ({
    label: `近 ${days} 天`,
    value: [dayjs().subtract(days - 1, 'day'), dayjs()] as [Dayjs, Dayjs],
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

function Total({
  id,
  title,
  value,
  money,
}: {
  id: string
  title: string
  value: number | undefined
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
            value={money ? yuan(value) : value}
            precision={money ? 2 : 0}
            prefix={money ? '¥' : undefined}
          />
        </div>
      )}
    </Card>
  )
}

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
  const mutate = useAdminMutation()
  const [refreshing, setRefreshing] = useState(false)
  const data = dashboard.data
  const t = data?.totals

  const refresh = async () => {
    setRefreshing(true)
    if (await mutate('refreshDashboard', {}, '今日数据已更新')) await dashboard.reload()
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
          disabledDate={(d) => d.isAfter(dayjs(), 'day')}
          onChange={(range) => {
            if (range?.[0] && range[1])
              setState({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') })
          }}
        />
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
        退款。
      </Typography.Text>
      <Row gutter={[16, 16]}>
        <Col span={6}>
          <Total id="total-members" title="会员总数" value={data?.totalMembers} />
        </Col>
        <Col span={6}>
          <Total id="total-new-members" title="新会员" value={t?.newMembers} />
        </Col>
        <Col span={6}>
          <Total
            id="total-online-sales"
            title={`线上销售额（${t?.onlineOrders ?? 0} 单）`}
            value={t?.onlineSalesFen}
            money
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-offline-sales"
            title={`线下销售额（${t?.offlineSales ?? 0} 笔）`}
            value={t?.offlineSalesFen}
            money
          />
        </Col>
        <Col span={6}>
          <Total id="total-refunds" title="退款" value={t?.refundsFen} money />
        </Col>
        <Col span={6}>
          <Total
            id="total-net-sales"
            title="净销售额"
            value={t ? t.onlineSalesFen + t.offlineSalesFen - t.refundsFen : undefined}
            money
          />
        </Col>
        <Col span={6}>
          <Total id="total-points-issued" title="积分发放" value={t?.pointsIssued} />
        </Col>
        <Col span={6}>
          <Total id="total-points-redeemed" title="积分兑换" value={t?.pointsRedeemed} />
        </Col>
        <Col span={6}>
          <Total
            id="total-commission-accrued"
            title="提成计提"
            value={t?.commissionAccruedFen}
            money
          />
        </Col>
        <Col span={6}>
          <Total
            id="total-commission-reversed"
            title="提成冲减（退款）"
            value={t?.commissionReversedFen}
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
    </Space>
  )
}
