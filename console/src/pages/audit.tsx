/**
 * 操作日志: what HQ accounts did, in words. Changes apart from reads of personal data and
 * sign-ins; a date range (Asia/Shanghai days) and a search over action names (退款) and user
 * names. The server writes every label and summary; this page only lays them out.
 */
import { Alert, Card, DatePicker, Input, Segmented, Space, Table, Tag, Typography } from 'antd'
import dayjs from 'dayjs'
import { useMemo } from 'react'
import type { AdminResult } from '../api'
import { useUrlState } from '../url-state'
import { useAdminQuery } from '../use-admin'

type Row = AdminResult<'listAudit'>['items'][number]
const DEFAULTS = { page: 1, pageSize: 20, kind: 'write', q: '', from: '', to: '' }

const KINDS = [
  { value: 'write', label: '修改' },
  { value: 'read', label: '查看个人数据' },
  { value: 'signIn', label: '登录与账号安全' },
  { value: 'all', label: '全部' },
]

/** Asia/Shanghai, whatever the browser's zone. */
const shanghai = (iso: string) =>
  new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')

export function AuditPage() {
  const [state, setState] = useUrlState(DEFAULTS)
  const params = useMemo(
    () => ({
      page: state.page,
      pageSize: state.pageSize,
      ...(state.kind !== 'all' ? { kind: state.kind as 'write' | 'read' | 'signIn' } : {}),
      ...(state.q ? { search: state.q } : {}),
      ...(state.from ? { from: state.from } : {}),
      ...(state.to ? { to: state.to } : {}),
    }),
    [state],
  )
  const audit = useAdminQuery('listAudit', params)
  return (
    <Card title="操作日志">
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented
          id="audit-kind"
          value={state.kind}
          options={KINDS}
          onChange={(kind) => setState({ kind: String(kind), page: 1 })}
        />
        <DatePicker.RangePicker
          id="audit-range"
          allowEmpty={[true, true]}
          value={[state.from ? dayjs(state.from) : null, state.to ? dayjs(state.to) : null]}
          onChange={(range) =>
            setState({
              from: range?.[0]?.format('YYYY-MM-DD') ?? '',
              to: range?.[1]?.format('YYYY-MM-DD') ?? '',
              page: 1,
            })
          }
        />
        <Input.Search
          id="audit-search"
          allowClear
          style={{ width: 260 }}
          placeholder="搜索操作（如 退款）或用户名"
          defaultValue={state.q}
          onSearch={(v) => setState({ q: v.trim(), page: 1 })}
        />
      </Space>
      {audit.error && <Alert type="error" showIcon message={audit.error} />}
      <Table<Row>
        id="audit-table"
        rowKey="id"
        size="small"
        loading={audit.loading}
        dataSource={audit.data?.items ?? []}
        pagination={{
          current: state.page,
          pageSize: state.pageSize,
          total: audit.data?.total ?? 0,
          pageSizeOptions: [20, 50, 100],
          showSizeChanger: true,
          showTotal: (t) => `共 ${t} 条`,
        }}
        onChange={(p) => setState({ page: p.current ?? 1, pageSize: p.pageSize ?? 20 })}
        columns={[
          {
            title: '时间',
            dataIndex: 'at',
            width: 170,
            render: (d: string) => shanghai(d),
          },
          {
            title: '账号',
            dataIndex: 'username',
            width: 120,
            render: (u: string | null) => u ?? '—',
          },
          {
            title: '操作',
            dataIndex: 'actionLabel',
            width: 150,
            render: (label: string, row) => (
              <Space size={4}>
                <span className="audit-action">{label}</span>
                {state.kind === 'all' && row.kind !== 'write' && (
                  <Tag bordered={false}>{row.kindLabel}</Tag>
                )}
              </Space>
            ),
          },
          {
            title: '内容',
            dataIndex: 'summary',
            render: (summary: string) => (
              <Typography.Text className="audit-summary">{summary || '—'}</Typography.Text>
            ),
          },
          {
            title: '结果',
            dataIndex: 'outcomeLabel',
            width: 220,
            render: (label: string, row) => (
              <Space direction="vertical" size={0}>
                <Tag className="audit-outcome" color={row.ok ? 'green' : 'red'}>
                  {label}
                </Tag>
                {row.message && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {row.message}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  )
}
