import { View } from '@tarojs/components'
import type { ComponentType, ReactNode } from 'react'
import './index.scss'

// H5 only: the local stack's identity switcher. A build-time constant condition, so the WeChat
// build contains neither the component nor its persona code.
const PersonaSwitcher: ComponentType | null =
  process.env.TARO_ENV === 'h5' ? require('../../dev/persona-switcher').PersonaSwitcher : null

interface PageShellProps {
  children: ReactNode
  /** Extra class for page-specific layout (e.g. a coloured header that bleeds to the top). */
  className?: string
}

/** The frame of every page: background, safe-area padding and, on H5, the persona switcher. */
export function PageShell({ children, className }: PageShellProps) {
  return (
    <View className={className ? `page-shell ${className}` : 'page-shell'}>
      {PersonaSwitcher && <PersonaSwitcher />}
      {children}
    </View>
  )
}
