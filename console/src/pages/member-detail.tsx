import { ArrowLeftOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Modal,
  Skeleton,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd'
import { useState } from 'react'
import { useNavigate, useParams } from 'react-router-dom'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { TIER_LABEL } from './members'
import { shanghai } from '../time'

const REASON: Record<string, string> = {
  bind: '扫码开卡',
  transfer: '总部转移',
  rescan: '保护期后重新归属',
}
const KIND: Record<string, string> = {
  welcome: '开卡礼',
  earn: '消费积分',
  spend: '兑换',
  expire: '过期',
  refund: '退款扣回',
  adjust: '人工调整',
}

export function MemberDetailPage() {
  const { memberId = '' } = useParams()
  const navigate = useNavigate()
  const profile = useAdminQuery('memberProfile', { memberId }, { keepPrevious: false })
  const [showChat, setShowChat] = useState(false)
  const [correcting, setCorrecting] = useState(false)
  const { canWrite } = useAuth()
  if (profile.loading && !profile.data)
    return (
      <Card>
        <Skeleton active />
      </Card>
    )
  if (profile.error) return <Alert type="error" showIcon message={profile.error} />
  const data = profile.data!
  const m = data.member
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)}>
        返回
      </Button>
      <Card title={`会员 ${m.memberNo}`}>
        <Descriptions column={3} id="member-profile">
          <Descriptions.Item label="手机">{m.phone ?? '已注销'}</Descriptions.Item>
          <Descriptions.Item label="等级">{TIER_LABEL[m.tier]}</Descriptions.Item>
          <Descriptions.Item label="积分">{m.points}</Descriptions.Item>
          <Descriptions.Item label="归属门店">{m.storeName}</Descriptions.Item>
          <Descriptions.Item label="归属导购">{m.clerkName}</Descriptions.Item>
          <Descriptions.Item label="开卡导购">{`${m.openedClerkName}（${m.openedStoreName}）`}</Descriptions.Item>
          <Descriptions.Item label="入会">
            {shanghai(m.joinedAt).format('YYYY-MM-DD HH:mm')}
          </Descriptions.Item>
          <Descriptions.Item label="最近消费">
            {m.lastPurchaseAt ? shanghai(m.lastPurchaseAt).format('YYYY-MM-DD') : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="标签">
            {m.tags.length ? m.tags.map((t) => <Tag key={t}>{t}</Tag>) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label="近一年消费">
            ¥{(m.trailingSpendFen / 100).toFixed(2)}
          </Descriptions.Item>
          <Descriptions.Item label="生日">
            <Space>
              <span id="member-birthday">{m.birthday ?? '未填写'}</span>
              <Button
                size="small"
                id="correct-birthday"
                disabled={!canWrite}
                onClick={() => setCorrecting(true)}
              >
                更正
              </Button>
            </Space>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      {correcting && (
        <CorrectBirthday
          memberId={memberId}
          current={m.birthday}
          onClose={() => setCorrecting(false)}
        />
      )}
      <Card title="归属变更记录">
        <div id="attribution-history">
          <Timeline
            items={data.attributionLog.map((l) => ({
              children: (
                <span>
                  <Typography.Text strong>{REASON[l.reason] ?? l.reason}</Typography.Text>{' '}
                  {l.fromClerkName ? `${l.fromClerkName} → ` : ''}
                  {l.toClerkName}{' '}
                  <Typography.Text type="secondary">
                    {shanghai(l.at).format('YYYY-MM-DD HH:mm')} · {l.actor}
                    {l.note ? ` · ${l.note}` : ''}
                  </Typography.Text>
                </span>
              ),
            }))}
          />
        </div>
      </Card>
      <Card
        title="与导购的聊天"
        extra={
          !showChat && (
            <Button id="show-conversation" onClick={() => setShowChat(true)}>
              查看聊天记录
            </Button>
          )
        }
      >
        {showChat ? (
          <Conversation memberId={memberId} />
        ) : (
          <Typography.Text type="secondary">
            聊天记录属于会员个人信息，查看会记入操作日志。
          </Typography.Text>
        )}
      </Card>
      <Card title="积分流水">
        <Table
          rowKey="key"
          size="small"
          dataSource={data.pointsLedger}
          pagination={{ defaultPageSize: 10 }}
          columns={[
            {
              title: '时间',
              dataIndex: 'at',
              render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm'),
            },
            { title: '类型', dataIndex: 'kind', render: (k: string) => KIND[k] ?? k },
            {
              title: '积分',
              dataIndex: 'points',
              align: 'right',
              render: (p: number) => (p > 0 ? `+${p}` : p),
            },
          ]}
        />
      </Card>
      <MemberCoupons memberId={memberId} />
      <Card title="到店记录">
        <Table
          rowKey={(v) => `${v.at}-${v.storeName}`}
          size="small"
          dataSource={data.visits}
          pagination={{ defaultPageSize: 10 }}
          columns={[
            {
              title: '时间',
              dataIndex: 'at',
              render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm'),
            },
            { title: '门店', dataIndex: 'storeName' },
          ]}
        />
      </Card>
    </Space>
  )
}

