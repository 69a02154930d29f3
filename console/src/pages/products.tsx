import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons'
import {
  Alert,
  Button,
  Card,
  Drawer,
  Form,
  Image,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  App,
} from 'antd'
import { useMemo, useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { fenToYuan } from '../../../shared/commission/rules/commission'
import { formatShanghaiMinute } from '../../../shared/platform/calendar'
import { MAX_PRODUCT_IMAGE_BYTES, MAX_PRODUCT_IMAGES } from '../../../shared/shop/admin-contract'
import { ApiFailure, type AdminResult } from '../api'
import { useAuth } from '../auth'
import { useUrlState } from '../url-state'
import { useAdminQuery, useAdminWrite } from '../use-admin'

type Product = AdminResult<'listProducts'>['items'][number]
type StockRow = AdminResult<'productStock'>['rows'][number]
type ProductImage = Product['images'][number]

const yuan = (fen: number) => `¥${fenToYuan(fen)}`
const DEFAULTS = { status: '', search: '' }
const PRICE = /^\d{1,7}(\.\d{1,2})?$/

/** `12.5` → 1250 fen; the form has already checked the text. */
const priceFen = (text: string) => {
  const [whole, part = ''] = text.split('.')
  return Number(whole) * 100 + Number(part.padEnd(2, '0'))
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(new Error('read failed'))
    reader.readAsDataURL(file)
  })
}

