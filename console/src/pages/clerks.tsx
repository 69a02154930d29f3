import {
  DownloadOutlined,
  FileImageOutlined,
  PlusOutlined,
  StopOutlined,
  SwapOutlined,
  UndoOutlined,
} from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Form,
  Image,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Radio,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { downloadPng, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { shanghaiDay, shanghaiMinute } from '../shanghai'
import { StorePicker, useStores } from '../store-picker'
import { numberRules } from '../number-rules'
import { useUrlState } from '../url-state'
import { useAdminMutation, useAdminQuery } from '../use-admin'

type Clerk = AdminResult<'listClerks'>['items'][number]
type Invite = AdminResult<'createStaffInvite'>
type InviteRow = AdminResult<'listInvites'>['items'][number]
type MoveResult = AdminResult<'moveClerk'>

const DEFAULTS = { tab: 'clerks', storeId: '', inviteStatus: 'pending', page: 1, pageSize: 50 }
const INVITE_COLOR: Record<InviteRow['status'], string> = {
  pending: 'blue',
  used: 'green',
  expired: 'default',
  revoked: 'red',
}

export function ClerksPage() {
  const { canWrite } = useAuth()
  const [filters, setFilters] = useUrlState(DEFAULTS)
  const { stores } = useStores()
  const clerks = useAdminQuery('listClerks', filters.storeId ? { storeId: filters.storeId } : {})
  const invites = useAdminQuery('listInvites', {
    page: filters.page,
    pageSize: filters.pageSize,
    ...(filters.inviteStatus ? { status: filters.inviteStatus as InviteRow['status'] } : {}),
    ...(filters.storeId ? { storeId: filters.storeId } : {}),
  })
  const mutate = useAdminMutation()
  const [inviting, setInviting] = useState(false)
  const [invite, setInvite] = useState<(Invite & { name: string; inviteId?: string }) | null>(null)
  const [disabling, setDisabling] = useState<Clerk | null>(null)
  const [moving, setMoving] = useState<Clerk | null>(null)
  const [moved, setMoved] = useState<MoveResult | null>(null)
  const [inviteForm] = Form.useForm()
  const [disableForm] = Form.useForm()
  const [moveForm] = Form.useForm()
  const membersChoice = Form.useWatch('members', moveForm) as 'follow' | 'stay' | undefined
  const storeName = new Map(stores.map((s) => [s.storeId, s.name]))
  // The colleagues of the clerk being moved, whatever the page's store filter.
  const sameStore = useAdminQuery(
    'listClerks',
    { storeId: moving?.storeId ?? '' },
    { enabled: moving !== null, keepPrevious: false },
  )
  const receivers = (moving ? (sameStore.data?.items ?? []) : []).filter(
    (c) => c.clerkId !== moving?.clerkId && c.status === 'active',
  )

  async function downloadPoster(kind: 'clerk' | 'invite', id: string) {
    const result = await mutate('poster', { kind, id })
    if (result) downloadPng(result.pngBase64, result.filename)
  }

  const clerkTable = (
    <Table<Clerk>
      rowKey="clerkId"
      size="small"
      loading={clerks.loading}
      dataSource={clerks.data?.items ?? []}
      scroll={{ x: 1100 }}
      pagination={{ pageSizeOptions: [20, 50, 100], defaultPageSize: 50, showSizeChanger: true }}
      columns={[
        {
          title: '姓名',
          dataIndex: 'name',
          width: 140,
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
        { title: '编码', dataIndex: 'code', width: 110 },
        {
          title: '门店',
          dataIndex: 'storeId',
          width: 160,
          render: (id: string) => storeName.get(id) ?? '',
        },
        {
          title: '会员数',
          dataIndex: 'memberCount',
          align: 'right',
          width: 80,
          sorter: (a, b) => a.memberCount - b.memberCount,
        },
        {
          title: '微信',
          dataIndex: 'bound',
          width: 80,
          render: (b: boolean) => (b ? <Tag color="green">已绑定</Tag> : <Tag>未绑定</Tag>),
        },
        {
          title: '状态',
          dataIndex: 'statusLabel',
          width: 90,
          render: (label: string, c) => (
            <Tag color={c.status === 'active' ? 'green' : 'red'} title={c.disabledReason ?? ''}>
              {label}
            </Tag>
          ),
        },
        {
          title: '加入',
          dataIndex: 'createdAt',
          width: 110,
          render: (d: string) => shanghaiDay(d),
        },
        {
          title: '操作',
          fixed: 'right',
          width: 330,
          render: (_, clerk) => (
            <Space size={4}>
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
                icon={<FileImageOutlined />}
                className="clerk-poster-download"
                onClick={() => void downloadPoster('clerk', clerk.clerkId)}
              >
                海报
              </Button>
              {clerk.actions.includes('move') && (
                <Button
                  size="small"
                  icon={<SwapOutlined />}
                  className="clerk-move"
                  onClick={() => {
                    moveForm.resetFields()
                    setMoving(clerk)
                  }}
                >
                  调店
                </Button>
              )}
              {clerk.actions.includes('disable') && (
                <Button
                  size="small"
                  danger
                  icon={<StopOutlined />}
                  className="clerk-disable"
                  onClick={() => setDisabling(clerk)}
                >
                  停用
                </Button>
              )}
              {clerk.actions.includes('enable') && (
                <Button
                  size="small"
                  icon={<UndoOutlined />}
                  className="clerk-enable"
                  onClick={() =>
                    void mutate(
                      'enableClerk',
                      { clerkId: clerk.clerkId },
                      `「${clerk.name}」已恢复在岗，导购码可以开卡了`,
                    )
                  }
                >
                  恢复在岗
                </Button>
              )}
            </Space>
          ),
        },
      ]}
    />
  )

  const inviteTable = (
    <>
      <Segmented
        id="invite-status-filter"
        style={{ marginBottom: 12 }}
        value={filters.inviteStatus}
        options={[
          { value: 'pending', label: '待使用' },
          { value: 'used', label: '已使用' },
          { value: 'expired', label: '已过期' },
          { value: 'revoked', label: '已撤销' },
          { value: '', label: '全部' },
        ]}
        onChange={(value) => setFilters({ inviteStatus: String(value), page: 1 })}
      />
      {invites.error && <Alert type="error" showIcon message={invites.error} />}
      <Table<InviteRow>
        rowKey="inviteId"
        size="small"
        id="invite-table"
        loading={invites.loading}
        dataSource={invites.data?.items ?? []}
        scroll={{ x: 1100 }}
        pagination={{
          current: filters.page,
          pageSize: filters.pageSize,
          total: invites.data?.total ?? 0,
          pageSizeOptions: [20, 50, 100],
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 条`,
          onChange: (page, pageSize) => setFilters({ page, pageSize }),
        }}
        columns={[
          {
            title: '姓名',
            dataIndex: 'name',
            width: 140,
            render: (name: string, i) =>
              i.isManager ? (
                <Space>
                  {name}
                  <Tag color="gold">店长</Tag>
                </Space>
              ) : (
                name
              ),
          },
          {
            title: '门店',
            dataIndex: 'storeName',
            width: 180,
            render: (name: string, i) => `${name}（${i.storeCode}）`,
          },
          {
            title: '状态',
            dataIndex: 'statusLabel',
            width: 90,
            render: (label: string, i) => <Tag color={INVITE_COLOR[i.status]}>{label}</Tag>,
          },
          {
            title: '有效期至',
            dataIndex: 'expiresAt',
            width: 150,
            render: (d: string) => shanghaiMinute(d),
          },
          {
            title: '邀请人',
            dataIndex: 'createdBy',
            width: 100,
          },
          {
            title: '使用 / 撤销',
            width: 170,
            render: (_, i) =>
              i.usedAt
                ? `${shanghaiMinute(i.usedAt)} 已绑定`
                : i.revokedAt
                  ? `${shanghaiMinute(i.revokedAt)} ${i.revokedBy ?? ''} 撤销`
                  : '',
          },
          {
            title: '操作',
            fixed: 'right',
            width: 260,
            render: (_, row) => (
              <Space size={4}>
                {row.actions.includes('download') && (
                  <Button
                    size="small"
                    icon={<DownloadOutlined />}
                    className="invite-code-download"
                    onClick={async () => {
                      const code = await mutate('inviteCode', { inviteId: row.inviteId })
                      if (code) setInvite({ ...code, name: row.name, inviteId: row.inviteId })
                    }}
                  >
                    邀请码
                  </Button>
                )}
                {row.actions.includes('download') && (
                  <Button
                    size="small"
                    icon={<FileImageOutlined />}
                    className="invite-poster-download"
                    onClick={() => void downloadPoster('invite', row.inviteId)}
                  >
                    海报
                  </Button>
                )}
                {row.actions.includes('revoke') && (
                  <Popconfirm
                    title={`撤销给 ${row.name} 的邀请？`}
                    description="撤销后这张邀请码不能再绑定。"
                    okText="撤销"
                    cancelText="取消"
                    okButtonProps={{ danger: true, className: 'invite-revoke-confirm' }}
                    onConfirm={() =>
                      void mutate('revokeInvite', { inviteId: row.inviteId }, '邀请已撤销')
                    }
                  >
                    <Button size="small" danger className="invite-revoke">
                      撤销
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
    </>
  )

  return (
    <Card
      title="导购与邀请"
      extra={
        <Space>
          <StorePicker
            id="clerk-store-filter"
            allowClear
            placeholder="全部门店（可搜索名称或编码）"
            style={{ width: 260 }}
            value={filters.storeId || undefined}
            onChange={(value?: string) => setFilters({ storeId: value ?? '', page: 1 })}
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
      <Tabs
        activeKey={filters.tab}
        onChange={(tab) => setFilters({ tab })}
        items={[
          { key: 'clerks', label: '导购', children: clerkTable },
          { key: 'invites', label: '邀请记录', children: inviteTable },
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
          const result = await mutate('createStaffInvite', values, '邀请码已生成', {
            form: inviteForm,
          })
          if (result) {
            setInviting(false)
            inviteForm.resetFields()
            setInvite({ ...result, name: values.name })
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
            <StorePicker id="invite-store" activeOnly />
          </Form.Item>
          <Form.Item
            name="name"
            label="导购姓名"
            rules={[
              { required: true, whitespace: true, message: '请填写导购姓名' },
              { max: 20, message: '姓名不能超过 20 个字' },
            ]}
          >
            <Input id="invite-name" />
          </Form.Item>
          <Form.Item name="isManager" label="店长" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item
            name="validHours"
            label="有效期（小时）"
            rules={numberRules('有效期', { min: 1, max: 168 })}
          >
            <InputNumber id="invite-hours" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={`导购邀请码 · ${invite?.name ?? ''}`}
        open={invite !== null}
        footer={
          <Space>
            {invite?.inviteId && (
              <Button
                icon={<FileImageOutlined />}
                onClick={() => invite.inviteId && void downloadPoster('invite', invite.inviteId)}
              >
                下载海报
              </Button>
            )}
            <Button
              type="primary"
              icon={<DownloadOutlined />}
              onClick={() => invite && downloadPng(invite.pngBase64, `导购邀请-${invite.name}.png`)}
            >
              下载邀请码
            </Button>
          </Space>
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
              一次性使用，{shanghaiMinute(invite.expiresAt)}{' '}
              前有效（北京时间）。关闭后可在「邀请记录」中再次下载。
            </Typography.Text>
          </Space>
        )}
      </Modal>
      <Modal
        title={`停用导购 ${disabling?.name ?? ''}`}
        open={disabling !== null}
        okText="停用"
        okButtonProps={{ danger: true, id: 'clerk-disable-submit' }}
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
          }
        }}
      >
        <Typography.Paragraph type="secondary">
          停用后其导购码不能再开卡；名下会员保持不变，直到你转移他们。可随时恢复在岗。
        </Typography.Paragraph>
        <Form form={disableForm} layout="vertical">
          <Form.Item
            name="reason"
            label="原因"
            rules={[
              { required: true, whitespace: true, message: '请填写停用原因' },
              { max: 200, message: '原因不能超过 200 个字' },
            ]}
          >
            <Input id="clerk-disable-reason" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={`调店 · ${moving?.name ?? ''}（现属「${moving ? (storeName.get(moving.storeId) ?? '') : ''}」）`}
        open={moving !== null}
        okText="确认调店"
        okButtonProps={{ id: 'clerk-move-submit' }}
        width={560}
        onCancel={() => setMoving(null)}
        onOk={async () => {
          if (!moving) return
          const values = (await moveForm.validateFields()) as {
            toStoreId: string
            members: 'follow' | 'stay'
            toClerkId?: string
            reason: string
          }
          const result = await mutate(
            'moveClerk',
            { clerkId: moving.clerkId, ...values },
            `「${moving.name}」已调到「${storeName.get(values.toStoreId) ?? ''}」`,
          )
          if (result) {
            setMoving(null)
            setMoved(result)
          }
        }}
      >
        <Form form={moveForm} layout="vertical" initialValues={{ members: 'follow' }}>
          <Form.Item
            name="toStoreId"
            label="调往门店"
            rules={[{ required: true, message: '请选择调往的门店' }]}
          >
            <StorePicker
              id="clerk-move-store"
              activeOnly
              exclude={moving ? [moving.storeId] : []}
            />
          </Form.Item>
          <Form.Item
            name="members"
            label={`名下 ${moving?.memberCount ?? 0} 名会员`}
            rules={[{ required: true }]}
          >
            <Radio.Group id="clerk-move-members">
              <Space direction="vertical">
                <Radio value="follow">随导购调到新门店（会员的门店和聊天一起转过去）</Radio>
                <Radio value="stay">留在原门店，转给原门店的另一名导购</Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
          {membersChoice === 'stay' && (
            <Form.Item
              name="toClerkId"
              label="接手会员的导购"
              rules={[{ required: true, message: '请选择接手会员的导购' }]}
            >
              <Select
                id="clerk-move-receiver"
                showSearch
                optionFilterProp="label"
                placeholder="原门店的在岗导购"
                options={receivers.map((c) => ({
                  value: c.clerkId,
                  label: `${c.name}（${c.code}，${c.memberCount} 名会员）`,
                }))}
              />
            </Form.Item>
          )}
          <Form.Item
            name="reason"
            label="调店原因"
            rules={[
              { required: true, whitespace: true, message: '请填写调店原因' },
              { max: 200, message: '原因不能超过 200 个字' },
            ]}
          >
            <Input id="clerk-move-reason" />
          </Form.Item>
          <Typography.Paragraph type="secondary">
            会员由后台任务逐批转移，每名会员只转一次；中途中断会自动接着完成。
          </Typography.Paragraph>
        </Form>
      </Modal>
      <Modal
        title="调店完成"
        open={moved !== null}
        onCancel={() => setMoved(null)}
        footer={<Button onClick={() => setMoved(null)}>知道了</Button>}
      >
        <Typography.Paragraph id="clerk-move-result">
          {moved?.clerk.name} 已调到「{moved ? (storeName.get(moved.clerk.storeId) ?? '') : ''}」。
          {moved?.job ? (
            <>
              {moved.job.total} 名会员正在转移：{moved.job.title}。
              <Link to="/jobs">在「任务」中查看进度</Link>
            </>
          ) : (
            '原门店没有需要转移的会员。'
          )}
        </Typography.Paragraph>
      </Modal>
    </Card>
  )
}
