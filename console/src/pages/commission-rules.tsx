import { Alert, App, Button, Card, Form, InputNumber, Skeleton, Typography } from 'antd'
import { ApiFailure } from '../api'
import { useAuth } from '../auth'
import { useAdminQuery, useAdminWrite } from '../use-admin'

interface Values {
  ratePercent: number | null
  refundWindowDays: number | null
}

/** 300 basis points ↔ 3 (percent, two decimals at most). */
const bpToPercent = (bp: number) => bp / 100
// Not rounded: 3.333% stays fractional and the server refuses it in words (at most two decimals).
const percentToBp = (percent: number) => Number((percent * 100).toFixed(6))

/**
 * HQ's commission rules on the rules page: the rate and the refund window. Saved through
 * setCommissionRules (an HQ write: audited); a refusal is shown on its field, in Chinese.
 */
export function CommissionRulesCard() {
  const { canWrite } = useAuth()
  const { message } = App.useApp()
  const rules = useAdminQuery('commissionRules', {})
  const [form] = Form.useForm<Values>()
  const write = useAdminWrite()

  async function save(values: Values) {
    try {
      await write('setCommissionRules', {
        rateBp: percentToBp(values.ratePercent ?? Number.NaN),
        refundWindowDays: values.refundWindowDays ?? Number.NaN,
      })
      void message.success('提成规则已保存')
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : null
      const field = failure?.field === 'rateBp' ? 'ratePercent' : failure?.field
      if (field === 'ratePercent' || field === 'refundWindowDays')
        form.setFields([{ name: field, errors: [failure!.message] }])
      else void message.error(failure?.message ?? '保存失败，请重试')
    }
  }

  if (rules.loading && !rules.data)
    return (
      <Card style={{ marginTop: 16 }}>
        <Skeleton active />
      </Card>
    )
  if (rules.error) return <Alert type="error" showIcon message={rules.error} />
  return (
    <Card title="提成规则" style={{ marginTop: 16 }} id="commission-rules">
      <Typography.Paragraph type="secondary">
        会员每笔已支付的订单或门店消费，其归属导购按实付金额计提提成；自提、签收或门店消费后的退款期内提成为待结算，退款期内退款冲减待结算提成，之后退款记为负数冲减。修改只影响之后的销售，已计提的提成保持原比例。
      </Typography.Paragraph>
      <Form<Values>
        form={form}
        // Keyed by what was loaded: after a save the form starts again from the stored rules.
        key={`${rules.data!.rateBp}-${rules.data!.refundWindowDays}`}
        initialValues={{
          ratePercent: bpToPercent(rules.data!.rateBp),
          refundWindowDays: rules.data!.refundWindowDays,
        }}
        layout="vertical"
        style={{ maxWidth: 420 }}
        onFinish={(v) => void save(v)}
        disabled={!canWrite}
      >
        <Form.Item
          name="ratePercent"
          label="提成比例（%）"
          rules={[{ required: true, message: '请填写提成比例' }]}
        >
          <InputNumber id="commission-rate" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="refundWindowDays"
          label="退款期（天）"
          extra="自提、签收或门店消费后多少天内退款会冲减待结算提成，期满后结算。"
          rules={[{ required: true, message: '请填写退款期' }]}
        >
          <InputNumber id="commission-window" style={{ width: 160 }} />
        </Form.Item>
        <Button id="commission-save" type="primary" htmlType="submit">
          保存
        </Button>
      </Form>
    </Card>
  )
}
