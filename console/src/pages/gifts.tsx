import { PlusOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Form,
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
import type { AdminResult } from '../api'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'

type Gift = AdminResult<'listGifts'>['items'][number]

export function GiftsPage() {
  const { canWrite } = useAuth()
  const gifts = useAdminQuery('listGifts', {})
  const stores = useAdminQuery('listStores', {})
  // A coupon gift gives a coupon of one of HQ's issuing templates (points → coupon).
  const couponTemplates = useAdminQuery('listCouponTemplates', { status: 'active' })
  const mutate = useAdminMutation()
  const [creating, setCreating] = useState(false)
  const [stocking, setStocking] = useState<Gift | null>(null)
  const [createForm] = Form.useForm()
  const [stockForm] = Form.useForm()
  const creatingKind = Form.useWatch('kind', createForm) as 'goods' | 'coupon' | undefined
  const templateNames = new Map(
    (couponTemplates.data?.items ?? []).map((t) => [t.templateId, `${t.name}（${t.summary}）`]),
  )
  const storeOptions = [
    { value: '__central', label: '中央仓（邮寄）' },
    ...(stores.data?.items ?? []).map((s) => ({ value: s.storeId, label: s.name })),
  ]

  return (
    <Card
      title="礼品与库存"
      extra={
        <Button
          id="gift-create"
          type="primary"
          icon={<PlusOutlined />}
          disabled={!canWrite}
          onClick={() => setCreating(true)}
        >
          新建礼品
        </Button>
      }
    >
      {gifts.error && <Alert type="error" showIcon message={gifts.error} />}
      <Table<Gift>
        id="gifts-table"
        rowKey="giftId"
        loading={gifts.loading}
        dataSource={gifts.data?.items ?? []}
        pagination={{ defaultPageSize: 20 }}
        expandable={{
          expandedRowRender: (gift) => (
            <Table
              size="small"
              rowKey={(s) => s.storeId ?? 'central'}
              pagination={false}
              dataSource={gift.stock}
              columns={[
                { title: '库位', dataIndex: 'storeName' },
                {
                  title: '可兑库存',
                  dataIndex: 'available',
                  align: 'right',
                  render: (n: number) =>
                    n === 0 ? <Typography.Text type="danger">0</Typography.Text> : n,
                },
              ]}
            />
          ),
        }}
        columns={[
          { title: '礼品', dataIndex: 'name' },
          { title: '所需积分', dataIndex: 'pointsPrice', align: 'right' },
          {
            title: '方式',
            dataIndex: 'fulfilments',
            render: (f: string[]) =>
              f.map((x) => (
                <Tag key={x}>{x === 'pickup' ? '到店自提' : x === 'mail' ? '邮寄' : '优惠券'}</Tag>
              )),
          },
          {
            title: '总库存',
            render: (_, g) =>
              g.couponTemplateId
                ? (templateNames.get(g.couponTemplateId) ?? '优惠券（按券的发放余量）')
                : g.stock.reduce((sum, s) => sum + s.available, 0),
            align: 'right',
          },
          {
            title: '上架',
            dataIndex: 'status',
            render: (status: string, gift) => (
              <Switch
                checked={status === 'active'}
                disabled={!canWrite}
                onChange={(on) =>
                  void mutate(
                    'updateGift',
                    { giftId: gift.giftId, status: on ? 'active' : 'inactive' },
                    on ? '已上架' : '已下架',
                  )
                }
              />
            ),
          },
          {
            title: '操作',
            render: (_, gift) => (
              <Button
                size="small"
                className="gift-stock"
                disabled={!canWrite || gift.couponTemplateId !== null}
                onClick={() => setStocking(gift)}
              >
                调整库存
              </Button>
            ),
          },
        ]}
      />
      <Modal
        title="新建礼品"
        open={creating}
        okText="创建"
        okButtonProps={{ id: 'gift-submit' }}
        onCancel={() => setCreating(false)}
        onOk={async () => {
          const v = (await createForm.validateFields()) as {
            kind: 'goods' | 'coupon'
            name: string
            description?: string
            pointsPrice: number
            mail: boolean
            shippingFeeYuan?: number
            stockEach: number
            couponTemplateId?: string
          }
          if (v.kind === 'coupon') {
            // No stock of its own: what is left is the template's total less what it issued.
            const created = await mutate(
              'createGift',
              {
                name: v.name,
                description: v.description ?? '',
                pointsPrice: v.pointsPrice,
                fulfilments: ['coupon'],
                ...(v.couponTemplateId ? { couponTemplateId: v.couponTemplateId } : {}),
              },
              `礼品「${v.name}」已创建`,
              { form: createForm },
            )
            if (created) {
              setCreating(false)
              createForm.resetFields()
              void gifts.reload()
            }
            return
          }
          const stock = [
            ...(stores.data?.items ?? [])
              .filter((s) => s.status === 'active')
              .map((s) => ({ storeId: s.storeId, available: v.stockEach })),
            ...(v.mail ? [{ storeId: null, available: v.stockEach }] : []),
          ]
          const created = await mutate(
            'createGift',
            {
              name: v.name,
              description: v.description ?? '',
              pointsPrice: v.pointsPrice,
              fulfilments: v.mail ? ['pickup', 'mail'] : ['pickup'],
              shippingFeeFen: Math.round((v.shippingFeeYuan ?? 0) * 100),
              stock,
            },
            `礼品「${v.name}」已创建`,
            {
              form: createForm,
              // The form asks one opening stock for every store, and the fee in yuan.
              fields: (field) =>
                field.startsWith('stock.')
                  ? 'stockEach'
                  : field === 'shippingFeeFen'
                    ? 'shippingFeeYuan'
                    : field,
            },
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
          initialValues={{ kind: 'goods', mail: false, stockEach: 10 }}
        >
          <Form.Item name="kind" label="礼品类型">
            <Select
              id="gift-kind"
              options={[
                { value: 'goods', label: '实物礼品（到店自提或邮寄）' },
                { value: 'coupon', label: '优惠券（积分兑换电子券）' },
              ]}
            />
          </Form.Item>
          {creatingKind === 'coupon' && (
            <Form.Item
              name="couponTemplateId"
              label="兑换的优惠券"
              extra="会员兑换后，券直接进入「我的 → 优惠券」；券的发放总量和每人限领同样适用。"
            >
              <Select
                id="gift-coupon-template"
                placeholder="选择发放中的优惠券"
                options={(couponTemplates.data?.items ?? []).map((t) => ({
                  value: t.templateId,
                  label: `${t.name}（${t.summary}）`,
                }))}
              />
            </Form.Item>
          )}
          <Form.Item name="name" label="名称" rules={[{ required: true, max: 40 }]}>
            <Input id="gift-name" />
          </Form.Item>
          <Form.Item name="description" label="说明">
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
          <Form.Item name="pointsPrice" label="所需积分" rules={[{ required: true }]}>
            {/* No min/max: out of range is refused by the server with a message, never clamped. */}
            <InputNumber id="gift-points" />
          </Form.Item>
          {creatingKind !== 'coupon' && (
            <>
              <Form.Item name="stockEach" label="每个门店的初始库存" rules={[{ required: true }]}>
                <InputNumber id="gift-stock" />
              </Form.Item>
              <Space>
                <Form.Item name="mail" label="可邮寄" valuePropName="checked">
                  <Switch />
                </Form.Item>
                <Form.Item name="shippingFeeYuan" label="邮费（元）">
                  <InputNumber id="gift-shipping-fee" />
                </Form.Item>
              </Space>
            </>
          )}
        </Form>
      </Modal>
      <Modal
        title={`调整库存 · ${stocking?.name ?? ''}`}
        open={stocking !== null}
        okText="调整"
        okButtonProps={{ id: 'stock-submit' }}
        onCancel={() => setStocking(null)}
        onOk={async () => {
          const v = (await stockForm.validateFields()) as {
            location: string
            delta: number
            reason: string
          }
          if (!stocking) return
          const result = await mutate(
            'adjustGiftStock',
            {
              giftId: stocking.giftId,
              storeId: v.location === '__central' ? null : v.location,
              delta: v.delta,
              reason: v.reason,
            },
            '库存已调整',
            { form: stockForm, fields: { storeId: 'location' } },
          )
          if (result) {
            setStocking(null)
            stockForm.resetFields()
          }
        }}
      >
        <Form form={stockForm} layout="vertical">
          <Form.Item name="location" label="库位" rules={[{ required: true }]}>
            <Select
              id="stock-location"
              options={storeOptions}
              showSearch
              optionFilterProp="label"
            />
          </Form.Item>
          <Form.Item name="delta" label="调整数量（负数为减少）" rules={[{ required: true }]}>
            <InputNumber id="stock-delta" />
          </Form.Item>
          <Form.Item name="reason" label="原因" rules={[{ required: true, min: 2, max: 200 }]}>
            <Input id="stock-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}
