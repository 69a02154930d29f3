/**
 * 账号与权限 (admins): who signs in to the console and with which role; a store manager sees only
 * the stores listed here. Status, labels and the actions offered on each row come from the server.
 */
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { ROLE_LABELS, type HqRole } from '../../../shared/hq/rules/roles'
import type { AdminParams, AdminResult } from '../api'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { AccountEditDialog } from './account-edit-dialog'
import { AccountRoleFields, ROLE_HELP } from './account-role-fields'

type Account = AdminResult<'listAdminAccounts'>['items'][number]

const STATUS_COLORS: Record<string, string> = { 正常: 'green', 已锁定: 'orange', 已停用: 'default' }

/** Asia/Shanghai, whatever the browser's zone. */
const shanghai = (iso: string | null) =>
  iso
    ? new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
    : '—'

export function AccountsPage() {
  const accounts = useAdminQuery('listAdminAccounts', {})
  const mutate = useAdminMutation()
  const [creating, setCreating] = useState(false)
  const [resetting, setResetting] = useState<Account | null>(null)
  const [editing, setEditing] = useState<Account | null>(null)
  const [form] = Form.useForm()
  const [resetForm] = Form.useForm()

  async function act(account: Account, action: 'disable' | 'enable' | 'unlock') {
    if (action === 'unlock')
      await mutate('unlockAdminAccount', { adminId: account.adminId }, '已解除锁定')
    else
      await mutate(
        'setAdminAccountStatus',
        { adminId: account.adminId, status: action === 'disable' ? 'disabled' : 'active' },
        action === 'disable' ? `已停用 ${account.username}，其登录已失效` : '已启用',
      )
  }

  return (
    <Card
      title="账号与权限"
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void accounts.reload()} />
          <Button
            id="account-create"
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              form.resetFields()
              setCreating(true)
            }}
          >
            新建账号
          </Button>
        </Space>
      }
    >
      {accounts.error && <Alert type="error" showIcon message={accounts.error} />}
      <Table<Account>
        id="accounts-table"
        rowKey="adminId"
        size="small"
        loading={accounts.loading}
        dataSource={accounts.data?.items ?? []}
        pagination={false}
        columns={[
          {
            title: '账号',
            render: (_, a) => (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{a.displayName}</Typography.Text>
                <Typography.Text type="secondary">
                  {a.username}
                  {a.self ? '（当前登录）' : ''}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: '角色',
            render: (_, a) => (
              <Tag color={a.role === 'admin' ? 'volcano' : 'blue'}>{a.roleLabel}</Tag>
            ),
          },
          {
            title: '所管门店',
            render: (_, a) =>
              a.role === 'storeManager' ? a.stores.map((s) => s.name).join('、') : '全部门店',
          },
          {
            title: '状态',
            render: (_, a) => <Tag color={STATUS_COLORS[a.statusLabel]}>{a.statusLabel}</Tag>,
          },
          { title: '最近登录', render: (_, a) => shanghai(a.lastLoginAt) },
          {
            title: '操作',
            render: (_, a) => (
              <Space size="small">
                {a.actions.includes('edit') && (
                  <Button size="small" className="account-edit" onClick={() => setEditing(a)}>
                    修改
                  </Button>
                )}
                {a.actions.includes('unlock') && (
                  <Button
                    size="small"
                    className="account-unlock"
                    onClick={() => void act(a, 'unlock')}
                  >
                    解除锁定
                  </Button>
                )}
                {a.actions.includes('resetPassword') && (
                  <Button
                    size="small"
                    className="account-reset"
                    onClick={() => {
                      resetForm.resetFields()
                      setResetting(a)
                    }}
                  >
                    重置密码
                  </Button>
                )}
                {a.actions.includes('disable') && (
                  <Popconfirm
                    title={`停用 ${a.displayName}？`}
                    description="停用后该账号立即退出登录，且不能再登录"
                    okText="停用"
                    cancelText="取消"
                    onConfirm={() => act(a, 'disable')}
                  >
                    <Button size="small" danger className="account-disable">
                      停用
                    </Button>
                  </Popconfirm>
                )}
                {a.actions.includes('enable') && (
                  <Button
                    size="small"
                    className="account-enable"
                    onClick={() => void act(a, 'enable')}
                  >
                    启用
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Descriptions
        style={{ marginTop: 16 }}
        size="small"
        column={1}
        title="角色说明"
        items={(Object.keys(ROLE_HELP) as HqRole[]).map((r) => ({
          key: r,
          label: ROLE_LABELS[r],
          children: ROLE_HELP[r],
        }))}
      />

      <Modal
        title="新建账号"
        open={creating}
        okText="创建"
        okButtonProps={{ id: 'account-submit' }}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          autoComplete="off"
          initialValues={{ role: 'operator' }}
          onFinish={async (values: AdminParams<'createAdminAccount'>) => {
            const created = await mutate(
              'createAdminAccount',
              {
                ...values,
                storeIds: values.role === 'storeManager' ? (values.storeIds ?? []) : undefined,
              },
              `已创建账号 ${values.username}`,
              { form },
            )
            if (created) setCreating(false)
          }}
        >
          <Form.Item
            name="username"
            label="用户名"
            extra="登录时使用，3-32 位字母、数字、点、- 或 _"
          >
            <Input id="account-username" />
          </Form.Item>
          <Form.Item name="displayName" label="姓名">
            <Input id="account-display-name" />
          </Form.Item>
          <AccountRoleFields idPrefix="account" />
          <Form.Item
            name="password"
            label="初始密码"
            extra="至少 8 位；请当面或私下告知本人，登录后可自行修改"
          >
            <Input.Password id="account-password" autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>

      <AccountEditDialog
        account={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null)
          void accounts.reload()
        }}
      />

      <Modal
        title={`重置密码：${resetting?.displayName ?? ''}`}
        open={resetting !== null}
        okText="重置"
        okButtonProps={{ id: 'account-reset-submit' }}
        onOk={() => resetForm.submit()}
        onCancel={() => setResetting(null)}
        destroyOnHidden
      >
        <Form
          form={resetForm}
          layout="vertical"
          autoComplete="off"
          onFinish={async (values: { newPassword: string }) => {
            if (!resetting) return
            const done = await mutate(
              'resetAdminPassword',
              { adminId: resetting.adminId, newPassword: values.newPassword },
              `已重置 ${resetting.username} 的密码，其登录已失效`,
              { form: resetForm },
            )
            if (done) setResetting(null)
          }}
        >
          <Form.Item
            name="newPassword"
            label="新密码"
            extra="至少 8 位；重置后该账号需用新密码重新登录"
          >
            <Input.Password id="account-new-password" autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}
