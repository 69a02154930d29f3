import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { ActionButton } from '../../components/action-button'
import { FormField } from '../../components/form-field'
import { NoticeBar } from '../../components/notice-bar'
import { PageShell } from '../../components/page-shell'
import { normalizePickupCode } from '../../lib/staff-forms'
import '../staff-form.scss'

/**
 * Handing over a pickup order or a gift: the member shows a pickup code, the clerk verifies it.
 * Verification is `staff.verifyPickup` (a later issue), which also checks the code belongs to
 * this clerk's store.
 */
export default function VerifyPickupPage() {
  const [input, setInput] = useState('')
  const code = normalizePickupCode(input)

  const scan = async () => {
    try {
      const result = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] })
      setInput(result.result)
    } catch {
      // Cancelled.
    }
  }

  return (
    <PageShell>
      <View className='staff-form'>
        <FormField
          id='pickup-code'
          label='核销码'
          placeholder='输入顾客的自提码'
          value={input}
          onChange={setInput}
          error={input !== '' && code === undefined ? '核销码格式不对' : undefined}
          action={process.env.TARO_ENV === 'weapp' ? { text: '扫码', onTap: () => void scan() } : undefined}
        />
      </View>
      <NoticeBar>核销服务正在接入，上线后可在此完成自提核销</NoticeBar>
      <View className='staff-form-actions'>
        <ActionButton block disabled id='pickup-submit'>
          确认核销
        </ActionButton>
      </View>
    </PageShell>
  )
}
