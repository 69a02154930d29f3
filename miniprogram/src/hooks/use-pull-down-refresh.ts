import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { useRef } from 'react'

/**
 * Pull-to-refresh for a page whose config sets `enablePullDownRefresh: true` (WeChat and Taro H5
 * both draw the indicator). The indicator stops when the refresh settles, success or not.
 */
export function usePullDownRefreshOf(refresh: () => Promise<void>): void {
  const latest = useRef(refresh)
  latest.current = refresh
  usePullDownRefresh(() => {
    void latest.current().finally(() => Taro.stopPullDownRefresh())
  })
}
