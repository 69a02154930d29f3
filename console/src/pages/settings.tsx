import { Alert, Button, Card, Form, InputNumber, Radio, Skeleton, Typography } from 'antd'
import { useState } from 'react'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { AgreementsCard } from './agreements'
import { ShopRulesCard } from './shop-rules'

export function SettingsPage() {
  const { isAdmin } = useAuth()
  const policy = useAdminQuery('getAttributionPolicy', {})
  const mutate = useAdminMutation()
  const [mode, setMode] = useState<'permanent' | 'window' | null>(null)
  const [days, setDays] = useState<number | null>(null)
  if (policy.loading && !policy.data)
    return (
      <Card>
        <Skeleton active />
      </Card>
    )
  if (policy.error) return <Alert type="error" showIcon message={policy.error} />
  const current = policy.data!.protectionDays
  const effectiveMode = mode ?? (current === null ? 'permanent' : 'window')
  const effectiveDays = days ?? current ?? 90
  return (
    <>
      <Card title="业绩归属规则">
        <Typography.Paragraph type="secondary">
          默认「谁拉新谁受益」：会员首次扫码即永久归属该导购。也可设置保护期：保护期过后，会员扫其他导购的码将重新归属（开卡导购始终保留）。
        </Typography.Paragraph>
        <Form layout="vertical" style={{ maxWidth: 420 }}>
          <Form.Item label="归属方式">
            <Radio.Group
              value={effectiveMode}
              onChange={(e) => setMode(e.target.value as 'permanent' | 'window')}
              disabled={!isAdmin}
            >
              <Radio value="permanent">永久归属（首次扫码）</Radio>
              <Radio value="window">保护期</Radio>
            </Radio.Group>
          </Form.Item>
          {effectiveMode === 'window' && (
            <Form.Item label="保护期（天）">
              <InputNumber
                min={1}
                max={3650}
                value={effectiveDays}
                onChange={(v) => setDays(v)}
                disabled={!isAdmin}
              />
            </Form.Item>
          )}
          <Button
            type="primary"
            disabled={!isAdmin}
            onClick={async () => {
              const result = await mutate(
                'setAttributionPolicy',
                { protectionDays: effectiveMode === 'permanent' ? null : effectiveDays },
                '已保存',
              )
              if (result) void policy.reload()
            }}
          >
            保存
          </Button>
        </Form>
      </Card>
      <ShopRulesCard />
      <AgreementsCard />
    </>
  )
}
