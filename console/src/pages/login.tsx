import { LockOutlined, UserOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Form, Input, Typography } from 'antd'
import { useState } from 'react'
import { Navigate, useLocation, useNavigate } from 'react-router-dom'
import { ApiFailure } from '../api'
import { useAuth } from '../auth'

export function LoginPage() {
  const { session, login } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const from = (location.state as { from?: string } | null)?.from ?? '/'
  if (session) return <Navigate to={from} replace />
  return (
    <div
      style={{ minHeight: '100%', display: 'flex', alignItems: 'center', justifyContent: 'center' }}
    >
      <Card style={{ width: 380 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          总部管理后台
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          门店、导购、会员与营销的运营中心
        </Typography.Paragraph>
        {error && (
          <Alert
            type="error"
            showIcon
            message={error}
            style={{ marginBottom: 16 }}
            id="login-error"
          />
        )}
        <Form
          layout="vertical"
          onFinish={async (values: { username: string; password: string }) => {
            setBusy(true)
            setError(null)
            try {
              await login(values.username, values.password)
              void navigate(from, { replace: true })
            } catch (err) {
              setError(err instanceof ApiFailure ? err.message : '登录失败')
            } finally {
              setBusy(false)
            }
          }}
        >
          <Form.Item
            name="username"
            label="用户名"
            rules={[{ required: true, message: '请输入用户名' }]}
          >
            <Input id="login-username" prefix={<UserOutlined />} autoComplete="username" />
          </Form.Item>
          <Form.Item
            name="password"
            label="密码"
            rules={[{ required: true, message: '请输入密码' }]}
          >
            <Input.Password
              id="login-password"
              prefix={<LockOutlined />}
              autoComplete="current-password"
            />
          </Form.Item>
          <Button id="login-submit" type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </div>
  )
}
