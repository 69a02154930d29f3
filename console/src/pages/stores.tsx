import {
  DownloadOutlined,
  EditOutlined,
  EnvironmentOutlined,
  FileImageOutlined,
  PlusOutlined,
  ReloadOutlined,
} from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd'
import type { Rule } from 'antd/es/form'
import { useState } from 'react'
import { downloadPng, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { useJobNotice } from '../job-notice'
import { useUrlState } from '../url-state'
import { useAdminMutation, useAdminQuery } from '../use-admin'
import { shanghai } from '../time'

type Store = AdminResult<'listStores'>['items'][number]
type ClosingCheck = AdminResult<'storeClosingCheck'>

const DEFAULTS = { search: '', status: '', page: 1, pageSize: 50 }

/** Coordinates as maps give them; out of range is refused on the field, never clamped. */
const coordinateRule = (label: string, limit: number, required: boolean): Rule[] => [
  { required, message: `请填写${label}` },
  {
    type: 'number',
    min: -limit,
    max: limit,
    message: `${label}在 -${limit} 到 ${limit} 之间`,
  },
]
const latRules = (required: boolean) => coordinateRule('纬度', 90, required)
const lngRules = (required: boolean) => coordinateRule('经度', 180, required)
const STATUS_COLOR: Record<Store['status'], string> = { active: 'green', closed: 'default' }

export function StoresPage() {
  const { canWrite } = useAuth()
  const notice = useJobNotice()
  const [state, setState] = useUrlState(DEFAULTS)
  const stores = useAdminQuery('listStores', {
    ...(state.search ? { search: state.search } : {}),
    ...(state.status ? { status: state.status as Store['status'] } : {}),
  })
  const brand = useAdminQuery('posterBrand', {})
  const mutate = useAdminMutation()
  const [creating, setCreating] = useState(false)
  const [form] = Form.useForm()
  const [editing, setEditing] = useState<Store | null>(null)
  const [editForm] = Form.useForm()
  const [locating, setLocating] = useState<Store | null>(null)
  const [locationForm] = Form.useForm()
  const [closing, setClosing] = useState<{ store: Store; check: ClosingCheck } | null>(null)
  const [closeForm] = Form.useForm()
  const [branding, setBranding] = useState(false)
  const [brandForm] = Form.useForm()

  async function downloadCode(store: Store) {
    const result = await mutate('codeImage', { kind: 'store', id: store.storeId })
    if (result) downloadPng(result.pngBase64, `门店码-${store.code}-${store.name}.png`)
  }

  async function downloadPoster(store: Store) {
    const result = await mutate('poster', { kind: 'store', id: store.storeId })
    if (result) downloadPng(result.pngBase64, result.filename)
  }

  async function posterZip(store: Store) {
    const job = await mutate('createPosterJob', { storeId: store.storeId })
    if (job) notice(job, `正在生成「${store.name}」的海报压缩包`)
  }

  async function startClosing(store: Store) {
    const check = await mutate('storeClosingCheck', { storeId: store.storeId })
    if (check) {
      closeForm.resetFields()
      setClosing({ store, check })
    }
  }

  return (
    <Card
      title="门店"
      extra={
        <Space>
          <Typography.Text type="secondary" id="poster-brand">
            海报品牌：{brand.data?.brand ?? '…'}
          </Typography.Text>
          <Button
            id="poster-brand-edit"
            disabled={!canWrite}
            onClick={() => {
              brandForm.setFieldsValue({ brand: brand.data?.brand })
              setBranding(true)
            }}
          >
            修改品牌
          </Button>
          <Button
            icon={<ReloadOutlined />}
            aria-label="刷新"
            onClick={() => void stores.reload()}
          />
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
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search
          id="store-search"
          allowClear
          placeholder="搜索门店名称或编码"
          defaultValue={state.search}
          style={{ width: 260 }}
          onSearch={(value) => setState({ search: value.trim(), page: 1 })}
        />
        <Segmented
          id="store-status-filter"
          value={state.status}
          options={[
            { value: '', label: '全部' },
            { value: 'active', label: '营业中' },
            { value: 'closed', label: '已停业' },
          ]}
          onChange={(value) => setState({ status: String(value), page: 1 })}
        />
        <Typography.Text type="secondary" id="store-count">
          共 {stores.data?.items.length ?? 0} 家
        </Typography.Text>
      </Space>
      {stores.error && (
        <Alert
          type="error"
          showIcon
          message={stores.error}
          action={<Button onClick={() => void stores.reload()}>重试</Button>}
        />
      )}
      <Table<Store>
        id="stores-table"
        rowKey="storeId"
        size="small"
        loading={stores.loading}
        dataSource={stores.data?.items ?? []}
        pagination={{
          current: state.page,
          pageSize: state.pageSize,
          pageSizeOptions: [20, 50, 100],
          showSizeChanger: true,
          showTotal: (total) => `共 ${total} 家`,
          onChange: (page, pageSize) => setState({ page, pageSize }),
        }}
        columns={[
          { title: '编码', dataIndex: 'code', width: 80 },
          { title: '门店', dataIndex: 'name', width: 150 },
          {
            title: '地址',
            dataIndex: 'address',
            ellipsis: true,
            render: (address: string, store) => (
              <Space size={4}>
                {!store.location && <Tag color="orange">未设坐标</Tag>}
                {address}
              </Space>
            ),
          },
          { title: '在岗导购', dataIndex: 'clerkCount', align: 'right', width: 80 },
          {
            title: '会员',
            dataIndex: 'memberCount',
            align: 'right',
            width: 80,
            sorter: (a, b) => a.memberCount - b.memberCount,
          },
          {
            title: '状态',
            dataIndex: 'statusLabel',
            width: 90,
            render: (label: string, store) => (
              <Tag color={STATUS_COLOR[store.status]} title={store.closedReason ?? undefined}>
                {label}
              </Tag>
            ),
          },
          {
            title: '创建时间',
            dataIndex: 'createdAt',
            render: (d: string) => shanghai(d).format('YYYY-MM-DD'),
          },
          {
            title: '操作',
            width: 370,
            render: (_, store) => (
              <Space size={4} wrap={false}>
                <Button
                  size="small"
                  icon={<DownloadOutlined />}
                  className="store-code-download"
                  onClick={() => void downloadCode(store)}
                >
                  门店码
                </Button>
                <Button
                  size="small"
                  icon={<FileImageOutlined />}
                  className="store-poster-download"
                  onClick={() => void downloadPoster(store)}
                >
                  海报
                </Button>
                {store.actions.includes('edit') && (
                  <Button
                    size="small"
                    className="store-posters-zip"
                    disabled={store.status !== 'active'}
                    onClick={() => void posterZip(store)}
                  >
                    全店海报
                  </Button>
                )}
                {store.actions.includes('edit') && (
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    className="store-edit"
                    aria-label="编辑"
                    onClick={() => {
                      editForm.setFieldsValue({
                        name: store.name,
                        address: store.address,
                        lat: store.location?.lat,
                        lng: store.location?.lng,
                      })
                      setEditing(store)
                    }}
                  />
                )}
                {store.actions.includes('edit') && (
                  <Button
                    size="small"
                    icon={<EnvironmentOutlined />}
                    className="store-location-edit"
                    aria-label="坐标"
                    onClick={() => {
                      locationForm.setFieldsValue(
                        store.location ?? { lat: undefined, lng: undefined },
                      )
                      setLocating(store)
                    }}
                  />
                )}
                {store.actions.includes('close') && (
                  <Button
                    size="small"
                    danger
                    className="store-close"
                    onClick={() => void startClosing(store)}
                  >
                    停业
                  </Button>
                )}
                {store.actions.includes('reopen') && (
                  <Button
                    size="small"
                    className="store-reopen"
                    onClick={() =>
                      void mutate(
                        'reopenStore',
                        { storeId: store.storeId },
                        `「${store.name}」已恢复营业`,
                      )
                    }
                  >
                    恢复营业
                  </Button>
                )}
              </Space>
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
            <Form.Item name="lat" label="纬度" rules={latRules(false)}>
              <InputNumber id="store-lat" />
            </Form.Item>
            <Form.Item name="lng" label="经度" rules={lngRules(false)}>
              <InputNumber id="store-lng" />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal
        title={`编辑「${editing?.name ?? ''}」`}
        open={editing !== null}
        okText="保存"
        okButtonProps={{ id: 'store-edit-submit' }}
        onCancel={() => setEditing(null)}
        onOk={async () => {
          if (!editing) return
          const values = (await editForm.validateFields()) as {
            name: string
            address: string
            lat?: number | null
            lng?: number | null
          }
          const saved = await mutate(
            'updateStore',
            {
              storeId: editing.storeId,
              name: values.name,
              address: values.address,
              ...(values.lat != null && values.lng != null
                ? { lat: values.lat, lng: values.lng }
                : {}),
            },
            `「${values.name}」已保存`,
            { form: editForm },
          )
          if (saved) {
            setEditing(null)
          }
        }}
      >
        <Form form={editForm} layout="vertical" id="store-edit-form">
          <Typography.Paragraph type="secondary">
            门店编码 {editing?.code} 印在门店和导购的二维码里，不能修改。
          </Typography.Paragraph>
          <Form.Item
            name="name"
            label="门店名称"
            rules={[
              { required: true, whitespace: true, message: '请填写门店名称' },
              { max: 40, message: '门店名称不能超过 40 个字' },
            ]}
          >
            <Input id="store-edit-name" />
          </Form.Item>
          <Form.Item
            name="address"
            label="地址"
            rules={[
              { required: true, whitespace: true, message: '请填写门店地址' },
              { max: 120, message: '门店地址不能超过 120 个字' },
            ]}
          >
            <Input id="store-edit-address" />
          </Form.Item>
          <Space>
            <Form.Item name="lat" label="纬度" rules={latRules(false)}>
              <InputNumber id="store-edit-lat" />
            </Form.Item>
            <Form.Item name="lng" label="经度" rules={lngRules(false)}>
              <InputNumber id="store-edit-lng" />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal
        title={`「${closing?.store.name ?? ''}」停业`}
        open={closing !== null}
        okText="确认停业"
        okButtonProps={{
          id: 'store-close-submit',
          danger: true,
          disabled: (closing?.check.blockers.length ?? 0) > 0,
        }}
        onCancel={() => setClosing(null)}
        onOk={async () => {
          if (!closing) return
          const { reason } = (await closeForm.validateFields()) as { reason: string }
          const closed = await mutate(
            'closeStore',
            { storeId: closing.store.storeId, reason },
            `「${closing.store.name}」已停业`,
          )
          if (closed) {
            setClosing(null)
          }
        }}
      >
        {closing && closing.check.blockers.length > 0 ? (
          <Alert
            id="store-close-blockers"
            type="warning"
            showIcon
            message="以下事项处理完之前不能停业"
            description={
              <List
                size="small"
                dataSource={closing.check.blockers}
                renderItem={(item) => <List.Item>{item}</List.Item>}
              />
            }
          />
        ) : (
          <Alert
            type="info"
            showIcon
            message="停业后：门店码不能再开卡，顾客不能再选此店自提，也不能再邀请或调入导购。"
          />
        )}
        <Typography.Paragraph style={{ marginTop: 12 }} id="store-close-members">
          该店现有 {closing?.check.members ?? 0}{' '}
          名会员，停业后仍归属此店（积分、历史和已产生的提成不变），需要时可在「会员」中转给其他导购。随时可以恢复营业。
        </Typography.Paragraph>
        <Form form={closeForm} layout="vertical">
          <Form.Item
            name="reason"
            label="停业原因"
            rules={[{ required: true, whitespace: true, message: '请填写停业原因' }]}
          >
            <Input id="store-close-reason" maxLength={200} />
          </Form.Item>
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
            <Form.Item name="lat" label="纬度" rules={latRules(true)}>
              <InputNumber id="store-location-lat" />
            </Form.Item>
            <Form.Item name="lng" label="经度" rules={lngRules(true)}>
              <InputNumber id="store-location-lng" />
            </Form.Item>
          </Space>
        </Form>
      </Modal>
      <Modal
        title="海报品牌"
        open={branding}
        okText="保存"
        okButtonProps={{ id: 'poster-brand-submit' }}
        onCancel={() => setBranding(false)}
        onOk={async () => {
          const values = (await brandForm.validateFields()) as { brand: string }
          if (await mutate('setPosterBrand', values, '海报品牌已保存')) {
            setBranding(false)
          }
        }}
      >
        <Form form={brandForm} layout="vertical">
          <Form.Item
            name="brand"
            label="印在门店码、导购码和邀请海报顶部的品牌名称"
            rules={[
              { required: true, whitespace: true, message: '请填写品牌名称' },
              { max: 20, message: '品牌名称不能超过 20 个字' },
            ]}
          >
            <Input id="poster-brand-input" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  )
}
