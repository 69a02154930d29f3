import { View } from '@tarojs/components'
import type { ReactNode } from 'react'
import './index.scss'

interface SectionProps {
  title: string
  extra?: ReactNode
  children: ReactNode
  id?: string
}

/** A titled white card on the page background. */
export function Section({ title, extra, children, id }: SectionProps) {
  return (
    <View id={id} className="section">
      <View className="section__header">
        <View className="section__title">{title}</View>
        {extra !== undefined && <View className="section__extra">{extra}</View>}
      </View>
      <View className="section__body">{children}</View>
    </View>
  )
}
