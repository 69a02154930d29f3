import { Alert, Button, Card, Segmented, Table, Typography } from 'antd'
import { useState } from 'react'
import type { AdminResult } from '../api'
import { REDEMPTION_STATUS_LABELS } from '../../../shared/gifts/lifecycle'
import { formatPostalAddress, ShipDialog } from '../ship-dialog'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { shanghai } from '../time'

type MailRedemption = AdminResult<'mailRedemptions'>['items'][number]

/** Mail redemptions whose shipping fee is paid: HQ ships them (carrier + tracking number) and sees what shipped. */
export function MailRedemptionsPage() {
  const [status, setStatus] = useState<'awaitingShipment' | 'shipped'>('awaitingShipment')
  const list = useAdminQuery('mailRedemptions', { status })
  const mutate = useAdminMutation()
  const [shipping, setShipping] = useState<MailRedemption | null>(null)

  return (
    <Card
      title="邮寄兑换"
      extra={
        <Segmented
          id="mail-status"
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          options={[
            { value: 'awaitingShipment', label: REDEMPTION_STATUS_LABELS.awaitingShipment },
            { value: 'shipped', label: REDEMPTION_STATUS_LABELS.shipped },
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
        pagination={{ defaultPageSize: 20 }}
        locale={{
          emptyText:
            status === 'awaitingShipment' ? '没有待发货的邮寄兑换' : '还没有已发货的邮寄兑换',
        }}
        columns={[
          {
            title: '兑换时间',
            dataIndex: 'createdAt',
            render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm'),
          },
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
                    {formatPostalAddress(r.address)}
                  </Typography.Text>
                </span>
              ),
          },
          {
            title: '运费',
            dataIndex: 'shippingFeeFen',
            align: 'right',
            render: (fen: number | null) => `¥${((fen ?? 0) / 100).toFixed(2)}`,
          },
          status === 'awaitingShipment'
            ? {
                title: '操作',
                // The server offers ship to HQ admins only (an analyst sees no button).
                render: (_, r) =>
                  r.actions.includes('ship') && (
                    <Button
                      size="small"
                      type="primary"
                      className="mail-ship"
                      onClick={() => setShipping(r)}
                    >
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
                      <Typography.Text type="secondary">
                        {r.shippedAt ? shanghai(r.shippedAt).format('YYYY-MM-DD HH:mm') : ''}
                      </Typography.Text>
                    </span>
                  ),
              },
        ]}
      />
      <ShipDialog
        title={`发货 · ${shipping?.giftName ?? ''}`}
        address={shipping?.address ?? null}
        open={shipping !== null}
        onCancel={() => setShipping(null)}
        onShip={async (carrier, trackingNo) => {
          if (!shipping) return false
          const shipped = await mutate(
            'shipRedemption',
            { redemptionId: shipping.redemptionId, carrier, trackingNo },
            `已发货：${carrier} ${trackingNo}`,
          )
          if (!shipped) return false
          setShipping(null)
          return true
        }}
      />
    </Card>
  )
}
