import { DownloadOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Form,
  Image,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { downloadPng, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { useUrlState } from '../url-state'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { shanghai } from '../time'

type Clerk = AdminResult<'listClerks'>['items'][number]
type Invite = AdminResult<'createStaffInvite'>

const DEFAULTS = { storeId: '' }

export function ClerksPage() {
  const { canWrite } = useAuth()
  const [filters, setFilters] = useUrlState(DEFAULTS)
  const stores = useAdminQuery('listStores', {})
  const clerks = useAdminQuery('listClerks', filters.storeId ? { storeId: filters.storeId } : {})
  const mutate = useAdminMutation()
  const [inviting, setInviting] = useState(false)
  const [invite, setInvite] = useState<Invite | null>(null)
  const [disabling, setDisabling] = useState<Clerk | null>(null)
  const [inviteForm] = Form.useForm()
  const [disableForm] = Form.useForm()
  const storeName = new Map((stores.data?.items ?? []).map((s) => [s.storeId, s.name]))

  return (
    <Card
      title="导购与邀请"
      extra={
        <Space>
          <Select
            id="clerk-store-filter"
            allowClear
            placeholder="全部门店"
            style={{ width: 180 }}
            value={filters.storeId || undefined}
            options={(stores.data?.items ?? []).map((s) => ({ value: s.storeId, label: s.name }))}
            onChange={(value?: string) => setFilters({ storeId: value ?? '' })}
          />
          <Button
            id="invite-create"
            type="primary"
            icon={<PlusOutlined />}
            disabled={!canWrite}
            onClick={() => setInviting(true)}
          >
            邀请导购
          </Button>
        </Space>
      }
    >
      {clerks.error && <Alert type="error" showIcon message={clerks.error} />}
      <Table<Clerk>
        rowKey="clerkId"
        loading={clerks.loading}
        dataSource={clerks.data?.items ?? []}
        pagination={{ defaultPageSize: 20 }}
        columns={[
          {
            title: '姓名',
            dataIndex: 'name',
            render: (name: string, c) =>
              c.isManager ? (
                <Space>
                  {name}
                  <Tag color="gold">店长</Tag>
                </Space>
              ) : (
                name
              ),
          },
          { title: '编码', dataIndex: 'code' },
          { title: '门店', dataIndex: 'storeId', render: (id: string) => storeName.get(id) ?? id },
          {
            title: '会员数',
            dataIndex: 'memberCount',
            align: 'right',
            sorter: (a, b) => a.memberCount - b.memberCount,
          },
          {
            title: '微信',
            dataIndex: 'bound',
            render: (b: boolean) => (b ? <Tag color="green">已绑定</Tag> : <Tag>未绑定</Tag>),
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: string) =>
              s === 'active' ? <Tag color="green">在岗</Tag> : <Tag color="red">已停用</Tag>,
          },
          {
            title: '加入',
            dataIndex: 'createdAt',
            render: (d: string) => shanghai(d).format('YYYY-MM-DD'),
          },
          {
            title: '操作',
            render: (_, clerk) => (
              <Space>
                <Button
                  size="small"
                  icon={<DownloadOutlined />}
                  className="clerk-code-download"
                  onClick={async () => {
                    const result = await mutate('codeImage', { kind: 'clerk', id: clerk.clerkId })
                    if (result)
                      downloadPng(result.pngBase64, `导购码-${clerk.code}-${clerk.name}.png`)
                  }}
                >
                  导购码
                </Button>
                <Button
                  size="small"
                  danger
                  icon={<StopOutlined />}
                  disabled={!canWrite || clerk.status !== 'active'}
                  onClick={() => setDisabling(clerk)}
                >
                  停用
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title="邀请导购"
        open={inviting}
        okText="生成邀请码"
        okButtonProps={{ id: 'invite-submit' }}
        onCancel={() => setInviting(false)}
        onOk={async () => {
          const values = (await inviteForm.validateFields()) as {
            storeId: string
            name: string
            isManager: boolean
            validHours: number
          }
          const result = await mutate('createStaffInvite', values, '邀请码已生成')
          if (result) {
            setInviting(false)
            inviteForm.resetFields()
            setInvite(result)
          }
        }}
      >
        <Form
          form={inviteForm}
          layout="vertical"
          initialValues={{ isManager: false, validHours: 72 }}
        >
          <Form.Item
            name="storeId"
            label="门店"
            rules={[{ required: true, message: '请选择门店' }]}
          >
            <Select
              id="invite-store"
              showSearch
              optionFilterProp="label"
              options={(stores.data?.items ?? [])
                .filter((s) => s.status === 'active')
                .map((s) => ({ value: s.storeId, label: s.name }))}
            />
          </Form.Item>
          <Form.Item name="name" label="导购姓名" rules={[{ required: true, max: 20 }]}>
            <Input id="invite-name" />
          </Form.Item>
          <Form.Item name="isManager" label="店长" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="validHours" label="有效期（小时）" rules={[{ required: true }]}>
            <InputNumber min={1} max={168} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title="导购邀请码"
        open={invite !== null}
        footer={
          <Button
            type="primary"
            icon={<DownloadOutlined />}
            onClick={() => invite && downloadPng(invite.pngBase64, `导购邀请-${invite.invite}.png`)}
          >
            下载邀请码
          </Button>
        }
        onCancel={() => setInvite(null)}
      >
        {invite && (
          <Space direction="vertical" align="center" style={{ width: '100%' }}>
            <Image
              id="invite-image"
              width={220}
              src={`data:image/png;base64,${invite.pngBase64}`}
              preview={false}
            />
            <Typography.Text copyable id="invite-scene">
              {invite.invite}
            </Typography.Text>
            <Typography.Text type="secondary">
              一次性使用，{shanghai(invite.expiresAt).format('MM-DD HH:mm')}{' '}
              前有效。请导购用微信扫码完成绑定。
            </Typography.Text>
          </Space>
        )}
      </Modal>
      <Modal
        title={`停用导购 ${disabling?.name ?? ''}`}
        open={disabling !== null}
        okText="停用"
        okButtonProps={{ danger: true }}
        onCancel={() => setDisabling(null)}
        onOk={async () => {
          const { reason } = (await disableForm.validateFields()) as { reason: string }
          if (!disabling) return
          const result = await mutate(
            'disableClerk',
            { clerkId: disabling.clerkId, reason },
            '已停用；其会员保留，请在「会员」中转移',
          )
          if (result) {
            setDisabling(null)
            disableForm.resetFields()
            void clerks.reload()
          }
        }}
      >
        <Typography.Paragraph type="secondary">
          停用后其导购码不能再开卡；名下会员保持不变，直到你转移他们。
        </Typography.Paragraph>
        <Form form={disableForm} layout="vertical">
          <Form.Item name="reason" label="原因" rules={[{ required: true, max: 200 }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}
