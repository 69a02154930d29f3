import { DownloadOutlined } from '@ant-design/icons'
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useMemo, useState } from 'react'
import { fenToYuan } from '../../../shared/commission/rules/commission'
import { formatShanghaiMinute } from '../../../shared/platform/calendar'
import { ApiFailure, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { useJobNotice } from '../job-notice'
import { useUrlState } from '../url-state'
import { useAdminQuery, useAdminWrite } from '../use-admin'

type Sale = AdminResult<'listOfflineSales'>['items'][number]

const yuan = (fen: number) => `¥${fenToYuan(fen)}`
const DEFAULTS = { page: 1, pageSize: 50, storeId: '', from: '', to: '', search: '' }

export function OfflineSalesPage() {
  const { canWrite } = useAuth()
  const { message } = App.useApp()
  const [state, setState] = useUrlState(DEFAULTS)
  const params = useMemo(
    () => ({
      page: state.page,
      pageSize: state.pageSize,
      ...(state.storeId ? { storeId: state.storeId } : {}),
      ...(state.from ? { from: state.from } : {}),
      ...(state.to ? { to: state.to } : {}),
      ...(state.search ? { search: state.search } : {}),
    }),
    [state.page, state.pageSize, state.storeId, state.from, state.to, state.search],
  )
  const sales = useAdminQuery('listOfflineSales', params)
  const stores = useAdminQuery('listStores', {})
  const [voiding, setVoiding] = useState<Sale | null>(null)
  const write = useAdminWrite()
  const notice = useJobNotice()

  async function startExport() {
    try {
      const job = await write('createDataExport', {
        kind: 'exportOfflineSales',
        ...(state.storeId ? { storeId: state.storeId } : {}),
        ...(state.from ? { from: state.from } : {}),
        ...(state.to ? { to: state.to } : {}),
      })
      notice(job, `已开始导出 ${job.total} 笔线下销售`)
    } catch (err) {
      void message.error(err instanceof ApiFailure ? err.message : '导出失败，请重试')
    }
  }

  return (
    <Card
      title="线下销售"
      extra={
        <Button id="sales-export" icon={<DownloadOutlined />} onClick={() => void startExport()}>
          导出 CSV
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          id="sales-store-filter"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="门店（名称或编码）"
          style={{ width: 220 }}
          value={state.storeId || undefined}
          options={(stores.data?.items ?? []).map((s) => ({
            value: s.storeId,
            label: `${s.name}（${s.code}）`,
          }))}
          onChange={(v?: string) => setState({ storeId: v ?? '', page: 1 })}
        />
        <DatePicker.RangePicker
          id="sales-dates"
          value={state.from && state.to ? [dayjs(state.from), dayjs(state.to)] : null}
          onChange={(range: [Dayjs | null, Dayjs | null] | null) =>
            setState({
              from: range?.[0]?.format('YYYY-MM-DD') ?? '',
              to: range?.[1]?.format('YYYY-MM-DD') ?? '',
              page: 1,
            })
          }
        />
        <Input.Search
          id="sales-search"
          allowClear
          placeholder="小票号 / 9 位会员号"
          defaultValue={state.search}
          style={{ width: 220 }}
          onSearch={(v) => setState({ search: v.trim(), page: 1 })}
        />
      </Space>
      <Typography.Paragraph type="secondary">
        时间为北京时间。退货期内的销售可以作废：积分和提成随之退回。
      </Typography.Paragraph>
      {sales.error && <Alert type="error" showIcon message={sales.error} />}
      <Table<Sale>
        id="sales-table"
        size="small"
        rowKey="saleId"
        loading={sales.loading}
        dataSource={sales.data?.items ?? []}
        pagination={{
          current: state.page,
          pageSize: state.pageSize,
          total: sales.data?.total ?? 0,
          showTotal: (t) => `共 ${t} 笔`,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
        }}
        onChange={(p) => setState({ page: p.current ?? 1, pageSize: p.pageSize ?? 50 })}
        columns={[
          {
            title: '时间',
            dataIndex: 'at',
            render: (d: string) => formatShanghaiMinute(new Date(d)),
          },
          { title: '门店', dataIndex: 'storeName' },
          { title: '导购', dataIndex: 'clerkName' },
          { title: '会员号', dataIndex: 'memberNo' },
          { title: '小票号', dataIndex: 'receiptNo' },
          { title: '金额', dataIndex: 'amountFen', align: 'right', render: yuan },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: Sale['status'], sale) => (
              <Tag color={s === 'valid' ? 'green' : undefined}>{sale.statusLabel}</Tag>
            ),
          },
          {
            title: '作废',
            render: (_, sale) =>
              sale.voided ? (
                <Typography.Text type="secondary" className="sale-voided">
                  {sale.voided.by} · {formatShanghaiMinute(new Date(sale.voided.at))} ·{' '}
                  {sale.voided.reason}
                </Typography.Text>
              ) : (
                sale.actions.includes('void') && (
                  <Button
                    size="small"
                    danger
                    className="sale-void"
                    disabled={!canWrite}
                    onClick={() => setVoiding(sale)}
                  >
                    作废
                  </Button>
                )
              ),
          },
        ]}
      />
      {voiding && <VoidDialog sale={voiding} onClose={() => setVoiding(null)} />}
    </Card>
  )
}

function VoidDialog({ sale, onClose }: { sale: Sale; onClose: () => void }) {
  const [form] = Form.useForm<{ reason: string }>()
  const write = useAdminWrite()
  const [saving, setSaving] = useState(false)
  const { message } = App.useApp()
  return (
    <Modal
      title="作废线下销售"
      open
      okText="作废"
      okButtonProps={{ id: 'void-submit', danger: true, loading: saving }}
      onCancel={onClose}
      onOk={async () => {
        const { reason } = await form.validateFields()
        setSaving(true)
        try {
          const result = await write('voidOfflineSale', {
            storeId: sale.storeId,
            receiptNo: sale.receiptNo,
            reason,
          })
          void message.success(
            `小票 ${result.receiptNo} 已作废，退回积分 ${result.pointsTakenBack}${
              result.pointsShortfall ? `（积分不足，差 ${result.pointsShortfall}）` : ''
            }`,
          )
          onClose()
        } catch (err) {
          const text = err instanceof ApiFailure ? err.message : '作废失败，请重试'
          form.setFields([{ name: 'reason', errors: [text] }])
        } finally {
          setSaving(false)
        }
      }}
    >
      <Typography.Paragraph id="void-sale">
        {sale.storeName} · 小票 {sale.receiptNo} · {yuan(sale.amountFen)} · 会员 {sale.memberNo}
      </Typography.Paragraph>
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label="作废原因"
          rules={[
            { required: true, whitespace: true, message: '请填写作废原因' },
            { max: 80, message: '作废原因不能超过 80 个字' },
          ]}
        >
          <Input id="void-reason" placeholder="例如：顾客退货" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
