import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Row,
  Skeleton,
  Table,
  Typography,
} from 'antd'
import { useEffect, useState } from 'react'
import { ApiFailure, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { numberRules } from '../number-rules'
import { useAdminFetch, useAdminMutation, useAdminQuery } from '../use-admin'
import { TIER_LABEL } from './members'
import { shanghai } from '../time'

type MemberPoints = AdminResult<'memberPoints'>

export function PointsPage() {
  const { canWrite, isAdmin } = useAuth()
  const rules = useAdminQuery('pointsRules', {})
  const mutate = useAdminMutation()
  const [rulesForm] = Form.useForm()
  const [adjustForm] = Form.useForm()
  // The member looked up: read through the cache, so an adjustment (which marks memberPoints
  // stale) shows the new balance and ledger without looking again.
  const [memberNo, setMemberNo] = useState<string | null>(null)
  const lookedUp = useAdminQuery(
    'memberPoints',
    { memberNo: memberNo ?? '' },
    { enabled: memberNo !== null, keepPrevious: false },
  )
  const member: MemberPoints | null = memberNo === null ? null : lookedUp.data
  const fetchAdmin = useAdminFetch()
  const { message } = App.useApp()

  /** A refused number (not 9 digits, no such member) is said at once, as a message. */
  async function lookup(no: string) {
    try {
      await fetchAdmin('memberPoints', { memberNo: no })
      setMemberNo(no)
    } catch (err) {
      void message.error(err instanceof ApiFailure ? err.message : '查询失败，请重试')
    }
  }

  useEffect(() => {
    if (!rules.data) return
    rulesForm.setFieldsValue({
      ...rules.data,
      silverYuan: rules.data.tierThresholdsFen.silver / 100,
      goldYuan: rules.data.tierThresholdsFen.gold / 100,
    })
  }, [rules.data, rulesForm])

  return (
    <Row gutter={16}>
      <Col span={11}>
        <Card title="积分规则">
          {rules.error && <Alert type="error" showIcon message={rules.error} />}
          {!rules.data ? (
            <Skeleton active />
          ) : (
            <Form
              form={rulesForm}
              layout="vertical"
              disabled={!isAdmin}
              onFinish={async (v: {
                pointsPerYuan: number
                multipliers: { standard: number; silver: number; gold: number }
                welcomeBonus: number
                expiryYears: number
                silverYuan: number
                goldYuan: number
              }) => {
                const saved = await mutate(
                  'setPointsRules',
                  {
                    pointsPerYuan: v.pointsPerYuan,
                    multipliers: v.multipliers,
                    welcomeBonus: v.welcomeBonus,
                    expiryYears: v.expiryYears,
                    tierThresholdsFen: {
                      silver: Math.round(v.silverYuan * 100),
                      gold: Math.round(v.goldYuan * 100),
                    },
                  },
                  '积分规则已保存',
                  {
                    form: rulesForm,
                    fields: {
                      'tierThresholdsFen.silver': 'silverYuan',
                      'tierThresholdsFen.gold': 'goldYuan',
                    },
                  },
                )
                return saved
              }}
            >
              <Form.Item
                name="pointsPerYuan"
                label="每消费 1 元得积分"
                rules={numberRules('每元积分', { min: 0, max: 100, decimals: 2 })}
              >
                <InputNumber id="rules-per-yuan" />
              </Form.Item>
              <Form.Item label="等级倍率">
                <Input.Group compact>
                  <Form.Item
                    name={['multipliers', 'standard']}
                    noStyle
                    rules={numberRules('普通倍率', { min: 0, max: 10, decimals: 2 })}
                  >
                    <InputNumber id="rules-multiplier-standard" addonBefore="普通" />
                  </Form.Item>
                  <Form.Item
                    name={['multipliers', 'silver']}
                    noStyle
                    rules={numberRules('银卡倍率', { min: 0, max: 10, decimals: 2 })}
                  >
                    <InputNumber id="rules-multiplier-silver" addonBefore="银卡" />
                  </Form.Item>
                  <Form.Item
                    name={['multipliers', 'gold']}
                    noStyle
                    rules={numberRules('金卡倍率', { min: 0, max: 10, decimals: 2 })}
                  >
                    <InputNumber id="rules-multiplier-gold" addonBefore="金卡" />
                  </Form.Item>
                </Input.Group>
              </Form.Item>
              <Form.Item
                name="welcomeBonus"
                label="开卡礼（积分）"
                rules={numberRules('开卡礼积分', { min: 0, max: 100_000 })}
              >
                <InputNumber id="rules-welcome" />
              </Form.Item>
              <Form.Item
                name="expiryYears"
                label="有效期：获得当年之后第几年年底过期"
                rules={numberRules('有效期年数', { min: 0, max: 10 })}
              >
                <InputNumber id="rules-expiry" />
              </Form.Item>
              <Form.Item label="等级门槛（近 365 天消费，元）">
                <Input.Group compact>
                  <Form.Item
                    name="silverYuan"
                    noStyle
                    rules={numberRules('银卡门槛', { min: 0.01, decimals: 2 })}
                  >
                    <InputNumber id="rules-silver" addonBefore="银卡" />
                  </Form.Item>
                  <Form.Item
                    name="goldYuan"
                    noStyle
                    rules={numberRules('金卡门槛', { min: 0.01, decimals: 2 })}
                  >
                    <InputNumber id="rules-gold" addonBefore="金卡" />
                  </Form.Item>
                </Input.Group>
              </Form.Item>
              <Button id="rules-save" type="primary" htmlType="submit">
                保存规则
              </Button>
            </Form>
          )}
        </Card>
      </Col>
      <Col span={13}>
        <Card title="会员积分与人工调整">
          <Input.Search
            id="points-member-search"
            placeholder="9 位会员号"
            enterButton="查询"
            onSearch={(v) => void lookup(v.trim())}
            loading={lookedUp.fetching}
            style={{ marginBottom: 16 }}
          />
          {member && (
            <>
              <Descriptions column={3} size="small" id="points-member">
                <Descriptions.Item label="会员号">{member.memberNo}</Descriptions.Item>
                <Descriptions.Item label="积分">{member.points}</Descriptions.Item>
                <Descriptions.Item label="等级">{TIER_LABEL[member.tier]}</Descriptions.Item>
              </Descriptions>
              <Form
                form={adjustForm}
                layout="inline"
                disabled={!canWrite}
                style={{ margin: '12px 0' }}
                onFinish={async (v: { points: number; reason: string }) => {
                  const requestKey = `console-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`
                  const result = await mutate(
                    'adjustPoints',
                    { memberNo: member.memberNo, points: v.points, reason: v.reason, requestKey },
                    '已调整',
                    { form: adjustForm },
                  )
                  if (result) adjustForm.resetFields()
                }}
              >
                <Form.Item
                  name="points"
                  rules={numberRules('调整积分', { min: -1_000_000, max: 1_000_000 })}
                >
                  <InputNumber id="adjust-points" placeholder="+/− 积分" />
                </Form.Item>
                <Form.Item
                  name="reason"
                  rules={[{ required: true, min: 2, message: '请填写原因' }]}
                >
                  <Input id="adjust-reason" placeholder="原因（记入流水）" style={{ width: 220 }} />
                </Form.Item>
                <Button id="adjust-submit" htmlType="submit">
                  调整
                </Button>
              </Form>
              <Table
                size="small"
                rowKey="entryId"
                dataSource={member.ledger}
                pagination={{ defaultPageSize: 8 }}
                columns={[
                  {
                    title: '时间',
                    dataIndex: 'at',
                    render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm'),
                  },
                  { title: '来源', dataIndex: 'title' },
                  {
                    title: '积分',
                    dataIndex: 'points',
                    align: 'right',
                    render: (p: number) => (
                      <Typography.Text type={p < 0 ? 'danger' : 'success'}>
                        {p > 0 ? `+${p}` : p}
                      </Typography.Text>
                    ),
                  },
                ]}
              />
            </>
          )}
        </Card>
      </Col>
    </Row>
  )
}
