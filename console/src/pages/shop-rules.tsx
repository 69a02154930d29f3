import { Alert, Button, Card, Form, InputNumber, Skeleton, Table, Tag, Typography } from 'antd'
import { useAuth } from '../auth'
import { numberRules } from '../number-rules'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { shanghai } from '../time'

const REASONS: Record<string, string> = {
  receiptLimit: '超过单笔上限',
  dailyLimit: '超过每日上限',
  ownCard: '店员给自己的会员卡登记',
}

const yuan = (fen: number) => (fen / 100).toFixed(2)

interface Values {
  receipt: number
  daily: number
  confirm: number
  days: number
}
/** The contract's fields (fen) → the form's (yuan), so the server's refusal lands on its box. */
const SERVER_FIELDS = {
  offlineReceiptLimitFen: 'receipt',
  offlineClerkDailyLimitFen: 'daily',
  offlineConfirmAboveFen: 'confirm',
  autoDeliverDays: 'days',
}

/** HQ's offline-sale ceilings, the auto-delivery days, and the till's refused sales for review. */
export function ShopRulesCard() {
  const { isAdmin } = useAuth()
  const rules = useAdminQuery('shopRules', {})
  const refused = useAdminQuery('refusedSales', { limit: 50 })
  const mutate = useAdminMutation()
  const [form] = Form.useForm<Values>()
  if (rules.loading && !rules.data)
    return (
      <Card>
        <Skeleton active />
      </Card>
    )
  if (rules.error) return <Alert type="error" showIcon message={rules.error} />
  const current = rules.data!
  return (
    <Card title="线下消费限额与自动收货" style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">
        店员扫会员码登记线下消费时：单张小票不得超过单笔上限，每位店员每天（北京时间）登记总额不得超过每日上限；店员不能给自己的会员卡登记。超限的登记会被拒绝并列在下方供总部核查。配送订单发货后超过设定天数未确认收货的，自动确认收货。
      </Typography.Paragraph>
      <Form<Values>
        form={form}
        id="shop-rules"
        layout="vertical"
        style={{ maxWidth: 420 }}
        disabled={!isAdmin}
        // Keyed by what was loaded: after a save the form starts again from the stored rules.
        key={JSON.stringify(current)}
        initialValues={{
          receipt: current.offlineReceiptLimitFen / 100,
          daily: current.offlineClerkDailyLimitFen / 100,
          confirm: current.offlineConfirmAboveFen / 100,
          days: current.autoDeliverDays,
        }}
        onFinish={(v) =>
          void mutate(
            'setShopRules',
            {
              // Two decimals at most (checked above), so ×100 is whole fen, not a rounding.
              offlineReceiptLimitFen: Math.round(v.receipt * 100),
              offlineClerkDailyLimitFen: Math.round(v.daily * 100),
              offlineConfirmAboveFen: Math.round(v.confirm * 100),
              autoDeliverDays: v.days,
            },
            '已保存',
            { form, fields: SERVER_FIELDS },
          )
        }
      >
        <Form.Item
          name="receipt"
          label="单笔上限（元）"
          rules={numberRules('单笔上限', { min: 1, max: 1_000_000, decimals: 2 })}
        >
          <InputNumber id="shop-rules-receipt" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          name="daily"
          label="每位店员每日上限（元）"
          rules={numberRules('每日上限', { min: 1, max: 10_000_000, decimals: 2 })}
        >
          <InputNumber id="shop-rules-daily" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          name="confirm"
          label="超过此金额需店员二次确认（元）"
          extra="店员录入的金额超过此值时，小程序会弹窗请店员核对后再提交，防止多输几个零。"
          rules={numberRules('确认金额', { min: 1, max: 1_000_000, decimals: 2 })}
        >
          <InputNumber id="shop-rules-confirm" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          name="days"
          label="发货后自动确认收货（天）"
          rules={numberRules('自动确认收货天数', { min: 1, max: 60 })}
        >
          <InputNumber id="shop-rules-days" style={{ width: 200 }} />
        </Form.Item>
        <Button id="shop-rules-save" type="primary" htmlType="submit">
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
              render: (at: string) => shanghai(at).format('YYYY-MM-DD HH:mm:ss'),
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
