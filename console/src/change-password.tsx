/**
 * 修改密码 for the signed-in account: the old password, the new one twice. Every session of the
 * account ends on the server, this one too, so the console returns to the sign-in page.
 */
import { KeyOutlined } from '@ant-design/icons'
import { App, Button, Form, Input, Modal } from 'antd'
import { useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { ApiFailure } from './api'
import { useAuth } from './auth'
import { useAdminWrite } from './use-admin'

interface Values {
  oldPassword: string
  newPassword: string
  confirm: string
}

export function ChangePasswordButton() {
  const [open, setOpen] = useState(false)
  const [saving, setSaving] = useState(false)
  const [form] = Form.useForm<Values>()
  const { forget } = useAuth()
  const navigate = useNavigate()
  const { message } = App.useApp()
  const write = useAdminWrite()

  async function submit(values: Values) {
    setSaving(true)
    try {
      await write('changeMyPassword', {
        oldPassword: values.oldPassword,
        newPassword: values.newPassword,
      })
      setOpen(false)
      forget()
      message.success('密码已修改，请用新密码重新登录')
      void navigate('/login', { replace: true })
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : null
      if (failure?.field === 'oldPassword' || failure?.field === 'newPassword')
        form.setFields([{ name: failure.field, errors: [failure.message] }])
      else message.error(failure?.message ?? '修改失败')
    } finally {
      setSaving(false)
    }
  }

  return (
    <>
      <Button
        id="change-password"
        icon={<KeyOutlined />}
        onClick={() => {
          form.resetFields()
          setOpen(true)
        }}
      >
        修改密码
      </Button>
      <Modal
        title="修改密码"
        open={open}
        okText="确认修改"
        confirmLoading={saving}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={submit} autoComplete="off">
          <Form.Item
            name="oldPassword"
            label="原密码"
            rules={[{ required: true, message: '请输入原密码' }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label="新密码"
            extra="至少 8 位；修改后所有已登录的设备都需要重新登录"
            rules={[
              { required: true, message: '请输入新密码' },
              { min: 8, message: '至少 8 位' },
              { max: 200, message: '不能超过 200 位' },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label="再次输入新密码"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({
                validator: (_rule, value) =>
                  !value || value === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error('两次输入的新密码不一致')),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  )
}
