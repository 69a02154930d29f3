import { View } from '@tarojs/components'
import type { MemberStatus } from '../../hooks/use-member-status'
import { formatPoints, TIER_LABELS } from '../../lib/format'
import { ActionButton } from '../action-button'
import './index.scss'

interface MemberCardProps {
  status: MemberStatus
  /** Opens the camera to scan a store's or clerk's code; absent where there is no camera scan (H5). */
  onScan?: () => void
  /** Opens the member code page. */
  onShowCode: () => void
}

/** The member card at the top of home: the card itself, or how to get one. */
export function MemberCard({ status, onScan, onShowCode }: MemberCardProps) {
  if (!status.bound) {
    return (
      <View className="member-card member-card--unbound" id="member-card">
        <View className="member-card__top">
          <View className="member-card__label">会员卡</View>
          <View className="member-card__badge">未开卡</View>
        </View>
        <View className="member-card__headline">还不是会员</View>
        <View className="member-card__hint">
          到店扫描门店或导购的二维码，即可开卡，开卡即送积分
        </View>
        {onScan && (
          <View className="member-card__action">
            <ActionButton kind="ghost" size="small" onTap={onScan} id="scan-to-bind">
              扫码开卡
            </ActionButton>
          </View>
        )}
      </View>
    )
  }

  const { member } = status
  return (
    <View className={`member-card member-card--${member.tier}`} id="member-card">
      <View className="member-card__top">
        <View className="member-card__label">会员卡</View>
        <View className="member-card__badge">{TIER_LABELS[member.tier]}</View>
      </View>
      <View className="member-card__points">
        <View className="member-card__figure" id="member-points">
          {formatPoints(member.points)}
        </View>
        <View className="member-card__unit">积分</View>
      </View>
      <View className="member-card__number">No. {member.memberNo}</View>
      <View className="member-card__bottom">
        <View className="member-card__store">
          {member.storeName}
          {member.clerkName ? ` · 专属导购 ${member.clerkName}` : ''}
        </View>
        <ActionButton kind="ghost" size="small" onTap={onShowCode} id="show-member-code">
          会员码
        </ActionButton>
      </View>
    </View>
  )
}
