import { View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useRef, useState } from 'react'
import { api } from '../../api'
import { ActionButton } from '../../components/action-button'
import { ListGroup, ListRow } from '../../components/list-row'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Section } from '../../components/section'
import { Skeleton } from '../../components/skeleton'
import { notifyFailure } from '../../feedback/notify-failure'
import { usePullDownRefreshOf } from '../../hooks/use-pull-down-refresh'
import { useApiQuery } from '../../hooks/use-query'
import { newClientMsgId } from '../../lib/chat-session'
import { formatDate, formatDateTime, formatPoints, TIER_LABELS } from '../../lib/format'
import './index.scss'

const REASON: Record<string, string> = {
  bind: '扫码开卡',
  transfer: '总部转移',
  rescan: '保护期后重新归属',
}
const KIND: Record<string, string> = {
  welcome: '开卡礼',
  earn: '消费',
  spend: '兑换',
  expire: '过期',
  refund: '退款扣回',
  adjust: '总部调整',
  return: '退回',
}

/**
 * Coupons the store's budget lets the clerk give this member (HQ sets the budget per store): one
 * tap gives one; a retry of the same tap (no answer) gives it once.
 */
function GiveCoupon(props: { memberId: string }) {
  const budgets = useApiQuery('staff', 'couponBudgets')
  const [busy, setBusy] = useState<string | null>(null)
  // The request a lost answer leaves open, in a ref: a tap straight after the failure (before the
  // next render) must still send the same id, or a give that did land would be given again.
  const request = useRef<{ templateId: string; id: string } | null>(null)
  if (budgets.status !== 'ready' || budgets.data.items.length === 0) return null
  const give = async (templateId: string, name: string) => {
    const confirm = await Taro.showModal({
      title: '赠送优惠券',
      content: `从本店额度赠送 1 张「${name}」给该会员`,
      confirmText: '赠送',
    })
    if (!confirm.confirm) return
    const open = request.current
    const requestId = open?.templateId === templateId ? open.id : newClientMsgId()
    request.current = { templateId, id: requestId }
    setBusy(templateId)
    const reply = await api.call('staff', 'giveCoupon', {
      memberId: props.memberId,
      templateId,
      requestId,
    })
    setBusy(null)
    if (!reply.ok) {
      if (!reply.error.retryable) request.current = null
      notifyFailure(reply.error)
    } else {
      request.current = null
      void Taro.showToast({ title: '已赠送', icon: 'success' })
    }
    void budgets.refresh()
  }
  return (
    <Section title="赠送优惠券">
      <View id="give-coupons">
        {budgets.data.items.map((b) => (
          <View key={b.templateId} className="member-detail-line" id={`give-${b.templateId}`}>
            <View>
              {b.templateName} · 本店额度剩余 {b.left} 张
            </View>
            <ActionButton
              size="small"
              id={`give-coupon-${b.templateId}`}
              disabled={b.left <= 0}
              busy={busy === b.templateId}
              onTap={() => void give(b.templateId, b.templateName)}
            >
              {b.left > 0 ? '赠送' : '额度已用完'}
            </ActionButton>
          </View>
        ))}
      </View>
    </Section>
  )
}

/**
 * One member as their clerk (or the store's manager) sees them: masked phone unless the member
 * shared it in chat, tier and points, who brought them and every move since, visits and points.
 * The server refuses anyone else (another clerk, another store).
 */
export default function StaffMemberDetailPage() {
  const { params } = useRouter()
  const memberId = typeof params.memberId === 'string' ? params.memberId : ''
  const detail = useApiQuery('staff', 'memberDetail', { memberId })
  usePullDownRefreshOf(detail.refresh)
  return (
    <PageShell>
      <QueryView query={detail} skeleton={<Skeleton variant="list" rows={6} />}>
        {(data) => (
          <View id="staff-member-detail">
            <View className="member-detail-head">
              <View className="member-detail-head__name">
                {data.member.phone ?? data.member.phoneMasked ?? `会员 ${data.member.memberNo}`}
              </View>
              <View className="member-detail-head__meta">
                {TIER_LABELS[data.member.tier]} · {formatPoints(data.member.points)} 积分 · 会员号{' '}
                {data.member.memberNo}
              </View>
              {data.member.phone === null && (
                <View className="member-detail-head__hint">
                  会员在聊天中分享手机号后，这里会显示完整号码
                </View>
              )}
            </View>
            <ListGroup>
              <ListRow title="归属" note={`${data.member.storeName} · ${data.member.clerkName}`} />
              <ListRow title="开卡" note={formatDate(data.member.joinedAt)} />
              <ListRow
                title="最近消费"
                note={data.member.lastPurchaseAt ? formatDate(data.member.lastPurchaseAt) : '暂无'}
              />
              <ListRow
                title="标签"
                note={data.member.tags.length ? data.member.tags.join('、') : '暂无'}
              />
            </ListGroup>
            <GiveCoupon memberId={memberId} />
            <Section title="归属记录">
              {data.attributionLog.map((entry) => (
                <View key={`${entry.at}-${entry.reason}`} className="member-detail-line">
                  {REASON[entry.reason] ?? entry.reason}：
                  {entry.fromClerkName ? `${entry.fromClerkName} → ` : ''}
                  {entry.toClerkName} · {formatDateTime(entry.at)}
                  {entry.note ? ` · ${entry.note}` : ''}
                </View>
              ))}
            </Section>
            <Section title="积分记录">
              {data.pointsLedger.length === 0 ? (
                <View className="member-detail-line member-detail-line--muted">暂无</View>
              ) : (
                data.pointsLedger.map((entry) => (
                  <View
                    key={`${entry.at}-${entry.kind}-${entry.points}`}
                    className="member-detail-line"
                  >
                    {KIND[entry.kind] ?? entry.kind} {entry.points > 0 ? '+' : ''}
                    {formatPoints(entry.points)} · {formatDateTime(entry.at)}
                  </View>
                ))
              )}
            </Section>
            <Section title="到店记录">
              {data.visits.length === 0 ? (
                <View className="member-detail-line member-detail-line--muted">暂无</View>
              ) : (
                data.visits.map((visit) => (
                  <View key={visit.at} className="member-detail-line">
                    {visit.storeName} · {formatDateTime(visit.at)}
                  </View>
                ))
              )}
            </Section>
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
