import { View } from '@tarojs/components'
import { useMemo } from 'react'
import { barsOf, encodeCode128C } from '../../lib/code128'
import './index.scss'

/**
 * A Code 128 (set C) barcode drawn with views: each bar is an absolutely placed view at a
 * percentage of the width, so it draws the same on WeChat and H5 without a canvas.
 */
export function BarcodeView({ digits }: { digits: string }) {
  const layout = useMemo(() => {
    try {
      const code = encodeCode128C(digits)
      return { modules: code.modules, bars: barsOf(code) }
    } catch {
      return undefined
    }
  }, [digits])
  if (layout === undefined) return null
  const pct = (modules: number) => `${((modules / layout.modules) * 100).toFixed(3)}%`
  return (
    <View className="barcode" id="member-barcode" aria-label="条形码">
      {layout.bars.map(([x, width]) => (
        <View key={x} className="barcode__bar" style={{ left: pct(x), width: pct(width) }} />
      ))}
    </View>
  )
}
