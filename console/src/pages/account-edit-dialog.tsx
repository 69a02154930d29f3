/**
 * 修改账号 on 账号与权限: another account's role, its stores (a store manager's, picked from the
 * searchable store picker) and its name. The server ends that account's sessions when its role or
 * stores change; the dialog says so before saving and reports how many ended.
 */
import { Alert, App, Form, Input, Modal } from 'antd'
import { useEffect } from 'react'
import type { AdminParams, AdminResult } from '../api'
import { useAdminMutation } from '../use-admin'
import { AccountRoleFields } from './account-role-fields'

type Account = AdminResult<'listAdminAccounts'>['items'][number]
type Values = Omit<AdminParams<'updateAdminAccount'>, 'username'>

export function AccountEditDialog({
  account,
  onClose,
  onSaved,
}: {
  account: Account | null
  onClose: () => void
  onSaved: () => void
}) {
  const mutate = useAdminMutation()
  const { modal } = App.useApp()
  const [form] = Form.useForm<Values>()
  const role = Form.useWatch('role', form)
  const storeIds = Form.useWatch('storeIds', form)
  useEffect(() => {
    if (!account) return
    form.resetFields()
    form.setFieldsValue({
      displayName: account.displayName,
      role: account.role,
      storeIds: account.stores.map((s) => s.storeId),
    })
  }, [account, form])
  const before = account?.stores.map((s) => s.storeId).join() ?? ''
  const rightsChange =
    account !== null &&
    role !== undefined &&
    (role !== account.role || (role === 'storeManager' && (storeIds ?? []).join() !== before))

  return (
    <Modal
      title={`修改账号：${account?.displayName ?? ''}（${account?.username ?? ''}）`}
      open={account !== null}
      okText="保存"
      cancelText="取消"
      okButtonProps={{ id: 'account-edit-submit' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
    >
      <Form
        form={form}
        layout="vertical"
        autoComplete="off"
        // A refusal shown on a field is answered by changing that field.
        onValuesChange={(changed: Partial<Values>) =>
          form.setFields(
            (Object.keys(changed) as (keyof Values)[]).map((name) => ({ name, errors: [] })),
          )
        }
        onFinish={async (values) => {
          if (!account) return
          const saved = await mutate(
            'updateAdminAccount',
            {
              username: account.username,
              role: values.role,
              displayName: values.displayName,
              storeIds: values.role === 'storeManager' ? (values.storeIds ?? []) : undefined,
            },
            undefined,
            { form },
          )
          if (!saved) return
          modal.success({
            title: `已保存 ${saved.displayName} 的账号`,
            content:
              saved.sessionsEnded > 0
                ? `角色或门店已变更，该账号的 ${saved.sessionsEnded} 个登录已失效，需重新登录`
                : '角色和门店未变，该账号的登录不受影响',
            okText: '知道了',
          })
          onSaved()
        }}
      >
        <Form.Item name="displayName" label="姓名">
          <Input id="account-edit-display-name" />
        </Form.Item>
        <AccountRoleFields idPrefix="account-edit" />
        {rightsChange && (
          <Alert
            type="warning"
            showIcon
            message="保存后该账号的登录立即失效，需用原密码重新登录以获得新的权限"
          />
        )}
      </Form>
    </Modal>
  )
}