/** Members set their birthday once; HQ corrects a wrong one, with a reason (audited). */
function CorrectBirthday({
  memberId,
  current,
  onClose,
}: {
  memberId: string
  current: string | null
  onClose: () => void
}) {
  const mutate = useAdminMutation()
  const [form] = Form.useForm<{ birthday: string; reason: string }>()
  const save = async (v: { birthday: string; reason: string }) => {
    if (
      await mutate(
        'setMemberBirthday',
        { memberId, birthday: v.birthday, reason: v.reason },
        '生日已更正',
        { form },
      )
    )
      onClose()
  }
  return (
    <Modal
      open
      title="更正生日"
      okText="保存"
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ birthday: current ?? '' }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item
          name="birthday"
          label="生日（月-日）"
          rules={[{ required: true, pattern: /^\d{2}-\d{2}$/, message: '格式如 03-15' }]}
        >
          <Input id="birthday-input" placeholder="03-15" maxLength={5} />
        </Form.Item>
        <Form.Item
          name="reason"
          label="更正原因（记入操作日志）"
          rules={[{ required: true, max: 80 }]}
        >
          <Input id="birthday-reason" placeholder="如：会员持证件到店核对" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

function Conversation({ memberId }: { memberId: string }) {
  const chat = useAdminQuery('memberConversation', { memberId, limit: 50 })
  if (chat.loading && !chat.data) return <Skeleton active />
  if (chat.error) return <Alert type="error" showIcon message={chat.error} />
  if (!chat.data || chat.data.items.length === 0)
    return <Typography.Text type="secondary">还没有聊天</Typography.Text>
  return (
    <div id="member-conversation">
      {chat.data.items.map((m) => (
        <div
          key={m.seq}
          style={{ textAlign: m.sender === 'member' ? 'left' : 'right', margin: '6px 0' }}
        >
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {m.senderName} · {shanghai(m.at).format('MM-DD HH:mm')}
          </Typography.Text>
          <div>
            <Tag color={m.sender === 'member' ? 'blue' : 'volcano'}>{m.text}</Tag>
          </div>
        </div>
      ))}
    </div>
  )
}

/** The member's coupons with their state as the server labels it. */
function MemberCoupons({ memberId }: { memberId: string }) {
  const coupons = useAdminQuery('memberCoupons', { memberId })
  return (
    <Card title="优惠券" id="member-coupons">
      {coupons.error && <Alert type="error" showIcon message={coupons.error} />}
      <Table
        rowKey="couponId"
        size="small"
        loading={coupons.loading}
        dataSource={coupons.data?.items ?? []}
        pagination={{ pageSize: 10 }}
        columns={[
          { title: '优惠券', dataIndex: 'name' },
          { title: '内容', dataIndex: 'summary' },
          { title: '来源', dataIndex: 'source' },
          { title: '有效期', dataIndex: 'validText' },
          { title: '状态', dataIndex: 'statusLabel', render: (l: string) => <Tag>{l}</Tag> },
        ]}
      />
    </Card>
  )
}
