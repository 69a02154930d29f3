import {
  DownloadOutlined,
  EnvironmentOutlined,
  PlusOutlined,
  ReloadOutlined,
} from '@ant-design/icons'
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Space, Table, Tag } from 'antd'
import dayjs from 'dayjs'
import { useState } from 'react'
import { downloadPng, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { useAdminMutation, useAdminQuery } from '../use-admin'

type Store = AdminResult<'listStores'>['items'][number]

export function StoresPage() {
  const { canWrite } = useAuth()
  const stores = useAdminQuery('listStores', {})
  const mutate = useAdminMutation()
  const [creating, setCreating] = useState(false)
  const [form] = Form.useForm()
  const [locating, setLocating] = useState<Store | null>(null)
  const [locationForm] = Form.useForm()

  async function downloadCode(store: Store) {
    const result = await mutate('codeImage', { kind: 'store', id: store.storeId })
    if (result) downloadPng(result.pngBase64, `门店码-${store.code}-${store.name}.png`)
  }

  return (
    <Card
      title="门店"
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void stores.reload()} />
          <Button
            id="store-create"
            type="primary"
            icon={<PlusOutlined />}
            disabled={!canWrite}
            onClick={() => setCreating(true)}
          >
            新建门店
          </Button>
        </Space>
      }
    >
      {stores.error && (
        <Alert
          type="error"
          showIcon
          message={stores.error}
          action={<Button onClick={() => void stores.reload()}>重试</Button>}
        />
      )}
      <Table<Store>
        rowKey="storeId"
        loading={stores.loading}
        dataSource={stores.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: '编码', dataIndex: 'code' },
          { title: '门店', dataIndex: 'name' },
          { title: '地址', dataIndex: 'address', ellipsis: true },
          {
            title: '坐标',
            render: (_, store) => (
              <Space size="small">
                {store.location ? (
                  `${store.location.lat.toFixed(4)}, ${store.location.lng.toFixed(4)}`
                ) : (
                  <Tag color="orange">未设置</Tag>
                )}
                <Button
                  size="small"
                  icon={<EnvironmentOutlined />}
                  className="store-location-edit"
                  disabled={!canWrite}
                  onClick={() => {
                    locationForm.setFieldsValue(
                      store.location ?? { lat: undefined, lng: undefined },
                    )
                    setLocating(store)
                  }}
                />
              </Space>
            ),
          },
          { title: '在岗导购', dataIndex: 'clerkCount', align: 'right' },
          {
            title: '会员',
            dataIndex: 'memberCount',
            align: 'right',
            sorter: (a, b) => a.memberCount - b.memberCount,
          },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: string) =>
              s === 'active' ? <Tag color="green">营业中</Tag> : <Tag>已停业</Tag>,
          },
          {
            title: '创建时间',
            dataIndex: 'createdAt',
            render: (d: string) => dayjs(d).format('YYYY-MM-DD'),
          },
          {
            title: '门店码',
            render: (_, store) => (
              <Button
                size="small"
                icon={<DownloadOutlined />}
                className="store-code-download"
                onClick={() => void downloadCode(store)}
              >
                下载
              </Button>
            ),
          },
        ]}
      />
      <Modal
        title="新建门店"
        open={creating}
        okText="创建"
        okButtonProps={{ id: 'store-submit' }}
        onCancel={() => setCreating(false)}
        onOk={async () => {
          const values = (await form.validateFields()) as {
            code: string
            name: string
            address: string
            lat?: number
            lng?: number
          }
          const created = await mutate('createStore', values, `门店「${values.name}」已创建`, {
            form,
          })
          if (created) {
            setCreating(false)
            form.resetFields()
            void stores.reload()
          }
        }}
      >
        <Form form={form} layout="vertical" id="store-form">
          <Form.Item
            name="code"
            label="门店编码"
            rules={[
              { required: true, pattern: /^[A-Za-z0-9]{1,12}$/, message: '1-12 位字母或数字' },
            ]}
          >
            <Input id="store-code" placeholder="如 SH003" />
          </Form.Item>
          <Form.Item name="name" label="门店名称" rules={[{ required: true, max: 40 }]}>
            <Input id="store-name" />
          </Form.Item>
          <Form.Item name="address" label="地址" rules={[{ required: true, max: 120 }]}>
            <Input id="store-address" />
          </Form.Item>
          <Space>
            <Form.Item name="lat" label="纬度">
              <InputNumber id="store-lat" step={0.0001} />
            </Form.Item>
            <Form.Item name="lng" label="经度">
              <InputNumber id="store-lng" step={0.0001} />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal
        title={`设置「${locating?.name ?? ''}」的坐标`}
        open={locating !== null}
        okText="保存"
        okButtonProps={{ id: 'store-location-submit' }}
        onCancel={() => setLocating(null)}
        onOk={async () => {
          if (!locating) return
          const values = (await locationForm.validateFields()) as { lat: number; lng: number }
          if (
            await mutate(
              'setStoreLocation',
              { storeId: locating.storeId, ...values },
              `「${locating.name}」的坐标已保存`,
              { form: locationForm },
            )
          ) {
            setLocating(null)
            void stores.reload()
          }
        }}
      >
        <Form form={locationForm} layout="vertical" id="store-location-form">
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            message="顾客下单选择自提门店时，按与此坐标的距离由近到远排序。请填写地图上取得的经纬度（GCJ-02）。"
          />
          <Space>
            <Form.Item
              name="lat"
              label="纬度"
              rules={[
                {
                  required: true,
                  type: 'number',
                  min: -90,
                  max: 90,
                  message: '纬度在 -90 到 90 之间',
                },
              ]}
            >
              <InputNumber id="store-location-lat" step={0.0001} />
            </Form.Item>
            <Form.Item
              name="lng"
              label="经度"
              rules={[
                {
                  required: true,
                  type: 'number',
                  min: -180,
                  max: 180,
                  message: '经度在 -180 到 180 之间',
                },
              ]}
            >
              <InputNumber id="store-location-lng" step={0.0001} />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
    </Card>
  )
}
