import { Picker, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import { ActionButton } from '../../components/action-button'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { useMemberStatus } from '../../hooks/use-member-status'
import { formatDate, TIER_LABELS } from '../../lib/format'
import { birthdayDaysIn } from '../../../../shared/membership/rules/birthday'
import './index.scss'
import { memberChanged } from '../../lib/queries'

const MONTHS = Array.from({ length: 12 }, (_, i) => `${i + 1}月`)
/** The days the month (0-based index) really has: the picker never offers 2月31日. */
const daysOf = (monthIndex: number) =>
  Array.from({ length: birthdayDaysIn(monthIndex + 1) }, (_, i) => `${i + 1}日`)
const pad2 = (n: number) => String(n).padStart(2, '0')
/** [month, day] indexes with the day kept within the month. */
const realDate = (month: number, day: number): [number, number] => [
  month,
  Math.min(day, birthdayDaysIn(month + 1) - 1),
]

/** '03-15' → '3月15日'. */
function birthdayLabel(birthday: string): string {
  const [month, day] = birthday.split('-').map(Number)
  return `${month}月${day}日`
}

/**
 * The member's details. The birthday is set here once, for birthday offers: it cannot be changed
 * afterwards (so a birthday gift cannot be collected twice); the store or HQ corrects a mistake.
 */
export default function ProfilePage() {
  const status = useMemberStatus()
  const [picked, setPicked] = useState<[number, number] | undefined>(undefined)
  // The columns while the wheel turns: the day column follows the month shown.
  const [turning, setTurning] = useState<[number, number]>([0, 0])
  const [busy, setBusy] = useState(false)

  const save = async (birthday: string) => {
    const confirm = await Taro.showModal({
      title: '确认生日',
      content: `生日为 ${birthdayLabel(birthday)}，保存后不能修改，确定吗？`,
      confirmText: '确定',
    })
    if (!confirm.confirm) return
    setBusy(true)
    const reply = await api.call('member', 'setBirthday', { birthday })
    setBusy(false)
    if (!reply.ok) {
      notifyFailure(reply.error)
      return
    }
    void Taro.showToast({ title: '生日已保存', icon: 'success' })
    await memberChanged()
  }

  return (
    <PageShell>
      <QueryView query={status} skeleton={<Skeleton variant="list" rows={4} />}>
        {(s) =>
          s.bound ? (
            <Section title="会员资料" id="profile">
              <View className="profile-row">
                <View>会员号</View>
                <View>{s.member.memberNo}</View>
              </View>
              <View className="profile-row">
                <View>手机号</View>
                <View>{s.member.phoneMasked ?? '未提供'}</View>
              </View>
              <View className="profile-row">
                <View>等级</View>
                <View>{TIER_LABELS[s.member.tier]}</View>
              </View>
              <View className="profile-row">
                <View>入会日期</View>
                <View>{formatDate(s.member.joinedAt)}</View>
              </View>
              <View className="profile-row" id="profile-birthday">
                <View>生日</View>
                {s.member.birthday !== null ? (
                  <View>{birthdayLabel(s.member.birthday)}</View>
                ) : (
                  <Picker
                    id="birthday-picker-control"
                    mode="multiSelector"
                    range={[MONTHS, daysOf(turning[0])]}
                    value={turning}
                    onColumnChange={(e) => {
                      const { column, value } = e.detail as { column: number; value: number }
                      setTurning((t) =>
                        column === 0 ? realDate(value, t[1]) : realDate(t[0], value),
                      )
                    }}
                    onChange={(e) => {
                      const [m, d] = e.detail.value as number[]
                      const date = realDate(m ?? 0, d ?? 0)
                      setTurning(date)
                      setPicked(date)
                    }}
                  >
                    <View id="birthday-picker" className="profile-row__pick">
                      {picked ? `${MONTHS[picked[0]]}${picked[1] + 1}日` : '请选择（用于生日礼遇）'}
                    </View>
                  </Picker>
                )}
              </View>
              {s.member.birthday === null ? (
                <View className="profile-actions">
                  <View className="profile-note">生日只能填写一次，保存后不能修改。</View>
                  <ActionButton
                    block
                    id="birthday-save"
                    busy={busy}
                    disabled={picked === undefined}
                    onTap={() =>
                      picked && void save(`${pad2(picked[0] + 1)}-${pad2(picked[1] + 1)}`)
                    }
                  >
                    保存生日
                  </ActionButton>
                </View>
              ) : (
                <View className="profile-note">生日已设置，如填错请联系门店更正。</View>
              )}
            </Section>
          ) : (
            <View className="profile-note">开通会员卡后可填写资料</View>
          )
        }
      </QueryView>
    </PageShell>
  )
}
