import { Alert, Button, Form, InputNumber, Table, Typography } from 'antd'
import type { AdminResult } from '../api'
import { useAuth } from '../auth'
import { numberRules } from '../number-rules'
import { useAdminMutation, useAdminQuery } from '../use-admin'

type Store = AdminResult<'listStores'>['items'][number]

/**
 * A template's store budgets: how many coupons each store's clerks may hand to their own members,
 * how many they have given and what is left; HQ sets each store's figure (never below what was
 * given: the server refuses it with the number).
 */
export function CouponBudgets({ templateId }: { templateId: string }) {
  const { canWrite } = useAuth()
  const stores = useAdminQuery('listStores', {})
  const budgets = useAdminQuery('couponBudgets', { templateId })
  const byStore = new Map((budgets.data?.items ?? []).map((b) => [b.storeId, b]))
  const open = (stores.data?.items ?? []).filter((s) => s.status === 'active')
  return (
    <div className="coupon-budgets">
      <Typography.Text strong>门店发券额度（店员赠送给自己的会员）</Typography.Text>
      {budgets.error && <Alert type="error" showIcon message={budgets.error} />}
      <Table<Store>
        size="small"
        rowKey="storeId"
        pagination={false}
        loading={stores.loading || budgets.loading}
        dataSource={open}
        columns={[
          { title: '门店', dataIndex: 'name' },
          {
            title: '额度',
            align: 'right',
            render: (_, s) => byStore.get(s.storeId)?.budget ?? 0,
          },
          {
            title: '已赠送',
            align: 'right',
            render: (_, s) => byStore.get(s.storeId)?.given ?? 0,
          },
          {
            title: '剩余',
            align: 'right',
            render: (_, s) => byStore.get(s.storeId)?.left ?? 0,
          },
          {
            title: '设置额度',
            render: (_, s) => (
              <BudgetEditor
                templateId={templateId}
                store={s}
                current={byStore.get(s.storeId)?.budget ?? 0}
                disabled={!canWrite}
                onSaved={() => void budgets.reload()}
              />
            ),
          },
        ]}
      />
    </div>
  )
}

/**
 * One store's new figure: its own small form, so a refusal (a number that is not a whole number
 * of coupons, or below what the store's clerks have already given) is said under this store's
 * field, not in a toast that leaves the row.
 */
function BudgetEditor({
  templateId,
  store,
  current,
  disabled,
  onSaved,
}: {
  templateId: string
  store: Store
  current: number
  disabled: boolean
  onSaved: () => void
}) {
  const [form] = Form.useForm<{ budget: number | null }>()
  const mutate = useAdminMutation()
  const budget = Form.useWatch('budget', form)
  const save = async ({ budget }: { budget: number | null }) => {
    if (budget == null) return
    const saved = await mutate(
      'setCouponBudget',
      { storeId: store.storeId, templateId, budget },
      `${store.name}的额度已设为 ${budget} 张`,
      { form },
    )
    if (saved) {
      form.resetFields()
      onSaved()
    }
  }
  return (
    <Form form={form} layout="inline" className="budget-form" onFinish={(v) => void save(v)}>
      <Form.Item
        name="budget"
        rules={numberRules('门店额度', { min: 0, max: 1_000_000 })}
        style={{ marginInlineEnd: 8 }}
      >
        <InputNumber
          id={`budget-${templateId}-${store.storeId}`}
          size="small"
          placeholder={String(current)}
          disabled={disabled}
        />
      </Form.Item>
      <Form.Item style={{ marginInlineEnd: 0 }}>
        <Button
          size="small"
          htmlType="submit"
          className="budget-save"
          disabled={disabled || budget == null}
        >
          保存
        </Button>
      </Form.Item>
    </Form>
  )
}
