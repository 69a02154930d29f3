import { Alert, Button, InputNumber, Space, Table, Typography } from 'antd'
import { useState } from 'react'
import type { AdminResult } from '../api'
import { useAuth } from '../auth'
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
  const mutate = useAdminMutation()
  const [drafts, setDrafts] = useState<Record<string, number | null>>({})
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
              <Space>
                <InputNumber
                  id={`budget-${templateId}-${s.storeId}`}
                  size="small"
                  placeholder={String(byStore.get(s.storeId)?.budget ?? 0)}
                  value={drafts[s.storeId] ?? null}
                  disabled={!canWrite}
                  onChange={(v) => setDrafts({ ...drafts, [s.storeId]: v })}
                />
                <Button
                  size="small"
                  className="budget-save"
                  disabled={!canWrite || drafts[s.storeId] == null}
                  onClick={async () => {
                    const budget = drafts[s.storeId]
                    if (budget == null) return
                    const saved = await mutate(
                      'setCouponBudget',
                      { storeId: s.storeId, templateId, budget },
                      `${s.name}的额度已设为 ${budget} 张`,
                    )
                    if (saved) {
                      setDrafts({ ...drafts, [s.storeId]: null })
                      void budgets.reload()
                    }
                  }}
                >
                  保存
                </Button>
              </Space>
            ),
          },
        ]}
      />
    </div>
  )
}
