import { EditOutlined, PlusOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd'
import { useState } from 'react'
import type { AdminResult } from '../api'
import { useAuth } from '../auth'
import { numberRules } from '../number-rules'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { shanghai } from '../time'

type Template = AdminResult<'listChatTemplates'>['items'][number]

/** HQ's ready-made texts (统一文案): clerks pick one in chat and edit it before sending. */
export function ChatTemplatesPage() {
  const { canWrite } = useAuth()
  const templates = useAdminQuery('listChatTemplates', {})
  const mutate = useAdminMutation()
  const [editing, setEditing] = useState<Template | 'new' | null>(null)
  const [form] = Form.useForm()

  const open = (template: Template | 'new') => {
    setEditing(template)
    form.setFieldsValue(
      template === 'new' ? { title: '', text: '', active: true, sort: 100 } : template,
    )
  }

  return (
    <Card
      title="聊天文案"
      extra={
        <Button
          id="template-create"
          type="primary"
          icon={<PlusOutlined />}
          disabled={!canWrite}
          onClick={() => open('new')}
        >
          新建文案
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">
        导购在聊天中选用这些文案，可修改后再发送。停用的文案不再出现在导购端。
      </Typography.Paragraph>
      {templates.error && <Alert type="error" showIcon message={templates.error} />}
      <Table<Template>
        id="templates-table"
        rowKey="templateId"
        loading={templates.loading}
        dataSource={templates.data?.items ?? []}
        pagination={{ defaultPageSize: 20 }}
        columns={[
          { title: '标题', dataIndex: 'title' },
          { title: '内容', dataIndex: 'text', ellipsis: true },
          { title: '排序', dataIndex: 'sort', align: 'right' },
          {
            title: '状态',
            dataIndex: 'active',
            render: (a: boolean) => (a ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>),
          },
          {
            title: '更新',
            dataIndex: 'updatedAt',
            render: (d: string) => shanghai(d).format('YYYY-MM-DD HH:mm'),
          },
          {
            title: '操作',
            render: (_, t) => (
              <Button
                size="small"
                icon={<EditOutlined />}
                disabled={!canWrite}
                onClick={() => open(t)}
              >
                编辑
              </Button>
            ),
          },
        ]}
      />
      <Modal
        title={editing === 'new' ? '新建文案' : '编辑文案'}
        open={editing !== null}
        okText="保存"
        okButtonProps={{ id: 'template-submit' }}
        onCancel={() => setEditing(null)}
        onOk={async () => {
          const values = (await form.validateFields()) as {
            title: string
            text: string
            active: boolean
            sort: number
          }
          const saved = await mutate(
            'saveChatTemplate',
            {
              ...values,
              ...(editing && editing !== 'new' ? { templateId: editing.templateId } : {}),
            },
            '文案已保存',
            { form },
          )
          if (saved) setEditing(null)
        }}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="title" label="标题" rules={[{ required: true, max: 30 }]}>
            <Input id="template-title" />
          </Form.Item>
          <Form.Item name="text" label="内容" rules={[{ required: true, max: 1000 }]}>
            <Input.TextArea id="template-text" rows={4} showCount maxLength={1000} />
          </Form.Item>
          <Form.Item
            name="sort"
            label="排序（小的在前）"
            rules={numberRules('排序', { min: 0, max: 10_000 })}
          >
            <InputNumber id="template-sort" />
          </Form.Item>
          <Form.Item name="active" label="启用" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}
