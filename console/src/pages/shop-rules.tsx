import { Alert, Button, Card, Form, InputNumber, Skeleton, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'

const REASONS: Record<string, string> = {
  receiptLimit: '超过单笔上限',
  dailyLimit: '超过每日上限',
  ownCard: '店员给自己的会员卡登记',
}

const yuan = (fen: number) => (fen / 100).toFixed(2)

/** HQ's offline-sale ceilings, the auto-delivery days, and the till's refused sales for review. */
export function ShopRulesCard() {
  const { isAdmin } = useAuth()
  const rules = useAdminQuery('shopRules', {})
  const refused = useAdminQuery('refusedSales', { limit: 50 })
  const mutate = useAdminMutation()
  const [edits, setEdits] = useState<{
    receipt?: number
    daily?: number
    confirm?: number
    days?: number
  }>({})
  if (rules.loading && !rules.data)
    return (
      <Card>
        <Skeleton active />
      </Card>
    )
  if (rules.error) return <Alert type="error" showIcon message={rules.error} />
  const current = rules.data!
  const receipt = edits.receipt ?? current.offlineReceiptLimitFen / 100
  const daily = edits.daily ?? current.offlineClerkDailyLimitFen / 100
  const confirm = edits.confirm ?? current.offlineConfirmAboveFen / 100
  const days = edits.days ?? current.autoDeliverDays
  return (
    <Card title="线下消费限额与自动收货" style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">
        店员扫会员码登记线下消费时：单张小票不得超过单笔上限，每位店员每天（北京时间）登记总额不得超过每日上限；店员不能给自己的会员卡登记。超限的登记会被拒绝并列在下方供总部核查。配送订单发货后超过设定天数未确认收货的，自动确认收货。
      </Typography.Paragraph>
      <Form layout="vertical" style={{ maxWidth: 420 }}>
        <Form.Item label="单笔上限（元）">
          <InputNumber
            id="shop-rules-receipt"
            min={1}
            max={1_000_000}
            value={receipt}
            onChange={(v) => setEdits({ ...edits, receipt: v ?? undefined })}
            disabled={!isAdmin}
          />
        </Form.Item>
        <Form.Item label="每位店员每日上限（元）">
          <InputNumber
            id="shop-rules-daily"
            min={1}
            max={10_000_000}
            value={daily}
            onChange={(v) => setEdits({ ...edits, daily: v ?? undefined })}
            disabled={!isAdmin}
          />
        </Form.Item>
        <Form.Item
          label="超过此金额需店员二次确认（元）"
          extra="店员录入的金额超过此值时，小程序会弹窗请店员核对后再提交，防止多输几个零。"
        >
          <InputNumber
            id="shop-rules-confirm"
            min={1}
            max={1_000_000}
            value={confirm}
            onChange={(v) => setEdits({ ...edits, confirm: v ?? undefined })}
            disabled={!isAdmin}
          />
        </Form.Item>
        <Form.Item label="发货后自动确认收货（天）">
          <InputNumber
            id="shop-rules-days"
            min={1}
            max={60}
            value={days}
            onChange={(v) => setEdits({ ...edits, days: v ?? undefined })}
            disabled={!isAdmin}
          />
        </Form.Item>
        <Button
          type="primary"
          disabled={!isAdmin}
          onClick={async () => {
            const result = await mutate(
              'setShopRules',
              {
                offlineReceiptLimitFen: Math.round(receipt * 100),
                offlineClerkDailyLimitFen: Math.round(daily * 100),
                offlineConfirmAboveFen: Math.round(confirm * 100),
                autoDeliverDays: days,
              },
              '已保存',
            )
            if (result) {
              setEdits({})
              void rules.reload()
            }
          }}
        >
          保存
        </Button>
      </Form>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        被拒绝的线下登记
      </Typography.Title>
      {refused.error ? (
        <Alert type="error" showIcon message={refused.error} />
      ) : (
        <Table
          size="small"
          rowKey="refusalId"
          loading={refused.loading}
          dataSource={refused.data?.items ?? []}
          pagination={false}
          columns={[
            {
              title: '时间',
              dataIndex: 'at',
              render: (at: string) => new Date(at).toLocaleString(),
            },
            {
              title: '原因',
              dataIndex: 'reason',
              render: (r: string) => <Tag>{REASONS[r] ?? r}</Tag>,
            },
            { title: '店员', dataIndex: 'clerkName' },
            { title: '会员号', dataIndex: 'memberNo' },
            { title: '小票号', dataIndex: 'receiptNo' },
            { title: '金额（元）', dataIndex: 'amountFen', render: yuan },
          ]}
        />
      )}
    </Card>
  )
}
