import { PlusOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Space,
  Skeleton,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd'
import { numberRules } from '../number-rules'
import { useState } from 'react'
import type { AdminResult } from '../api'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { CouponBudgets } from './coupon-budgets'
import { CouponCsvIssueDialog } from './coupon-csv-issue'

type Template = AdminResult<'listCouponTemplates'>['items'][number]
type IssueResult = AdminResult<'issueCoupons'>

const KIND_LABELS: Record<Template['kind'], string> = {
  amountOff: '满减券',
  discount: '折扣券',
  gift: '礼品券',
}
const fen = (yuan: number | undefined) =>
  yuan === undefined || yuan === null ? undefined : Math.round(yuan * 100)
const yuan = (f: number) => `¥${(f / 100).toFixed(2).replace(/\.00$/, '')}`

/** One template's figures: issued, held, used, expired, what it took off and what those sales paid. */
function TemplateStats({ templateId }: { templateId: string }) {
  const stats = useAdminQuery('couponTemplateStats', { templateId })
  if (stats.error) return <Alert type="error" showIcon message={stats.error} />
  const s = stats.data
  // Until the figures arrive, a placeholder, not the figures' table with dots in it: whoever reads
  // `.coupon-stats` (a person, a test) reads figures.
  if (!s) return <Skeleton active title={false} paragraph={{ rows: 2 }} />
  return (
    <Descriptions size="small" column={4} className="coupon-stats">
      <Descriptions.Item label="已发放">{s.issued}</Descriptions.Item>
      <Descriptions.Item label="可使用">{s.available}</Descriptions.Item>
      <Descriptions.Item label="使用中">{s.locked}</Descriptions.Item>
      <Descriptions.Item label="已使用">{s.used}</Descriptions.Item>
      <Descriptions.Item label="已过期">{s.expired}</Descriptions.Item>
      <Descriptions.Item label="优惠金额">{yuan(s.discountFen)}</Descriptions.Item>
      <Descriptions.Item label="带动销售">{yuan(s.salesFen)}</Descriptions.Item>
      <Descriptions.Item label="退款规则" span={4}>
        {s.refundRule}
      </Descriptions.Item>
    </Descriptions>
  )
}

export function CouponsPage() {
  const { canWrite } = useAuth()
  const templates = useAdminQuery('listCouponTemplates', {})
  const mutate = useAdminMutation()
  const [creating, setCreating] = useState(false)
  const [issuing, setIssuing] = useState<Template | null>(null)
  const [issuingFile, setIssuingFile] = useState<Template | null>(null)
  const [issued, setIssued] = useState<IssueResult | null>(null)
  const [createForm] = Form.useForm()
  const [issueForm] = Form.useForm()
  const kind = Form.useWatch('kind', createForm) as Template['kind'] | undefined

  const toggle = async (
    t: Template,
    patch: { status?: 'active' | 'paused'; inCentre?: boolean },
  ) => {
    const label =
      patch.status !== undefined
        ? patch.status === 'active'
          ? '已恢复发放'
          : '已暂停发放'
        : patch.inCentre
          ? '已发布到领券中心'
          : '已从领券中心撤下'
    await mutate('updateCouponTemplate', { templateId: t.templateId, ...patch }, label)
  }

  return (
    <Card
      title="优惠券"
      extra={
        <Button
          id="coupon-create"
          type="primary"
          icon={<PlusOutlined />}
          disabled={!canWrite}
          onClick={() => setCreating(true)}
        >
          新建优惠券
        </Button>
      }
    >
      {templates.error && <Alert type="error" showIcon message={templates.error} />}
      <Table<Template>
        id="coupons-table"
        rowKey="templateId"
        loading={templates.loading}
        dataSource={templates.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        expandable={{
          expandedRowRender: (t) => (
            <>
              <TemplateStats templateId={t.templateId} />
              {t.channels.includes('offline') && <CouponBudgets templateId={t.templateId} />}
            </>
          ),
          expandRowByClick: false,
        }}
        columns={[
          {
            title: '名称',
            dataIndex: 'name',
            render: (name: string, t) => (
              <Space direction="vertical" size={0} style={{ whiteSpace: 'nowrap' }}>
                <span>{name}</span>
                <Typography.Text type="secondary">{t.summary}</Typography.Text>
              </Space>
            ),
          },
          {
            title: '类型',
            dataIndex: 'kind',
            render: (k: Template['kind'], t) => (
              <Space size={4} wrap>
                <Tag>{KIND_LABELS[k]}</Tag>
                {t.channels.map((c) => (
                  <Tag key={c} color="blue">
                    {c === 'online' ? '线上' : '门店'}
                  </Tag>
                ))}
                {t.onBind && <Tag color="gold">开卡礼</Tag>}
              </Space>
            ),
          },
          { title: '有效期', dataIndex: 'validityText' },
          {
            title: '已发放 / 总量',
            align: 'right',
            render: (_, t) => (
              <span style={{ whiteSpace: 'nowrap' }}>
                {`${t.issued} / ${t.totalQuantity === null ? '不限' : t.totalQuantity}（每人 ${t.perMemberLimit}）`}
              </span>
            ),
          },
          {
            title: '发放',
            dataIndex: 'status',
            render: (status: Template['status'], t) => (
              <Space>
                <Switch
                  className="coupon-status"
                  checked={status === 'active'}
                  disabled={!canWrite}
                  onChange={(on) => void toggle(t, { status: on ? 'active' : 'paused' })}
                />
                <span>{t.statusLabel}</span>
              </Space>
            ),
          },
          {
            title: '领券中心',
            dataIndex: 'inCentre',
            render: (on: boolean, t) => (
              <Switch
                className="coupon-centre"
                checked={on}
                disabled={!canWrite}
                onChange={(next) => void toggle(t, { inCentre: next })}
              />
            ),
          },
          {
            title: '操作',
            render: (_, t) => (
              <Space size={4}>
                <Button
                  size="small"
                  className="coupon-issue"
                  disabled={!canWrite || t.status !== 'active'}
                  onClick={() => {
                    setIssued(null)
                    issueForm.resetFields()
                    setIssuing(t)
                  }}
                >
                  按会员号发放
                </Button>
                <Button
                  size="small"
                  className="coupon-issue-file"
                  disabled={!canWrite || t.status !== 'active'}
                  onClick={() => setIssuingFile(t)}
                >
                  上传文件发放
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        title="新建优惠券"
        open={creating}
        okText="创建"
        width={560}
        okButtonProps={{ id: 'coupon-submit' }}
        onCancel={() => setCreating(false)}
        onOk={async () => {
          const v = (await createForm.validateFields()) as {
            name: string
            description?: string
            kind: Template['kind']
            valueYuan?: number
            minSpendYuan?: number
            rateZhe?: number
            maxOffYuan?: number
            giftName?: string
            channels: ('online' | 'offline')[]
            validDays: number
            totalQuantity?: number
            perMemberLimit: number
            publishToCentre: boolean
            onBind: boolean
          }
          const created = await mutate(
            'createCouponTemplate',
            {
              name: v.name,
              ...(v.description ? { description: v.description } : {}),
              kind: v.kind,
              ...(v.kind === 'amountOff' ? { valueFen: fen(v.valueYuan) } : {}),
              ...(v.kind === 'discount'
                ? {
                    rateBp: Math.round((v.rateZhe ?? 10) * 1000),
                    ...(v.maxOffYuan ? { maxOffFen: fen(v.maxOffYuan) } : {}),
                  }
                : {}),
              ...(v.kind === 'gift' ? { giftName: v.giftName } : {}),
              ...(v.minSpendYuan ? { minSpendFen: fen(v.minSpendYuan) } : {}),
              channels: v.kind === 'gift' ? ['offline'] : v.channels,
              validDays: v.validDays,
              ...(v.totalQuantity ? { totalQuantity: v.totalQuantity } : {}),
              perMemberLimit: v.perMemberLimit,
              publishToCentre: v.publishToCentre,
              onBind: v.onBind,
            },
            '优惠券已创建',
          )
          if (created) {
            setCreating(false)
            createForm.resetFields()
          }
        }}
      >
        <Form
          form={createForm}
          layout="vertical"
          initialValues={{
            kind: 'amountOff',
            channels: ['online', 'offline'],
            validDays: 30,
            perMemberLimit: 1,
            publishToCentre: false,
            onBind: false,
          }}
        >
          <Form.Item name="name" label="名称" rules={[{ required: true, message: '请填写名称' }]}>
            <Input id="coupon-name" maxLength={20} placeholder="如：满100减20" />
          </Form.Item>
          <Form.Item name="kind" label="类型">
            <Radio.Group id="coupon-kind">
              <Radio value="amountOff">满减券</Radio>
              <Radio value="discount">折扣券</Radio>
              <Radio value="gift">礼品券（到店领取）</Radio>
            </Radio.Group>
          </Form.Item>
          <Space wrap>
            {kind === 'amountOff' && (
              <Form.Item
                name="valueYuan"
                label="减免金额（元）"
                rules={numberRules('减免金额', { min: 0.01, decimals: 2 })}
              >
                <InputNumber id="coupon-value" />
              </Form.Item>
            )}
            {kind === 'discount' && (
              <>
                <Form.Item
                  name="rateZhe"
                  label="折扣（折）"
                  rules={numberRules('折扣', { min: 0.1, max: 9.9, decimals: 1 })}
                >
                  <InputNumber id="coupon-rate" />
                </Form.Item>
                <Form.Item
                  name="maxOffYuan"
                  label="最多减免（元）"
                  rules={numberRules('最多减免', { min: 0.01, decimals: 2, required: false })}
                >
                  <InputNumber id="coupon-max-off" />
                </Form.Item>
              </>
            )}
            {kind === 'gift' && (
              <Form.Item
                name="giftName"
                label="礼品名称"
                rules={[{ required: true, message: '请填写礼品名称' }]}
              >
                <Input id="coupon-gift" maxLength={20} />
              </Form.Item>
            )}
            <Form.Item
              name="minSpendYuan"
              label="使用门槛（元，0 为无门槛）"
              rules={numberRules('使用门槛', { min: 0, decimals: 2, required: false })}
            >
              <InputNumber id="coupon-min-spend" />
            </Form.Item>
          </Space>
          {kind !== 'gift' && (
            <Form.Item
              name="channels"
              label="使用渠道"
              rules={[{ required: true, message: '请至少选择一个渠道' }]}
            >
              <Checkbox.Group
                options={[
                  { value: 'online', label: '线上商城' },
                  { value: 'offline', label: '门店收银' },
                ]}
              />
            </Form.Item>
          )}
          <Space wrap>
            <Form.Item
              name="validDays"
              label="领取后有效天数"
              rules={numberRules('有效天数', { min: 1, max: 3650 })}
            >
              <InputNumber id="coupon-valid-days" />
            </Form.Item>
            <Form.Item
              name="totalQuantity"
              label="发放总量（空为不限）"
              rules={numberRules('发放总量', { min: 1, max: 10_000_000, required: false })}
            >
              <InputNumber id="coupon-total" />
            </Form.Item>
            <Form.Item
              name="perMemberLimit"
              label="每人限领"
              rules={numberRules('每人限领', { min: 1, max: 100 })}
            >
              <InputNumber id="coupon-per-member" />
            </Form.Item>
          </Space>
          <Space size="large">
            <Form.Item name="publishToCentre" label="发布到领券中心" valuePropName="checked">
              <Switch id="coupon-publish" />
            </Form.Item>
            <Form.Item name="onBind" label="开卡赠送" valuePropName="checked">
              <Switch id="coupon-on-bind" />
            </Form.Item>
          </Space>
          <Form.Item name="description" label="使用说明">
            <Input.TextArea id="coupon-description" maxLength={200} rows={2} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={issuing ? `发放「${issuing.name}」` : ''}
        open={issuing !== null}
        okText="发放"
        okButtonProps={{ id: 'issue-submit' }}
        onCancel={() => setIssuing(null)}
        onOk={async () => {
          if (!issuing) return
          const v = (await issueForm.validateFields()) as { memberNos: string }
          const memberNos = v.memberNos
            .split(/[\s,，、]+/)
            .map((s) => s.trim())
            .filter(Boolean)
          const result = await mutate('issueCoupons', {
            templateId: issuing.templateId,
            memberNos,
          })
          if (result) setIssued(result)
        }}
      >
        <Form form={issueForm} layout="vertical">
          <Form.Item
            name="memberNos"
            label="会员号（每行一个，最多 200 个；更多请用「上传文件发放」）"
            rules={[{ required: true, message: '请填写会员号' }]}
          >
            <Input.TextArea id="issue-member-nos" rows={5} placeholder="100000001" />
          </Form.Item>
        </Form>
        {issued && (
          <Alert
            id="issue-result"
            type={issued.refused.length ? 'warning' : 'success'}
            showIcon
            message={`已发放 ${issued.issued} 张${issued.refused.length ? `，${issued.refused.length} 位未发放` : ''}`}
            description={
              issued.refused.length ? (
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {issued.refused.map((r) => (
                    <li key={r.memberNo}>
                      {r.memberNo}：{r.reason}
                    </li>
                  ))}
                </ul>
              ) : undefined
            }
          />
        )}
      </Modal>
      {issuingFile && (
        <CouponCsvIssueDialog template={issuingFile} onClose={() => setIssuingFile(null)} />
      )}
    </Card>
  )
}
