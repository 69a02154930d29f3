import { View } from '@tarojs/components'
import type { MemberStatus } from '../../hooks/use-member-status'
import { ActionButton } from '../action-button'
import './index.scss'

interface MemberCardProps {
  status: MemberStatus
  /** Opens the camera to scan a store's or clerk's code; absent where there is no camera scan (H5). */
  onScan?: () => void
}

/** The member card at the top of home. Not yet a member: how to become one. */
export function MemberCard({ status, onScan }: MemberCardProps) {
  if (!status.bound) {
    return (
      <View className='member-card member-card--unbound' id='member-card'>
        <View className='member-card__top'>
          <View className='member-card__label'>会员卡</View>
          <View className='member-card__badge'>未开卡</View>
        </View>
        <View className='member-card__headline'>还不是会员</View>
        <View className='member-card__hint'>到店扫描门店或导购的二维码，即可开卡，开卡即送积分</View>
        {onScan && (
          <View className='member-card__action'>
            <ActionButton kind='ghost' size='small' onTap={onScan} id='scan-to-bind'>
              扫码开卡
            </ActionButton>
          </View>
        )}
      </View>
    )
  }
  return null
}
