import { Form, Input, Modal, Typography } from 'antd'
import type { PostalAddressDoc } from '../../shared/shop/documents'

/** Carriers HQ ships with most; any other can be typed. */
const CARRIERS = ['顺丰速运', '中通快递', '圆通速递', '韵达快递', '申通快递', '京东物流', 'EMS']

type PostalAddress = PostalAddressDoc

/** One line as Chinese addresses are written; a municipality (上海市 上海市) is said once. */
export function formatPostalAddress(a: PostalAddress): string {
  return `${a.province}${a.city === a.province ? '' : a.city}${a.district} ${a.detail}`
}

/**
 * HQ hands a parcel to a carrier: carrier and tracking number, checked as the server checks them.
 * Used for mail redemptions and for delivery orders. `onShip` resolves whether it was recorded.
 */
export function ShipDialog(props: {
  title: string
  address: PostalAddress | null
  open: boolean
  onCancel: () => void
  onShip: (carrier: string, trackingNo: string) => Promise<boolean>
}) {
  const [form] = Form.useForm<{ carrier: string; trackingNo: string }>()
  return (
    <Modal
      title={props.title}
      open={props.open}
      okText="确认发货"
      okButtonProps={{ id: 'ship-submit' }}
      onCancel={props.onCancel}
      destroyOnClose
      onOk={async () => {
        const v = await form.validateFields()
        if (await props.onShip(v.carrier.trim(), v.trackingNo.trim())) form.resetFields()
      }}
    >
      {props.address && (
        <Typography.Paragraph id="ship-address">
          寄给 {props.address.name} {props.address.phone}，{formatPostalAddress(props.address)}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" initialValues={{ carrier: CARRIERS[0] }} preserve={false}>
        <Form.Item
          name="carrier"
          label="快递公司"
          rules={[{ required: true, min: 2, max: 20, message: '请填写快递公司' }]}
        >
          <Input id="ship-carrier" list="ship-carriers" />
        </Form.Item>
        <datalist id="ship-carriers">
          {CARRIERS.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <Form.Item
          name="trackingNo"
          label="运单号"
          rules={[
            {
              required: true,
              pattern: /^[A-Za-z0-9-]{6,32}$/,
              message: '运单号为 6–32 位字母、数字或连字符',
            },
          ]}
        >
          <Input id="ship-tracking" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
