import { Alert, Button, Card, Form, Input, Modal, Segmented, Table, Typography } from 'antd'
import dayjs from 'dayjs'
import { useState } from 'react'
import type { AdminResult } from '../api'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'

type MailRedemption = AdminResult<'mailRedemptions'>['items'][number]

const CARRIERS = ['顺丰速运', '中通快递', '圆通速递', '韵达快递', '申通快递', '京东物流', 'EMS']

/** Mail redemptions whose shipping fee is paid: HQ ships them (carrier + tracking number) and sees what shipped. */
export function MailRedemptionsPage() {
  const { canWrite } = useAuth()
  const [status, setStatus] = useState<'awaitingShipment' | 'shipped'>('awaitingShipment')
  const list = useAdminQuery('mailRedemptions', { status })
  const mutate = useAdminMutation()
  const [shipping, setShipping] = useState<MailRedemption | null>(null)
  const [form] = Form.useForm()

  return (
    <Card
      title="邮寄兑换"
      extra={
        <Segmented
          id="mail-status"
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          options={[
            { value: 'awaitingShipment', label: '待发货' },
            { value: 'shipped', label: '已发货' },
          ]}
        />
      }
    >
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Table<MailRedemption>
        id="mail-redemptions-table"
        rowKey="redemptionId"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        locale={{ emptyText: status === 'awaitingShipment' ? '没有待发货的邮寄兑换' : '还没有已发货的邮寄兑换' }}
        columns={[
          { title: '兑换时间', dataIndex: 'createdAt', render: (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm') },
          { title: '礼品', dataIndex: 'giftName' },
          { title: '会员号', dataIndex: 'memberNo' },
          {
            title: '收件人',
            render: (_, r) =>
              r.address && (
                <span>
                  {r.address.name} {r.address.phone}
                  <br />
                  <Typography.Text type="secondary">
                    {r.address.province}
                    {r.address.city}
                    {r.address.district} {r.address.detail}
                  </Typography.Text>
                </span>
              ),
          },
          { title: '运费', dataIndex: 'shippingFeeFen', align: 'right', render: (fen: number | null) => `¥${((fen ?? 0) / 100).toFixed(2)}` },
          status === 'awaitingShipment'
            ? {
                title: '操作',
                render: (_, r) => (
                  <Button size="small" type="primary" className="mail-ship" disabled={!canWrite} onClick={() => setShipping(r)}>
                    发货
                  </Button>
                ),
              }
            : {
                title: '快递',
                render: (_, r) =>
                  r.shipment && (
                    <span>
                      {r.shipment.carrier} {r.shipment.trackingNo}
                      <br />
                      <Typography.Text type="secondary">{r.shippedAt ? dayjs(r.shippedAt).format('YYYY-MM-DD HH:mm') : ''}</Typography.Text>
                    </span>
                  ),
              },
        ]}
      />
      <Modal
        title={`发货 · ${shipping?.giftName ?? ''}`}
        open={shipping !== null}
        okText="确认发货"
        okButtonProps={{ id: 'ship-submit' }}
        onCancel={() => setShipping(null)}
        onOk={async () => {
          const v = (await form.validateFields()) as { carrier: string; trackingNo: string }
          if (!shipping) return
          const shipped = await mutate('shipRedemption', { redemptionId: shipping.redemptionId, carrier: v.carrier, trackingNo: v.trackingNo }, `已发货：${v.carrier} ${v.trackingNo}`)
          if (shipped) {
            setShipping(null)
            form.resetFields()
            void list.reload()
          }
        }}
      >
        {shipping?.address && (
          <Typography.Paragraph>
            寄给 {shipping.address.name} {shipping.address.phone}，{shipping.address.province}
            {shipping.address.city}
            {shipping.address.district} {shipping.address.detail}
          </Typography.Paragraph>
        )}
        <Form form={form} layout="vertical" initialValues={{ carrier: CARRIERS[0] }}>
          <Form.Item name="carrier" label="快递公司" rules={[{ required: true, min: 2, max: 20, message: '请填写快递公司' }]}>
            <Input id="ship-carrier" list="ship-carriers" />
          </Form.Item>
          <datalist id="ship-carriers">
            {CARRIERS.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          <Form.Item name="trackingNo" label="运单号" rules={[{ required: true, pattern: /^[A-Za-z0-9-]{6,32}$/, message: '运单号为 6–32 位字母或数字' }]}>
            <Input id="ship-tracking" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}
