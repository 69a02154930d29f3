import { Alert, Button, Card, Form, InputNumber, Radio, Skeleton, Typography } from 'antd'
import { useAuth } from '../auth'
import { numberRules } from '../number-rules'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { AgreementsCard } from './agreements'
import { CommissionRulesCard } from './commission-rules'
import { JobFilesCard } from './job-files-settings'
import { ShopRulesCard } from './shop-rules'

export function SettingsPage() {
  const { isAdmin } = useAuth()
  const policy = useAdminQuery('getAttributionPolicy', {})
  const mutate = useAdminMutation()
  const [form] = Form.useForm<{ mode: 'permanent' | 'window'; days?: number | null }>()
  const mode = Form.useWatch('mode', form)
  if (policy.loading && !policy.data)
    return (
      <Card>
        <Skeleton active />
      </Card>
    )
  if (policy.error) return <Alert type="error" showIcon message={policy.error} />
  const current = policy.data!.protectionDays
  return (
    <>
      <Card title="业绩归属规则">
        <Typography.Paragraph type="secondary">
          默认「谁拉新谁受益」：会员首次扫码即永久归属该导购。也可设置保护期：保护期过后，会员扫其他导购的码将重新归属（开卡导购始终保留）。
        </Typography.Paragraph>
        <Form
          form={form}
          id="attribution-policy"
          layout="vertical"
          style={{ maxWidth: 420 }}
          disabled={!isAdmin}
          // Keyed by what was loaded: after a save the form starts again from the stored policy.
          key={String(current)}
          initialValues={{ mode: current === null ? 'permanent' : 'window', days: current ?? 90 }}
          onFinish={async (v) =>
            mutate(
              'setAttributionPolicy',
              { protectionDays: v.mode === 'permanent' ? null : (v.days as number) },
              '已保存',
              { form, fields: { protectionDays: 'days' } },
            )
          }
        >
          <Form.Item name="mode" label="归属方式">
            <Radio.Group>
              <Radio value="permanent">永久归属（首次扫码）</Radio>
              <Radio value="window">保护期</Radio>
            </Radio.Group>
          </Form.Item>
          {(mode ?? (current === null ? 'permanent' : 'window')) === 'window' && (
            <Form.Item
              name="days"
              label="保护期（天）"
              rules={numberRules('保护期', { min: 1, max: 3650 })}
            >
              <InputNumber id="attribution-days" style={{ width: 160 }} />
            </Form.Item>
          )}
          <Button id="attribution-save" type="primary" htmlType="submit">
            保存
          </Button>
        </Form>
      </Card>
      <CommissionRulesCard />
      <ShopRulesCard />
      <AgreementsCard />
      <JobFilesCard />
    </>
  )
}
