import { Alert, Card, Input, Space, Table, Tag, Typography } from 'antd'
import { useMemo } from 'react'
import type { AdminResult } from '../api'
import { useUrlState } from '../url-state'
import { useAdminQuery } from '../use-admin'
import { shanghai } from '../time'

type Row = AdminResult<'listAudit'>['items'][number]
const DEFAULTS = { page: 1, pageSize: 20, action: '', username: '' }

export function AuditPage() {
  const [state, setState] = useUrlState(DEFAULTS)
  const params = useMemo(
    () => ({
      page: state.page,
      pageSize: state.pageSize,
      ...(state.action ? { auditAction: state.action } : {}),
      ...(state.username ? { username: state.username } : {}),
    }),
    [state],
  )
  const audit = useAdminQuery('listAudit', params)
  return (
    <Card title="操作日志">
      <Space style={{ marginBottom: 16 }}>
        <Input.Search
          id="audit-action-filter"
          allowClear
          placeholder="操作（如 createStore）"
          defaultValue={state.action}
          onSearch={(v) => setState({ action: v.trim(), page: 1 })}
        />
        <Input.Search
          allowClear
          placeholder="用户名"
          defaultValue={state.username}
          onSearch={(v) => setState({ username: v.trim(), page: 1 })}
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
          showTotal: (t) => `共 ${t} 条`,
        }}
        onChange={(p) => setState({ page: p.current ?? 1, pageSize: p.pageSize ?? 20 })}
        columns={[
          {
            title: '时间',
            dataIndex: 'at',
            render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm:ss'),
          },
          { title: '用户', dataIndex: 'username' },
          { title: '操作', dataIndex: 'action' },
          {
            title: '结果',
            dataIndex: 'outcome',
            render: (o: string) => <Tag color={o === 'ok' ? 'green' : 'red'}>{o}</Tag>,
          },
          {
            title: '详情',
            dataIndex: 'details',
            render: (d: string) => (
              <Typography.Text code ellipsis style={{ maxWidth: 360 }}>
                {d}
              </Typography.Text>
            ),
          },
        ]}
      />
    </Card>
  )
}