export function ProductsPage() {
  const { canWrite } = useAuth()
  const navigate = useNavigate()
  const [state, setState] = useUrlState(DEFAULTS)
  const params = useMemo(
    () => ({
      ...(state.status ? { status: state.status as 'active' | 'inactive' } : {}),
      ...(state.search ? { search: state.search } : {}),
    }),
    [state.status, state.search],
  )
  const products = useAdminQuery('listProducts', params)
  const [editing, setEditing] = useState<Product | 'new' | null>(null)
  const [stockOf, setStockOf] = useState<Product | null>(null)

  return (
    <Card
      title="商品与库存"
      extra={
        <Space>
          <Button
            id="stock-import-open"
            icon={<UploadOutlined />}
            disabled={!canWrite}
            onClick={() => void navigate('/jobs?import=importStock')}
          >
            导入库存
          </Button>
          <Button
            id="product-create"
            type="primary"
            icon={<PlusOutlined />}
            disabled={!canWrite}
            onClick={() => setEditing('new')}
          >
            新建商品
          </Button>
        </Space>
      }
    >
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          id="product-status-filter"
          style={{ width: 120 }}
          value={state.status}
          onChange={(status: string) => setState({ status })}
          options={[
            { value: '', label: '全部状态' },
            { value: 'active', label: '在售' },
            { value: 'inactive', label: '已下架' },
          ]}
        />
        <Input.Search
          id="product-search"
          allowClear
          placeholder="按商品名称搜索"
          defaultValue={state.search}
          style={{ width: 240 }}
          onSearch={(search) => setState({ search: search.trim() })}
        />
      </Space>
      {products.error && <Alert type="error" showIcon message={products.error} />}
      <Table<Product>
        id="products-table"
        size="small"
        rowKey="productId"
        loading={products.loading}
        dataSource={products.data?.items ?? []}
        pagination={{ pageSize: 50, showSizeChanger: true, pageSizeOptions: [20, 50, 100] }}
        columns={[
          {
            title: '图片',
            width: 64,
            render: (_, p) =>
              p.images[0] ? (
                <Image src={p.images[0].url} width={40} height={40} alt={p.name} />
              ) : (
                <Typography.Text type="secondary">无</Typography.Text>
              ),
          },
          { title: '商品', dataIndex: 'name' },
          { title: '价格', dataIndex: 'priceFen', align: 'right', render: yuan },
          { title: '中央仓', align: 'right', render: (_, p) => p.stock.central },
          { title: '门店合计', align: 'right', render: (_, p) => p.stock.stores },
          { title: '待支付占用', align: 'right', render: (_, p) => p.stock.reserved },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: Product['status'], p) => (
              <Tag color={s === 'active' ? 'green' : 'default'}>{p.statusLabel}</Tag>
            ),
          },
          { title: '排序', dataIndex: 'sort', align: 'right' },
          {
            title: '更新时间',
            dataIndex: 'updatedAt',
            render: (d: string) => formatShanghaiMinute(new Date(d)),
          },
          {
            title: '操作',
            render: (_, p) => (
              <Space>
                <Button
                  size="small"
                  className="product-edit"
                  disabled={!canWrite}
                  onClick={() => setEditing(p)}
                >
                  编辑
                </Button>
                <Button size="small" className="product-stock" onClick={() => setStockOf(p)}>
                  库存
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <ProductDialog
          product={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {stockOf && (
        <StockDrawer product={stockOf} canWrite={canWrite} onClose={() => setStockOf(null)} />
      )}
    </Card>
  )
}

interface ProductForm {
  name: string
  price: string
  status: 'active' | 'inactive'
  sort: number
  description?: string
}

function ProductDialog({ product, onClose }: { product: Product | null; onClose: () => void }) {
  const { message } = App.useApp()
  const write = useAdminWrite()
  const [form] = Form.useForm<ProductForm>()
  const [images, setImages] = useState<ProductImage[]>(product?.images ?? [])
  const [imageError, setImageError] = useState<string | null>(null)
  const [uploading, setUploading] = useState(false)
  const [saving, setSaving] = useState(false)

  async function addImages(files: FileList | null) {
    setImageError(null)
    for (const file of Array.from(files ?? [])) {
      if (images.length >= MAX_PRODUCT_IMAGES) {
        setImageError(`最多 ${MAX_PRODUCT_IMAGES} 张图片`)
        return
      }
      if (file.type !== 'image/png' && file.type !== 'image/jpeg') {
        setImageError(`「${file.name}」不是 PNG 或 JPG 图片`)
        return
      }
      if (file.size > MAX_PRODUCT_IMAGE_BYTES) {
        setImageError(
          `「${file.name}」${Math.ceil(file.size / 1024)} KB，超过 ${MAX_PRODUCT_IMAGE_BYTES / 1024} KB 的上限`,
        )
        return
      }
      setUploading(true)
      try {
        const uploaded = await write('uploadProductImage', {
          contentType: file.type,
          dataBase64: await readBase64(file),
        })
        setImages((list) => [...list, uploaded])
      } catch (err) {
        setImageError(err instanceof ApiFailure ? err.message : '图片上传失败，请重试')
        return
      } finally {
        setUploading(false)
      }
    }
  }

  async function save() {
    const v = await form.validateFields()
    const fields = {
      name: v.name,
      priceFen: priceFen(v.price),
      status: v.status,
      sort: v.sort,
      description: v.description ?? '',
      images: images.map((i) => i.fileId),
    }
    setSaving(true)
    try {
      if (product) await write('updateProduct', { productId: product.productId, ...fields })
      else await write('createProduct', fields)
      void message.success(product ? '商品已保存' : `商品「${v.name}」已创建`)
      onClose()
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err
      // The server names the field it refused: show the message there.
      const field = err.field === 'priceFen' ? 'price' : err.field
      if (field && ['name', 'price', 'status', 'sort', 'description'].includes(field))
        form.setFields([{ name: field as keyof ProductForm, errors: [err.message] }])
      else if (field?.startsWith('images')) setImageError(err.message)
      else void message.error(err.message)
    } finally {
      setSaving(false)
    }
  }

  return (
    <Modal
      title={product ? `编辑商品 · ${product.name}` : '新建商品'}
      open
      width={640}
      okText={product ? '保存' : '创建'}
      okButtonProps={{ id: 'product-submit', loading: saving, disabled: uploading }}
      onCancel={onClose}
      onOk={() => void save()}
    >
      <Form<ProductForm>
        form={form}
        layout="vertical"
        initialValues={{
          name: product?.name ?? '',
          price: product ? fenToYuan(product.priceFen) : '',
          status: product?.status ?? 'active',
          sort: product?.sort ?? 100,
          description: product?.description ?? '',
        }}
      >
        <Form.Item
          name="name"
          label="商品名称"
          rules={[
            { required: true, whitespace: true, message: '请填写商品名称' },
            { max: 40, message: '商品名称不能超过 40 个字' },
          ]}
        >
          <Input id="product-name" />
        </Form.Item>
        <Space size="large" align="start">
          <Form.Item
            name="price"
            label="价格（元）"
            rules={[
              { required: true, message: '请填写价格' },
              {
                validator: (_, value: string) =>
                  !value || (PRICE.test(value.trim()) && priceFen(value.trim()) >= 1)
                    ? Promise.resolve()
                    : Promise.reject(new Error('价格应为大于 0 的金额，最多两位小数')),
              },
            ]}
          >
            <Input id="product-price" prefix="¥" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="status" label="状态">
            <Select
              id="product-status"
              style={{ width: 120 }}
              options={[
                { value: 'active', label: '在售' },
                { value: 'inactive', label: '已下架' },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="sort"
            label="排序（小的在前）"
            rules={[{ required: true, message: '请填写排序' }]}
          >
            {/* No min/max/precision: the server refuses -5 or 1.5 on this field, never changed. */}
            <InputNumber id="product-sort" />
          </Form.Item>
        </Space>
        <Form.Item
          name="description"
          label="商品介绍"
          rules={[{ max: 1000, message: '商品介绍不能超过 1000 个字' }]}
        >
          <Input.TextArea id="product-description" rows={3} />
        </Form.Item>
        <Form.Item
          label="商品图片"
          extra={`PNG 或 JPG，每张不超过 ${MAX_PRODUCT_IMAGE_BYTES / 1024} KB，最多 ${MAX_PRODUCT_IMAGES} 张；第一张是封面。`}
          validateStatus={imageError ? 'error' : undefined}
          help={imageError ?? undefined}
        >
          <Space wrap id="product-images">
            {images.map((image, i) => (
              <div key={image.fileId} className="product-image" style={{ position: 'relative' }}>
                <Image src={image.url} width={72} height={72} alt={`图片 ${i + 1}`} />
                <Button
                  size="small"
                  type="text"
                  danger
                  aria-label="删除图片"
                  icon={<DeleteOutlined />}
                  style={{ position: 'absolute', top: 0, right: 0, background: '#fff' }}
                  onClick={() => setImages((list) => list.filter((x) => x !== image))}
                />
              </div>
            ))}
            {images.length < MAX_PRODUCT_IMAGES && (
              <label className="ant-btn ant-btn-default" style={{ height: 72, lineHeight: '72px' }}>
                <UploadOutlined /> {uploading ? '上传中…' : '添加图片'}
                <input
                  id="product-image-file"
                  type="file"
                  accept="image/png,image/jpeg"
                  multiple
                  style={{ display: 'none' }}
                  onChange={(e) => {
                    void addImages(e.target.files)
                    e.target.value = ''
                  }}
                />
              </label>
            )}
          </Space>
        </Form.Item>
      </Form>
    </Modal>
  )
}

function StockDrawer({
  product,
  canWrite,
  onClose,
}: {
  product: Product
  canWrite: boolean
  onClose: () => void
}) {
  const stock = useAdminQuery('productStock', { productId: product.productId })
  const [filter, setFilter] = useState('')
  const [drafts, setDrafts] = useState<Record<string, number | null>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState<string | null>(null)
  const { message } = App.useApp()
  const write = useAdminWrite()
  const rows = (stock.data?.rows ?? []).filter(
    (r) =>
      !filter ||
      r.locationName.includes(filter) ||
      r.locationCode.toLowerCase().includes(filter.toLowerCase()),
  )

  async function save(row: StockRow) {
    const quantity = drafts[row.locationId]
    if (quantity === null || quantity === undefined) return
    setSaving(row.locationId)
    try {
      await write('setStock', {
        productId: product.productId,
        locationId: row.locationId,
        quantity,
      })
      setErrors(({ [row.locationId]: _gone, ...rest }) => rest)
      setDrafts(({ [row.locationId]: _saved, ...rest }) => rest)
      void message.success(`${row.locationName}库存已设为 ${quantity}`)
    } catch (err) {
      setErrors((e) => ({
        ...e,
        [row.locationId]: err instanceof ApiFailure ? err.message : '保存失败，请重试',
      }))
    } finally {
      setSaving(null)
    }
  }

  return (
    <Drawer
      title={`库存 · ${product.name}`}
      open
      width={820}
      onClose={onClose}
      rootClassName="stock-drawer"
    >
      <Typography.Paragraph type="secondary">
        实际库存是货架上的件数（含待支付订单占用的）；设置后，可售 = 实际库存 −
        待支付占用。不能设得比待支付占用还少。
      </Typography.Paragraph>
      <Input.Search
        id="stock-filter"
        allowClear
        placeholder="按门店名称或编码查找"
        style={{ width: 260, marginBottom: 12 }}
        onChange={(e) => setFilter(e.target.value.trim())}
      />
      {stock.error && <Alert type="error" showIcon message={stock.error} />}
      <Table<StockRow>
        id="stock-table"
        size="small"
        rowKey="locationId"
        loading={stock.loading}
        dataSource={rows}
        pagination={{ pageSize: 50, showSizeChanger: true, pageSizeOptions: [20, 50, 100] }}
        columns={[
          {
            title: '库位',
            render: (_, r) =>
              r.locationId === 'central' ? (
                r.locationName
              ) : (
                <span>
                  {r.locationName}{' '}
                  <Typography.Text type="secondary">{r.locationCode}</Typography.Text>
                </span>
              ),
          },
          { title: '实际库存', dataIndex: 'onHand', align: 'right' },
          { title: '待支付占用', dataIndex: 'reserved', align: 'right' },
          { title: '可售', dataIndex: 'available', align: 'right' },
          {
            title: '更新时间',
            dataIndex: 'updatedAt',
            render: (d: string | null) => (d ? formatShanghaiMinute(new Date(d)) : '—'),
          },
          {
            title: '设为',
            width: 340,
            render: (_, r) => (
              <div className="stock-set" data-location={r.locationCode}>
                <Space.Compact>
                  <InputNumber
                    className="stock-quantity"
                    disabled={!canWrite}
                    placeholder={String(r.onHand)}
                    value={drafts[r.locationId] ?? null}
                    status={errors[r.locationId] ? 'error' : undefined}
                    onChange={(v) => setDrafts((d) => ({ ...d, [r.locationId]: v }))}
                    onPressEnter={() => void save(r)}
                  />
                  <Button
                    className="stock-save"
                    disabled={!canWrite || drafts[r.locationId] == null}
                    loading={saving === r.locationId}
                    onClick={() => void save(r)}
                  >
                    保存
                  </Button>
                </Space.Compact>
                {errors[r.locationId] && (
                  <div className="stock-error">
                    <Typography.Text type="danger">{errors[r.locationId]}</Typography.Text>
                  </div>
                )}
              </div>
            ),
          },
        ]}
      />
    </Drawer>
  )
}
