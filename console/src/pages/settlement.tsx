import { CloudDownloadOutlined, DownloadOutlined } from '@ant-design/icons'
import { Alert, Button, Card, DatePicker, Radio, Space, Table, Typography } from 'antd'
import dayjs from 'dayjs'
import { useNavigate } from 'react-router-dom'
import { fenToYuan } from '../../../shared/commission/rules/commission'
import { downloadCsv, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { useJobNotice } from '../job-notice'
import { useUrlState } from '../url-state'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { shanghaiThisMonth } from '../time'

type Row = AdminResult<'settlement'>['rows'][number]

const DEFAULTS = { month: shanghaiThisMonth(), by: 'clerk' }
const yuan = (fen: number) => `¥${fenToYuan(fen)}`

export function SettlementPage() {
  const { canWrite } = useAuth()
  const navigate = useNavigate()
  const notice = useJobNotice()
  const [state, setState] = useUrlState(DEFAULTS)
  const by = state.by === 'store' ? 'store' : 'clerk'
  const settlement = useAdminQuery('settlement', { month: state.month, by })
  const mutate = useAdminMutation()

  async function exportNow() {
    const result = await mutate('settlementCsv', { month: state.month, by })
    if (result) downloadCsv(result.csv, result.filename)
  }

  async function exportAsJob() {
    const job = await mutate('createExportJob', {
      kind: 'exportSettlement',
      month: state.month,
      by,
    })
    if (job) notice(job, '已开始生成提成结算')
  }

  const rows = settlement.data?.rows ?? []
  const total = (pick: (r: Row) => number) => rows.reduce((sum, r) => sum + pick(r), 0)
  return (
    <Card
      title="提成结算"
      extra={
        <Space>
          <Button
            id="settlement-export"
            icon={<DownloadOutlined />}
            onClick={() => void exportNow()}
          >
            导出 CSV
          </Button>
          <Button
            id="settlement-export-job"
            icon={<CloudDownloadOutlined />}
            disabled={!canWrite}
            onClick={() => void exportAsJob()}
          >
            后台导出
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <DatePicker
          id="settlement-month"
          picker="month"
          allowClear={false}
          value={dayjs(`${state.month}-01`)}
          onChange={(d) => d && setState({ month: d.format('YYYY-MM') })}
        />
        <Radio.Group
          id="settlement-by"
          value={by}
          onChange={(e) => setState({ by: e.target.value as string })}
          optionType="button"
        >
          <Radio.Button value="clerk">按导购</Radio.Button>
          <Radio.Button value="store">按门店</Radio.Button>
        </Radio.Group>
      </Space>
      {settlement.data && (
        <Typography.Paragraph type="secondary" id="settlement-rules">
          当前提成规则：实付金额的 {settlement.data.rules.rateBp / 100}%，退款期{' '}
          {settlement.data.rules.refundWindowDays} 天（自提、签收或门店消费后，期满结算）。
          {canWrite && (
            <Typography.Link onClick={() => void navigate('/settings')}> 修改规则</Typography.Link>
          )}
        </Typography.Paragraph>
      )}
      {settlement.error && (
        <Alert
          type="error"
          showIcon
          message={settlement.error}
          action={<Button onClick={() => void settlement.reload()}>重试</Button>}
        />
      )}
      <Table<Row>
        id="settlement-table"
        rowKey="id"
        size="small"
        loading={settlement.loading}
        dataSource={rows}
        pagination={{ defaultPageSize: 50, showTotal: (t) => `共 ${t} 行` }}
        columns={[
          ...(by === 'clerk'
            ? [
                { title: '导购编号', dataIndex: 'clerkCode' },
                { title: '导购', dataIndex: 'name' },
              ]
            : []),
          { title: '门店编码', dataIndex: 'storeCode' },
          { title: '门店', dataIndex: 'storeName' },
          { title: '订单数', dataIndex: 'orders', align: 'right' as const },
          { title: '线上销售', dataIndex: 'salesOnlineFen', align: 'right' as const, render: yuan },
          {
            title: '线下销售',
            dataIndex: 'salesOfflineFen',
            align: 'right' as const,
            render: yuan,
          },
          { title: '净销售额', dataIndex: 'salesFen', align: 'right' as const, render: yuan },
          {
            title: '待结算提成',
            dataIndex: 'commissionPendingFen',
            align: 'right' as const,
            render: yuan,
          },
          {
            title: '已结算提成',
            dataIndex: 'commissionSettledFen',
            align: 'right' as const,
            render: yuan,
          },
          {
            title: '退款冲减',
            dataIndex: 'commissionReversedFen',
            align: 'right' as const,
            render: yuan,
          },
          {
            title: '应付提成',
            dataIndex: 'payableFen',
            align: 'right' as const,
            render: (fen: number) => <Typography.Text strong>{yuan(fen)}</Typography.Text>,
          },
        ]}
        summary={() =>
          rows.length > 0 && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={by === 'clerk' ? 4 : 2}>
                合计
              </Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                {total((r) => r.orders)}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                {yuan(total((r) => r.salesOnlineFen))}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">
                {yuan(total((r) => r.salesOfflineFen))}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">
                {yuan(total((r) => r.salesFen))}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">
                {yuan(total((r) => r.commissionPendingFen))}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={6} align="right">
                {yuan(total((r) => r.commissionSettledFen))}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={7} align="right">
                {yuan(total((r) => r.commissionReversedFen))}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={8} align="right">
                <span id="settlement-payable-total">{yuan(total((r) => r.payableFen))}</span>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )
        }
      />
    </Card>
  )
}
