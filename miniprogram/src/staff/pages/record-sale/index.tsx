import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { ActionButton } from '../../../components/action-button'
import { FormField } from '../../../components/form-field'
import { NoticeBar } from '../../../components/notice-bar'
import { PageShell } from '../../../components/page-shell'
import { checkSale, type SaleDraft } from '../../../lib/staff-forms'
import '../staff-form.scss'

async function scanInto(set: (value: string) => void): Promise<void> {
  try {
    const result = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] })
    set(result.result)
  } catch {
    // Cancelled.
  }
}

/**
 * An offline sale at the counter: scan the member's code, key in the paid amount and the receipt
 * number. Sending it is `staff.recordSale`, which arrives with the staff issue.
 */
export default function RecordSalePage() {
  const [draft, setDraft] = useState<SaleDraft>({ memberCode: '', amount: '', receiptNo: '' })
  const check = checkSale(draft)
  const update = (field: keyof SaleDraft) => (value: string) => setDraft((d) => ({ ...d, [field]: value }))

  return (
    <PageShell>
      <View className='staff-form'>
        <FormField
          id='sale-member-code'
          label='会员码'
          placeholder='扫描顾客出示的会员码'
          value={draft.memberCode}
          onChange={update('memberCode')}
          error={check.errors.memberCode}
          action={process.env.TARO_ENV === 'weapp' ? { text: '扫码', onTap: () => void scanInto(update('memberCode')) } : undefined}
        />
        <FormField
          id='sale-amount'
          label='实付金额（元）'
          type='digit'
          placeholder='例如 88.50'
          value={draft.amount}
          onChange={update('amount')}
          error={check.errors.amount}
          hint={check.amountPreview ? `将记录 ${check.amountPreview}` : undefined}
        />
        <FormField
          id='sale-receipt'
          label='小票号'
          placeholder='收银小票上的单号'
          maxlength={40}
          value={draft.receiptNo}
          onChange={update('receiptNo')}
          error={check.errors.receiptNo}
        />
      </View>
      <NoticeBar>记录销售服务正在接入，上线后提交即为会员累积积分</NoticeBar>
      <View className='staff-form-actions'>
        <ActionButton block disabled id='sale-submit'>
          提交销售
        </ActionButton>
      </View>
    </PageShell>
  )
}
