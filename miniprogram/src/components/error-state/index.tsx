import { View } from '@tarojs/components'
import type { ClientError } from '../../api'
import { ActionButton } from '../action-button'
import './index.scss'

interface ErrorStateProps {
  error: ClientError
  onRetry: () => void
}

/** A failed load with nothing else to show: says what went wrong, in Chinese, and offers a retry. */
export function ErrorState({ error, onRetry }: ErrorStateProps) {
  const offline = error.code === 'NETWORK'
  return (
    <View className="error-state" data-error-code={error.code}>
      <View className="error-state__glyph">{offline ? '网' : '!'}</View>
      <View className="error-state__title">{offline ? '网络不给力' : '加载失败'}</View>
      <View className="error-state__message">{error.message}</View>
      <View className="error-state__action">
        <ActionButton kind="primary" size="small" onTap={onRetry} id="retry">
          重新加载
        </ActionButton>
      </View>
    </View>
  )
}

interface RefreshErrorBarProps {
  error: ClientError
  onRetry: () => void
}

/** A failed refresh over data that is still shown: a bar with the reason and a retry. */
export function RefreshErrorBar({ error, onRetry }: RefreshErrorBarProps) {
  return (
    <View className="refresh-error-bar" data-error-code={error.code}>
      <View className="refresh-error-bar__message">刷新失败：{error.message}</View>
      {error.retryable && (
        <View id="refresh-retry" className="refresh-error-bar__retry" onClick={onRetry}>
          重试
        </View>
      )}
    </View>
  )
}
