import { View } from '@tarojs/components'
import type { ReactNode } from 'react'
import './index.scss'

interface ActionButtonProps {
  children: ReactNode
  onTap?: () => void
  kind?: 'primary' | 'secondary' | 'ghost' | 'danger'
  size?: 'large' | 'small'
  disabled?: boolean
  /** Shows a busy label and ignores taps, for an action in flight. */
  busy?: boolean
  block?: boolean
  id?: string
}

/**
 * The app's button. A styled View rather than the platform <Button>: WeChat's button carries
 * its own borders and sizes that differ from H5, and none of our buttons need an open-type.
 */
export function ActionButton({
  children,
  onTap,
  kind = 'primary',
  size = 'large',
  disabled,
  busy,
  block,
  id,
}: ActionButtonProps) {
  const inactive = disabled === true || busy === true
  const className = [
    'action-button',
    `action-button--${kind}`,
    `action-button--${size}`,
    block ? 'action-button--block' : '',
    inactive ? 'action-button--inactive' : '',
  ]
    .filter(Boolean)
    .join(' ')
  return (
    <View
      id={id}
      className={className}
      hoverClass={inactive ? 'none' : 'action-button--pressed'}
      aria-role="button"
      aria-disabled={inactive}
      onClick={inactive ? undefined : onTap}
    >
      {busy ? '处理中…' : children}
    </View>
  )
}
