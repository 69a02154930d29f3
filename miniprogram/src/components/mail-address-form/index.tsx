import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { Contracts, InputOf } from '../../api/contracts'
import { FormField } from '../form-field'
import './index.scss'

export type MailAddress = NonNullable<InputOf<Contracts, 'points', 'redeem'>['address']>
export type AddressField = keyof MailAddress

export const EMPTY_ADDRESS: MailAddress = {
  name: '',
  phone: '',
  province: '',
  city: '',
  district: '',
  detail: '',
}

const FIELDS: Array<{
  key: AddressField
  label: string
  placeholder: string
  type?: 'number'
  maxlength: number
}> = [
  { key: 'name', label: '收件人', placeholder: '姓名', maxlength: 20 },
  { key: 'phone', label: '手机号', placeholder: '11 位手机号', type: 'number', maxlength: 11 },
  { key: 'province', label: '省份', placeholder: '如：上海市', maxlength: 20 },
  { key: 'city', label: '城市', placeholder: '如：上海市', maxlength: 20 },
  { key: 'district', label: '区县', placeholder: '如：静安区', maxlength: 20 },
  { key: 'detail', label: '详细地址', placeholder: '街道、门牌号', maxlength: 120 },
]

/** WeChat's own address book (weapp only): the person picks a saved address instead of typing it. */
async function chooseWechatAddress(): Promise<MailAddress | null> {
  try {
    const a = await Taro.chooseAddress()
    return {
      name: a.userName,
      phone: a.telNumber,
      province: a.provinceName,
      city: a.cityName,
      district: a.countyName,
      detail: a.detailInfo,
    }
  } catch {
    // Closed the picker, or refused the permission: the form stays as typed.
    return null
  }
}

/** The address of a mail redemption; errors per field come from the server (it names the field). */
export function MailAddressForm(props: {
  value: MailAddress
  errors: Partial<Record<AddressField, string>>
  onChange: (value: MailAddress) => void
}) {
  const { value, errors, onChange } = props
  return (
    <View id="mail-address">
      {process.env.TARO_ENV === 'weapp' && (
        <View
          className="mail-address__wechat"
          id="mail-choose-address"
          onClick={async () => {
            const chosen = await chooseWechatAddress()
            if (chosen) onChange(chosen)
          }}
        >
          使用微信收货地址
        </View>
      )}
      {FIELDS.map((f) => (
        <FormField
          key={f.key}
          id={`mail-${f.key}`}
          label={f.label}
          placeholder={f.placeholder}
          type={f.type}
          maxlength={f.maxlength}
          value={value[f.key]}
          error={errors[f.key]}
          onChange={(v) => onChange({ ...value, [f.key]: v })}
        />
      ))}
    </View>
  )
}
