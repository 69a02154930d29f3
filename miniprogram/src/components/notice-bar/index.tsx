import { View } from '@tarojs/components'
import type { ReactNode } from 'react'
import './index.scss'

/** A calm information bar, e.g. for a service that is not open yet. */
export function NoticeBar({ children }: { children: ReactNode }) {
  return (
    <View className="notice-bar">
      <View className="notice-bar__icon">i</View>
      <View className="notice-bar__text">{children}</View>
    </View>
  )
}
