import { Alert, Card, Col, Row, Select, Skeleton, Space, Statistic } from 'antd'
import * as echarts from 'echarts/core'
import { BarChart } from 'echarts/charts'
import { GridComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useMemo, useRef } from 'react'
import { useUrlState } from '../url-state'
import { useAdminQuery } from '../use-admin'

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer])

const DEFAULTS = { storeId: '', days: 30 }

export function DashboardPage() {
  const [state, setState] = useUrlState(DEFAULTS)
  const stores = useAdminQuery('listStores', {})
  const params = useMemo(() => ({ days: state.days, ...(state.storeId ? { storeId: state.storeId } : {}) }), [state])
  const dashboard = useAdminQuery('dashboard', params)
  const chartRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!chartRef.current || !dashboard.data) return
    const chart = echarts.init(chartRef.current)
    chart.setOption({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: dashboard.data.newMembersByDay.map((d) => d.day.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: '新会员', type: 'bar', data: dashboard.data.newMembersByDay.map((d) => d.count), itemStyle: { color: '#c2410c' } }],
    })
    const resize = () => chart.resize()
    window.addEventListener('resize', resize)
    return () => {
      window.removeEventListener('resize', resize)
      chart.dispose()
    }
  }, [dashboard.data])

  const newInPeriod = dashboard.data?.newMembersByDay.reduce((sum, d) => sum + d.count, 0) ?? 0
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space>
        <Select
          allowClear
          placeholder="全部门店"
          style={{ width: 200 }}
          value={state.storeId || undefined}
          options={(stores.data?.items ?? []).map((s) => ({ value: s.storeId, label: s.name }))}
          onChange={(v?: string) => setState({ storeId: v ?? '' })}
        />
        <Select
          style={{ width: 140 }}
          value={state.days}
          options={[7, 30, 90, 365].map((d) => ({ value: d, label: `近 ${d} 天` }))}
          onChange={(v: number) => setState({ days: v })}
        />
      </Space>
      {dashboard.error && <Alert type="error" showIcon message={dashboard.error} />}
      <Row gutter={16}>
        <Col span={8}>
          <Card>{dashboard.data ? <Statistic title="会员总数" value={dashboard.data.totalMembers} /> : <Skeleton active paragraph={false} />}</Card>
        </Col>
        <Col span={8}>
          <Card>{dashboard.data ? <Statistic title={`近 ${state.days} 天新会员`} value={newInPeriod} /> : <Skeleton active paragraph={false} />}</Card>
        </Col>
        <Col span={8}>
          <Card>{stores.data ? <Statistic title="营业门店" value={stores.data.items.filter((s) => s.status === 'active').length} /> : <Skeleton active paragraph={false} />}</Card>
        </Col>
      </Row>
      <Card title="每日新会员">
        <div ref={chartRef} style={{ height: 300 }} id="new-members-chart" />
      </Card>
    </Space>
  )
}
