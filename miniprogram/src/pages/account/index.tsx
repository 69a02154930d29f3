import { Button, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { api } from '../../api'
import { ActionButton } from '../../components/action-button'
import { FormField } from '../../components/form-field'
import { ListGroup, ListRow } from '../../components/list-row'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { useMemberStatus } from '../../hooks/use-member-status'
import { formatPoints, isMainlandMobile } from '../../lib/format'
import { ROUTES, withQuery } from '../../lib/routes'
import './index.scss'
import { forgetEverything, memberChanged } from '../../lib/queries'

/** What deleting the card removes and what stays (shared/membership/member-service.ts deleteAccount). */
const DELETED = '微信身份、手机号、生日、标签和收货地址，以及到店记录'
const KEPT =
  '订单、积分和佣金记录以匿名形式保留（财务与税务需要）；身份与手机号的不可逆摘要，用于防止重复领取开卡礼；已付运费尚未发出的礼品保留收货地址直到寄出'

/**
 * The shopper's rights over their card (WeChat's review and the Personal Information Protection
 * Law): add a phone, see and export what is stored, read the agreement and the privacy policy,
 * and delete the card, knowing beforehand what goes and what is kept.
 */
export default function AccountPage() {
  const status = useMemberStatus()
  const [phone, setPhone] = useState('')
  const [busy, setBusy] = useState<'phone' | 'export' | 'delete' | undefined>(undefined)
  const [exported, setExported] = useState<string | undefined>(undefined)
  const read = (kind: 'terms' | 'privacy') => () =>
    void Taro.navigateTo({ url: withQuery(ROUTES.agreement, { kind }) })

  const savePhone = async (contact: { phone: string } | { phoneCode: string }) => {
    setBusy('phone')
    const reply = await api.call('member', 'setPhone', contact)
    setBusy(undefined)
    if (!reply.ok) {
      notifyFailure(reply.error)
      return
    }
    setPhone('')
    void Taro.showToast({ title: '手机号已保存', icon: 'success' })
    await memberChanged()
  }

  const exportData = async () => {
    setBusy('export')
    const reply = await api.call('member', 'myData')
    setBusy(undefined)
    if (!reply.ok) {
      notifyFailure(reply.error)
      return
    }
    const d = reply.data
    await Taro.setClipboardData({ data: JSON.stringify(d, null, 2) })
    setExported(
      `已复制全部数据：会员资料 1 份、积分记录 ${d.pointsLedger.length} 条、兑换 ${d.redemptions.length} 条、归属记录 ${d.attributionLog.length} 条、到店记录 ${d.visits.length} 条。可粘贴保存。`,
    )
  }

  const deleteCard = async (points: number) => {
    const answer = await Taro.showModal({
      title: '确认注销会员卡？',
      content: `注销后 ${formatPoints(points)} 积分清零，会员卡不能恢复。将删除：${DELETED}。`,
      confirmText: '确认注销',
      confirmColor: '#d92d20',
      cancelText: '再想想',
    })
    if (!answer.confirm) return
    setBusy('delete')
    const reply = await api.call('member', 'deleteAccount', { confirm: 'DELETE' })
    setBusy(undefined)
    if (!reply.ok) {
      notifyFailure(reply.error)
      return
    }
    void Taro.showToast({ title: '会员卡已注销', icon: 'success' })
    // No page may show the deleted card's points or status again.
    void forgetEverything()
    setTimeout(() => void Taro.reLaunch({ url: ROUTES.home }), 800)
  }

  return (
    <PageShell>
      <ListGroup>
        <ListRow id="read-terms" glyph="doc" title="会员服务协议" onTap={read('terms')} />
        <ListRow id="read-privacy" glyph="shield" title="隐私政策" onTap={read('privacy')} />
      </ListGroup>
      <QueryView query={status} skeleton={<Skeleton variant="list" rows={3} />}>
        {(s) =>
          !s.bound ? (
            <View className="account-note">开通会员卡后，可在这里管理手机号、导出数据或注销。</View>
          ) : (
            <>
              <Section title="手机号" id="account-phone">
                <View className="account-line" id="account-phone-now">
                  {s.member.phoneMasked
                    ? `当前：${s.member.phoneMasked}`
                    : '未提供。门店凭手机号为你查询会员时需要。'}
                </View>
                {process.env.TARO_ENV === 'weapp' ? (
                  <Button
                    className="account-phone-button"
                    openType="getPhoneNumber"
                    disabled={busy === 'phone'}
                    onGetPhoneNumber={(e) => {
                      const code = (e.detail as { code?: string }).code
                      if (code) void savePhone({ phoneCode: code })
                    }}
                  >
                    {s.member.phoneMasked ? '更换为微信手机号' : '使用微信手机号'}
                  </Button>
                ) : (
                  <>
                    <FormField
                      id="account-phone-input"
                      label={s.member.phoneMasked ? '更换手机号' : '补充手机号'}
                      type="number"
                      maxlength={11}
                      placeholder="请输入 11 位手机号"
                      value={phone}
                      onChange={setPhone}
                      error={
                        phone !== '' && !isMainlandMobile(phone) ? '请输入正确的手机号' : undefined
                      }
                    />
                    <ActionButton
                      block
                      id="account-phone-save"
                      busy={busy === 'phone'}
                      disabled={!isMainlandMobile(phone)}
                      onTap={() => void savePhone({ phone: phone.trim() })}
                    >
                      保存手机号
                    </ActionButton>
                  </>
                )}
              </Section>
              <Section title="我的数据" id="account-data">
                <View className="account-line">
                  导出我们保存的你的全部信息：会员资料、积分记录、兑换、归属与到店记录。
                </View>
                <ActionButton
                  block
                  kind="secondary"
                  id="account-export"
                  busy={busy === 'export'}
                  onTap={() => void exportData()}
                >
                  导出我的数据
                </ActionButton>
                {exported && (
                  <View className="account-done" id="account-exported">
                    {exported}
                  </View>
                )}
              </Section>
              <Section title="注销会员卡" id="account-delete">
                <View className="account-line">注销后积分清零，会员卡不能恢复。</View>
                <View className="account-line">将删除：{DELETED}。</View>
                <View className="account-line">会保留：{KEPT}。</View>
                <ActionButton
                  block
                  kind="danger"
                  id="account-delete-button"
                  busy={busy === 'delete'}
                  onTap={() => void deleteCard(s.member.points)}
                >
                  注销账号
                </ActionButton>
              </Section>
            </>
          )
        }
      </QueryView>
    </PageShell>
  )
}
