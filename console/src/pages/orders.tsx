import {
  Alert,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
  Result,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd'
import type { SorterResult } from 'antd/es/table/interface'
import dayjs, { type Dayjs } from 'dayjs'
import { useMemo, useState } from 'react'
import { fenToYuan, yuanToFen } from '../../../shared/commission/rules/commission'
import { ORDER_STORED_STATUS_LABELS } from '../../../shared/shop/lifecycle'
import type { AdminResult } from '../api'
import { formatPostalAddress, ShipDialog } from '../ship-dialog'
import { StorePicker } from '../store-picker'
import { useUrlState } from '../url-state'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { shanghai } from '../time'

type Row = AdminResult<'listOrders'>['items'][number]
type Detail = AdminResult<'orderDetail'>
type OrderStatus = Row['status']
type OrderState = Row['state']

const DEFAULTS = {
  page: 1,
  pageSize: 20,
  status: '',
  storeId: '',
  from: '',
  to: '',
  search: '',
  /** '1': also the order ids closed without an order (下单未完成), hidden by default. */
  abandoned: '',
  sortBy: 'createdAt',
  sortOrder: 'desc',
  order: '',
}
/** Colours only: the label and what may be done come with the order from the server. */
const STATE_COLOR: Record<OrderState, string> = {
  awaiting_payment: 'default',
  awaiting_pickup: 'blue',
  awaiting_shipment: 'blue',
  shipped: 'cyan',
  delivered: 'green',
  picked_up: 'green',
  cancelled: 'default',
  expired: 'default',
  refunded: 'orange',
}
const REFUND_COLOR: Record<AdminResult<'refundOrder'>['status'], string> = {
  processing: 'processing',
  succeeded: 'green',
  abnormal: 'red',
  closed: 'default',
  failed: 'red',
}

const yuan = (fen: number) => `¥${fenToYuan(fen)}`
const REFUND_POLL_MS = 1000

export function OrdersPage() {
  const [state, setState] = useUrlState(DEFAULTS)
  const params = useMemo(
    () => ({
      page: state.page,
      pageSize: state.pageSize,
      sortBy: state.sortBy as 'createdAt' | 'totalFen',
      sortOrder: state.sortOrder as 'asc' | 'desc',
      ...(state.status ? { status: state.status as OrderStatus } : {}),
      ...(state.storeId ? { storeId: state.storeId } : {}),
      ...(state.from ? { from: state.from } : {}),
      ...(state.to ? { to: state.to } : {}),
      ...(state.search ? { search: state.search } : {}),
      ...(state.abandoned ? { includeAbandoned: true } : {}),
    }),
    [
      state.page,
      state.pageSize,
      state.sortBy,
      state.sortOrder,
      state.status,
      state.storeId,
      state.from,
      state.to,
      state.search,
      state.abandoned,
    ],
  )
  const orders = useAdminQuery('listOrders', params)
  const sortOrderOf = (field: string) =>
    state.sortBy === field ? (state.sortOrder === 'asc' ? 'ascend' : 'descend') : null

  return (
    <Card title="订单与退款">
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          id="order-search"
          allowClear
          placeholder="订单号 / 会员号 / 手机号 / 商户单号"
          defaultValue={state.search}
          onSearch={(value) => setState({ search: value.trim(), page: 1 })}
          style={{ width: 300 }}
        />
        <Select
          id="order-status-filter"
          allowClear
          placeholder="状态"
          style={{ width: 120 }}
          value={state.status || undefined}
          options={Object.entries(ORDER_STORED_STATUS_LABELS).map(([value, label]) => ({
            value,
            label,
          }))}
          onChange={(v?: string) => setState({ status: v ?? '', page: 1 })}
        />
        <StorePicker
          id="order-store-filter"
          allowClear
          placeholder="提货门店"
          style={{ width: 200 }}
          value={state.storeId || undefined}
          onChange={(v?: string) => setState({ storeId: v ?? '', page: 1 })}
        />
        <DatePicker.RangePicker
          value={state.from && state.to ? [dayjs(state.from), dayjs(state.to)] : null}
          onChange={(range: [Dayjs | null, Dayjs | null] | null) =>
            setState({
              from: range?.[0]?.format('YYYY-MM-DD') ?? '',
              to: range?.[1]?.format('YYYY-MM-DD') ?? '',
              page: 1,
            })
          }
        />
        <Checkbox
          id="order-abandoned-filter"
          checked={state.abandoned === '1'}
          onChange={(e) => setState({ abandoned: e.target.checked ? '1' : '', page: 1 })}
        >
          显示未完成的下单
        </Checkbox>
      </Space>
      {orders.error && (
        <Alert
          type="error"
          showIcon
          message={orders.error}
          action={<Button onClick={() => void orders.reload()}>重试</Button>}
        />
      )}
      <Table<Row>
        id="orders-table"
        rowKey="orderId"
        loading={orders.loading}
        dataSource={orders.data?.items ?? []}
        pagination={{
          current: state.page,
          pageSize: state.pageSize,
          total: orders.data?.total ?? 0,
          showTotal: (t) => `共 ${t} 笔订单`,
          showSizeChanger: true,
        }}
        onChange={(pagination, _filters, sorter) => {
          const s = sorter as SorterResult<Row>
          setState({
            page: pagination.current ?? 1,
            pageSize: pagination.pageSize ?? 20,
            sortBy: s.order ? String(s.field) : 'createdAt',
            sortOrder: s.order === 'ascend' ? 'asc' : 'desc',
          })
        }}
        columns={[
          {
            title: '订单号',
            dataIndex: 'orderNo',
            // The number people read and type; the id only travels in the link.
            render: (no: string | null, row) => (
              <Button
                type="link"
                size="small"
                className="order-open"
                onClick={() => setState({ order: row.orderId })}
              >
                {no ?? '（无编号）'}
              </Button>
            ),
          },
          {
            title: '下单时间',
            dataIndex: 'createdAt',
            sorter: true,
            sortOrder: sortOrderOf('createdAt'),
            render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm'),
          },
          { title: '会员号', dataIndex: 'memberNo', render: (no: string | null) => no ?? '—' },
          {
            title: '方式',
            dataIndex: 'fulfilment',
            render: (f: string, row) =>
              f === 'pickup' ? `到店自提 · ${row.storeName ?? ''}` : '快递配送',
          },
          {
            title: '金额',
            dataIndex: 'totalFen',
            align: 'right',
            sorter: true,
            sortOrder: sortOrderOf('totalFen'),
            render: yuan,
          },
          {
            title: '已退款',
            dataIndex: 'refundedFen',
            align: 'right',
            render: (fen: number) => (fen ? yuan(fen) : '—'),
          },
          {
            title: '状态',
            dataIndex: 'statusLabel',
            render: (label: string, row) => <Tag color={STATE_COLOR[row.state]}>{label}</Tag>,
          },
        ]}
      />
      <OrderDrawer
        orderId={state.order || null}
        onClose={() => {
          setState({ order: '' })
          // A refund settles after the dialog closes: the list shows it from here on.
          void orders.reload()
        }}
      />
    </Card>
  )
}

function OrderDrawer({ orderId, onClose }: { orderId: string | null; onClose: () => void }) {
  return (
    <Drawer title="订单详情" width={640} open={orderId !== null} onClose={onClose} destroyOnClose>
      {orderId && <OrderDetail orderId={orderId} />}
    </Drawer>
  )
}

function refundSettling(d: AdminResult<'orderDetail'>): boolean {
  const succeeded = d.refunds
    .filter((r) => r.status === 'succeeded')
    .reduce((sum, r) => sum + r.amountFen, 0)
  return d.refunds.some((r) => r.open) || succeeded !== d.order.refundedFen
}

function OrderDetail({ orderId }: { orderId: string }) {
  // WeChat Pay settles a refund after the request, and the order books it after that: look again
  // until none is processing and the order's refunded total has caught up with the refunds.
  const detail = useAdminQuery(
    'orderDetail',
    { orderId },
    {
      keepPrevious: false,
      refetchInterval: (d) => (d && refundSettling(d) ? REFUND_POLL_MS : false),
    },
  )
  const [refunding, setRefunding] = useState(false)
  const [shipping, setShipping] = useState(false)
  const mutate = useAdminMutation()
  if (detail.loading && !detail.data) return <Skeleton active />
  if (detail.error) return <Alert type="error" showIcon message={detail.error} />
  const data = detail.data!
  const o = data.order
  // What HQ may do next is the server's answer (none for an analyst, no shipping a refunded order).
  const can = (action: Detail['order']['actions'][number]) => o.actions.includes(action)
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }} id="order-detail">
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label="订单号">
          <span id="order-no">{o.orderNo ?? '—'}</span>
        </Descriptions.Item>
        <Descriptions.Item label="下单时间">
          {shanghai(o.createdAt).format('YYYY-MM-DD HH:mm:ss')}
        </Descriptions.Item>
        <Descriptions.Item label="状态">
          <Tag id="order-status" color={STATE_COLOR[o.state]}>
            {o.statusLabel}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label="会员号">{o.memberNo ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="方式">
          {o.fulfilment === 'pickup' ? `到店自提 · ${o.storeName ?? ''}` : '快递配送'}
        </Descriptions.Item>
        <Descriptions.Item label="提货码">{o.pickupCode ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="订单金额">{yuan(o.totalFen)}</Descriptions.Item>
        <Descriptions.Item label="已退款">
          <span id="order-refunded">{yuan(o.refundedFen)}</span>
        </Descriptions.Item>
        <Descriptions.Item label="可退金额">
          <span id="order-refundable">{yuan(data.refundableFen)}</span>
        </Descriptions.Item>
        <Descriptions.Item label="核销导购">{o.pickedUpBy ?? '—'}</Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="productId"
        pagination={false}
        dataSource={o.items}
        columns={[
          { title: '商品', dataIndex: 'name' },
          { title: '单价', dataIndex: 'priceFen', align: 'right', render: yuan },
          { title: '数量', dataIndex: 'qty', align: 'right' },
          { title: '小计', align: 'right', render: (_, item) => yuan(item.priceFen * item.qty) },
        ]}
      />
      {o.fulfilment === 'delivery' && (
        <Card
          size="small"
          title="配送"
          id="order-delivery"
          extra={
            <Space>
              {can('ship') && (
                <Button id="ship-open" type="primary" onClick={() => setShipping(true)}>
                  发货
                </Button>
              )}
              {can('markDelivered') && (
                <Button
                  id="mark-delivered"
                  onClick={() =>
                    Modal.confirm({
                      title: '标记为已签收？',
                      content: '会员未点确认收货、但快递显示已签收时使用；退款期从签收时开始计算。',
                      okText: '标记签收',
                      onOk: () =>
                        mutate('markOrderDelivered', { orderId: o.orderId }, '已标记签收'),
                    })
                  }
                >
                  标记签收
                </Button>
              )}
            </Space>
          }
        >
          <Descriptions column={1} size="small">
            <Descriptions.Item label="收货地址">
              {o.deliveryAddress
                ? `${o.deliveryAddress.name} ${o.deliveryAddress.phone}，${formatPostalAddress(o.deliveryAddress)}`
                : '—'}
            </Descriptions.Item>
            <Descriptions.Item label="快递">
              <span id="order-shipment">
                {o.shipment
                  ? `${o.shipment.carrier} ${o.shipment.trackingNo}（${shanghai(o.shipment.shippedAt).format('YYYY-MM-DD HH:mm')}）`
                  : '未发货'}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label="签收">
              {o.deliveredAt ? shanghai(o.deliveredAt).format('YYYY-MM-DD HH:mm') : '—'}
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Card size="small" title="支付">
        {data.payment ? (
          <Descriptions column={2} size="small">
            <Descriptions.Item label="商户单号">{data.payment.outTradeNo}</Descriptions.Item>
            <Descriptions.Item label="微信支付单号">
              {data.payment.transactionId ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label="支付金额">{yuan(data.payment.amountFen)}</Descriptions.Item>
            <Descriptions.Item label="支付时间">
              {data.payment.paidAt
                ? shanghai(data.payment.paidAt).format('YYYY-MM-DD HH:mm:ss')
                : '—'}
            </Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">未发起支付</Typography.Text>
        )}
      </Card>
      <Card
        size="small"
        title="退款记录"
        extra={
          can('refund') && (
            <Button id="refund-open" danger onClick={() => setRefunding(true)}>
              退款
            </Button>
          )
        }
      >
        <Table
          id="order-refunds"
          size="small"
          rowKey="outRefundNo"
          pagination={false}
          dataSource={data.refunds}
          locale={{ emptyText: '暂无退款' }}
          columns={[
            { title: '退款单号', dataIndex: 'outRefundNo', ellipsis: true },
            { title: '金额', dataIndex: 'amountFen', align: 'right', render: yuan },
            { title: '原因', dataIndex: 'reason' },
            {
              title: '状态',
              dataIndex: 'status',
              render: (s: Detail['refunds'][number]['status'], refund) => (
                <Tag color={REFUND_COLOR[s]}>{refund.statusLabel}</Tag>
              ),
            },
            {
              title: '申请时间',
              dataIndex: 'createdAt',
              render: (d: string) => shanghai(d).format('MM-DD HH:mm'),
            },
          ]}
        />
      </Card>
      <Card size="small" title="状态时间线">
        <Timeline
          items={data.timeline.map((t) => ({
            children: `${shanghai(t.at).format('YYYY-MM-DD HH:mm:ss')}  ${t.event}`,
          }))}
        />
      </Card>
      <ShipDialog
        title={`发货 · 订单 ${o.orderNo ?? ''}`}
        address={o.deliveryAddress}
        open={shipping}
        onCancel={() => setShipping(false)}
        onShip={async (carrier, trackingNo) => {
          const shipped = await mutate(
            'shipOrder',
            { orderId: o.orderId, carrier, trackingNo },
            `已发货：${carrier} ${trackingNo}`,
          )
          if (!shipped) return false
          setShipping(false)
          return true
        }}
      />
      {refunding && (
        <RefundDialog
          orderId={o.orderId}
          refundableFen={data.refundableFen}
          onClose={() => setRefunding(false)}
        />
      )}
    </Space>
  )
}

function RefundDialog({
  orderId,
  refundableFen,
  onClose,
}: {
  orderId: string
  refundableFen: number
  onClose: () => void
}) {
  const mutate = useAdminMutation()
  const [form] = Form.useForm()
  const [outcome, setOutcome] = useState<AdminResult<'refundOrder'> | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const mode = Form.useWatch('mode', form) as 'full' | 'partial' | undefined
  return (
    <Modal
      title="退款"
      open
      okText={outcome ? '完成' : '确认退款'}
      okButtonProps={{ id: 'refund-submit', danger: !outcome, loading: submitting }}
      cancelButtonProps={{ style: outcome ? { display: 'none' } : undefined }}
      onCancel={onClose}
      onOk={async () => {
        if (outcome) return onClose()
        const values = (await form.validateFields()) as {
          mode: 'full' | 'partial'
          amount?: string
          reason: string
        }
        setSubmitting(true)
        const result = await mutate('refundOrder', {
          orderId,
          reason: values.reason,
          ...(values.mode === 'partial' ? { amountFen: yuanToFen(values.amount ?? '')! } : {}),
        })
        setSubmitting(false)
        if (result) setOutcome(result)
      }}
    >
      {outcome ? (
        <div id="refund-outcome">
          <Result
            status={
              outcome.status === 'succeeded' || outcome.status === 'processing'
                ? 'success'
                : 'warning'
            }
            title={`退款 ${yuan(outcome.amountFen)}：${outcome.statusLabel}`}
            subTitle={`退款单号 ${outcome.outRefundNo}${outcome.status === 'processing' ? '，微信支付处理完成后自动到账' : ''}`}
          />
        </div>
      ) : (
        <Form form={form} layout="vertical" initialValues={{ mode: 'full' }}>
          <Typography.Paragraph>
            可退金额 <Typography.Text strong>{yuan(refundableFen)}</Typography.Text>
          </Typography.Paragraph>
          <Form.Item name="mode" label="退款方式">
            <Radio.Group id="refund-mode">
              <Radio value="full">全额退款</Radio>
              <Radio value="partial">部分退款</Radio>
            </Radio.Group>
          </Form.Item>
          {mode === 'partial' && (
            <Form.Item
              name="amount"
              label="退款金额（元）"
              rules={[
                { required: true, message: '请输入退款金额' },
                {
                  validator: async (_, value: string | undefined) => {
                    if (!value) return
                    const fen = yuanToFen(value)
                    if (fen === null) throw new Error('请输入大于 0 的金额，最多两位小数')
                    if (fen > refundableFen)
                      throw new Error(`不能超过可退金额 ${yuan(refundableFen)}`)
                  },
                },
              ]}
            >
              <Input id="refund-amount" prefix="¥" placeholder="如 20.50" />
            </Form.Item>
          )}
          <Form.Item
            name="reason"
            label="退款原因（记入操作日志）"
            rules={[{ required: true, whitespace: true, message: '请填写退款原因' }, { max: 80 }]}
          >
            <Input id="refund-reason" placeholder="如：商品破损" />
          </Form.Item>
        </Form>
      )}
    </Modal>
  )
}
