import { View } from '@tarojs/components'
import './index.scss'

interface SkeletonProps {
  /** 'card': the member card's silhouette; 'list': rows with an icon; 'block': a few text lines. */
  variant?: 'card' | 'list' | 'block'
  rows?: number
}

/** Grey placeholders in the shape of what is loading, so the layout does not jump. */
export function Skeleton({ variant = 'block', rows = 3 }: SkeletonProps) {
  const lines = Array.from({ length: rows }, (_, i) => i)
  if (variant === 'card') {
    return (
      <View className="skeleton skeleton--card" aria-label="加载中">
        <View className="skeleton__bar skeleton__bar--short" />
        <View className="skeleton__bar skeleton__bar--figure" />
        <View className="skeleton__bar skeleton__bar--medium" />
      </View>
    )
  }
  if (variant === 'list') {
    return (
      <View className="skeleton skeleton--list" aria-label="加载中">
        {lines.map((i) => (
          <View key={i} className="skeleton__item">
            <View className="skeleton__icon" />
            <View className="skeleton__lines">
              <View className="skeleton__bar skeleton__bar--medium" />
              <View className="skeleton__bar skeleton__bar--short" />
            </View>
          </View>
        ))}
      </View>
    )
  }
  return (
    <View className="skeleton skeleton--block" aria-label="加载中">
      {lines.map((i) => (
        <View
          key={i}
          className={i === rows - 1 ? 'skeleton__bar skeleton__bar--medium' : 'skeleton__bar'}
        />
      ))}
    </View>
  )
}
