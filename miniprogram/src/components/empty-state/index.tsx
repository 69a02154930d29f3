import { View } from '@tarojs/components'
import { ActionButton } from '../action-button'
import { Icon, type IconName } from '../icon'
import './index.scss'

interface EmptyStateProps {
  /** The illustration's icon, e.g. "gift" for gifts. */
  glyph: IconName
  title: string
  description?: string
  action?: { text: string; onTap: () => void }
  /** Sits inside a card rather than filling the page. */
  compact?: boolean
}

/** "Nothing here yet" with what the person can do about it. */
export function EmptyState({ glyph, title, description, action, compact }: EmptyStateProps) {
  return (
    <View className={compact ? 'empty-state empty-state--compact' : 'empty-state'}>
      <View className="empty-state__glyph">
        <Icon name={glyph} className="empty-state__icon" />
      </View>
      <View className="empty-state__title">{title}</View>
      {description && <View className="empty-state__description">{description}</View>}
      {action && (
        <View className="empty-state__action">
          <ActionButton kind="secondary" size="small" onTap={action.onTap}>
            {action.text}
          </ActionButton>
        </View>
      )}
    </View>
  )
}
