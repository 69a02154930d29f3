import { SwapOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd'
import type { SorterResult } from 'antd/es/table/interface'
import { useEffect, useMemo, useRef, useState } from 'react'
import { Link } from 'react-router-dom'
import type { AdminResult } from '../api'
import { useAuth } from '../auth'
import { StorePicker } from '../store-picker'
import { useUrlState } from '../url-state'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { shanghai } from '../time'

type Row = AdminResult<'listMembers'>['items'][number]

const DEFAULTS = {
  page: 1,
  pageSize: 20,
  search: '',
  storeId: '',
  clerkId: '',
  tier: '',
  sortBy: 'joinedAt',
  sortOrder: 'desc',
}
export const TIER_LABEL: Record<string, string> = { standard: '普通', silver: '银卡', gold: '金卡' }

export function MembersPage() {
  const { canWrite } = useAuth()
  const [state, setState] = useUrlState(DEFAULTS)
  const clerks = useAdminQuery('listClerks', {})
  const params = useMemo(
    () => ({
      page: state.page,
      pageSize: state.pageSize,
      sortBy: state.sortBy as 'joinedAt' | 'points' | 'lastPurchaseAt',
      sortOrder: state.sortOrder as 'asc' | 'desc',
      ...(state.search ? { search: state.search } : {}),
      ...(state.storeId ? { storeId: state.storeId } : {}),
      ...(state.clerkId ? { clerkId: state.clerkId } : {}),
      ...(state.tier ? { tier: state.tier as 'standard' | 'silver' | 'gold' } : {}),
    }),
    [state],
  )
  const members = useAdminQuery('listMembers', params)
  const mutate = useAdminMutation()
  const [selected, setSelected] = useState<Row[]>([])
  const [transfer, setTransfer] = useState<{ mode: 'selected' | 'all' } | null>(null)
  const [progress, setProgress] = useState<{ moved: number; total: number; done: boolean } | null>(
    null,
  )
  const transferOpen = useRef(false)
  useEffect(() => {
    transferOpen.current = transfer !== null
  }, [transfer])
  const [form] = Form.useForm()
  const clerkOptions = (clerks.data?.items ?? []).map((c) => ({
    value: c.clerkId,
    label: `${c.name}（${c.code}${c.status === 'active' ? '' : '，已停用'}）`,
    disabled: false,
  }))

  async function runTransfer(values: { fromClerkId?: string; toClerkId: string; reason: string }) {
    if (transfer?.mode === 'selected') {
      const byClerk = new Map<string, string[]>()
      for (const row of selected)
        byClerk.set(row.clerkId, [...(byClerk.get(row.clerkId) ?? []), row.memberId])
      setProgress({ moved: 0, total: selected.length, done: false })
      let moved = 0
      for (const [fromClerkId, memberIds] of byClerk) {
        if (fromClerkId === values.toClerkId) continue
        const result = await mutate('transferMembers', {
          fromClerkId,
          toClerkId: values.toClerkId,
          memberIds,
          reason: values.reason,
        })
        if (!result) break
        moved += result.moved
        setProgress({ moved, total: selected.length, done: false })
      }
      setProgress({ moved, total: selected.length, done: true })
    } else if (values.fromClerkId) {
      // A server-side job: this dialog steps it while open; closed, the job timer carries it on (任务 page).
      let job = await mutate('createTransferJob', {
        fromClerkId: values.fromClerkId,
        toClerkId: values.toClerkId,
        reason: values.reason,
      })
      while (job) {
        // The server offers step while the job can go on (hq/lifecycle.ts).
        const more = job.actions.includes('step')
        setProgress({ moved: job.done, total: job.total, done: !more })
        if (!more || !transferOpen.current) break
        job = await mutate('jobStep', { jobId: job.jobId })
      }
    }
    // The members and clerks lists follow by themselves: both writes mark them stale.
    setSelected([])
  }

  return (
    <Card
      title="会员"
      extra={
        <Space>
          <Button
            id="transfer-selected"
            icon={<SwapOutlined />}
            disabled={!canWrite || selected.length === 0}
            onClick={() => setTransfer({ mode: 'selected' })}
          >
            转移所选（{selected.length}）
          </Button>
          <Button
            id="transfer-all"
            icon={<SwapOutlined />}
            disabled={!canWrite}
            onClick={() => setTransfer({ mode: 'all' })}
          >
            整体转移导购会员
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          id="member-search"
          allowClear
          placeholder="手机号 / 后四位 / 会员号"
          defaultValue={state.search}
          onSearch={(value) => setState({ search: value.trim(), page: 1 })}
          style={{ width: 240 }}
        />
        <StorePicker
          id="member-store-filter"
          allowClear
          placeholder="门店"
          style={{ width: 200 }}
          value={state.storeId || undefined}
          onChange={(v?: string) => setState({ storeId: v ?? '', page: 1 })}
        />
        <Select
          id="member-clerk-filter"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="导购"
          style={{ width: 200 }}
          value={state.clerkId || undefined}
          options={clerkOptions}
          onChange={(v?: string) => setState({ clerkId: v ?? '', page: 1 })}
        />
        <Select
          allowClear
          placeholder="等级"
          style={{ width: 120 }}
          value={state.tier || undefined}
          options={Object.entries(TIER_LABEL).map(([value, label]) => ({ value, label }))}
          onChange={(v?: string) => setState({ tier: v ?? '', page: 1 })}
        />
      </Space>
      {members.error && (
        <Alert
          type="error"
          showIcon
          message={members.error}
          action={<Button onClick={() => void members.reload()}>重试</Button>}
        />
      )}
      <Table<Row>
        id="members-table"
        rowKey="memberId"
        loading={members.loading}
        dataSource={members.data?.items ?? []}
        rowSelection={{
          selectedRowKeys: selected.map((r) => r.memberId),
          onChange: (_keys, rows) => setSelected(rows),
        }}
        pagination={{
          current: state.page,
          pageSize: state.pageSize,
          total: members.data?.total ?? 0,
          showTotal: (total) => `共 ${total} 位会员`,
          showSizeChanger: true,
        }}
        onChange={(pagination, _filters, sorter) => {
          const s = sorter as SorterResult<Row>
          setState({
            page: pagination.current ?? 1,
            pageSize: pagination.pageSize ?? 20,
            sortBy: s.order ? String(s.field) : 'joinedAt',
            sortOrder: s.order === 'ascend' ? 'asc' : 'desc',
          })
        }}
        columns={[
          {
            title: '会员号',
            dataIndex: 'memberNo',
            render: (no: string, row) => <Link to={`/members/${row.memberId}`}>{no}</Link>,
          },
          { title: '手机', dataIndex: 'phoneMasked' },
          {
            title: '等级',
            dataIndex: 'tier',
            render: (t: string) => (
              <Tag color={t === 'gold' ? 'gold' : t === 'silver' ? 'default' : 'blue'}>
                {TIER_LABEL[t]}
              </Tag>
            ),
          },
          {
            title: '积分',
            dataIndex: 'points',
            align: 'right',
            sorter: true,
            sortOrder:
              state.sortBy === 'points' ? (state.sortOrder === 'asc' ? 'ascend' : 'descend') : null,
          },
          { title: '门店', dataIndex: 'storeName' },
          { title: '导购', dataIndex: 'clerkName' },
          {
            title: '入会时间',
            dataIndex: 'joinedAt',
            sorter: true,
            sortOrder:
              state.sortBy === 'joinedAt'
                ? state.sortOrder === 'asc'
                  ? 'ascend'
                  : 'descend'
                : null,
            render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: '最近消费',
            dataIndex: 'lastPurchaseAt',
            sorter: true,
            sortOrder:
              state.sortBy === 'lastPurchaseAt'
                ? state.sortOrder === 'asc'
                  ? 'ascend'
                  : 'descend'
                : null,
            render: (d: string | null) =>
              d ? (
                shanghai(d).format('YYYY-MM-DD')
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              ),
          },
        ]}
      />
      <Modal
        title={
          transfer?.mode === 'selected'
            ? `转移所选 ${selected.length} 位会员`
            : '整体转移导购的全部会员'
        }
        open={transfer !== null}
        okText="开始转移"
        okButtonProps={{ id: 'transfer-confirm', disabled: progress !== null && !progress.done }}
        cancelText={progress?.done ? '完成' : '取消'}
        cancelButtonProps={{ id: 'transfer-close' }}
        onCancel={() => {
          setTransfer(null)
          setProgress(null)
          form.resetFields()
        }}
        onOk={async () => {
          const values = (await form.validateFields()) as {
            fromClerkId?: string
            toClerkId: string
            reason: string
          }
          await runTransfer(values)
        }}
      >
        <Form form={form} layout="vertical">
          {transfer?.mode === 'all' && (
            <Form.Item
              name="fromClerkId"
              label="转出导购"
              rules={[{ required: true, message: '请选择转出导购' }]}
            >
              <Select
                id="transfer-from"
                showSearch
                optionFilterProp="label"
                options={clerkOptions}
              />
            </Form.Item>
          )}
          <Form.Item
            name="toClerkId"
            label="转入导购"
            rules={[{ required: true, message: '请选择转入导购' }]}
          >
            <Select
              id="transfer-to"
              showSearch
              optionFilterProp="label"
              options={(clerks.data?.items ?? [])
                .filter((c) => c.status === 'active')
                .map((c) => ({ value: c.clerkId, label: `${c.name}（${c.code}）` }))}
            />
          </Form.Item>
          <Form.Item
            name="reason"
            label="原因（记入转移日志）"
            rules={[{ required: true, max: 200 }]}
          >
            <Input id="transfer-reason" placeholder="如：导购离职" />
          </Form.Item>
        </Form>
        {progress && (
          <div id="transfer-progress">
            <Progress
              percent={progress.total ? Math.round((progress.moved / progress.total) * 100) : 100}
              status={progress.done ? 'success' : 'active'}
            />
            <Typography.Text>
              {progress.done ? '转移完成' : '转移中'}：已转移 {progress.moved} / {progress.total}
            </Typography.Text>
            {!progress.done && transfer?.mode === 'all' && (
              <Typography.Paragraph type="secondary">
                可以关闭窗口，转移会在后台继续，进度见「任务」。
              </Typography.Paragraph>
            )}
          </div>
        )}
      </Modal>
    </Card>
  )
}
