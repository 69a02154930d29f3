import { View } from '@tarojs/components'
import { useMemo } from 'react'
import { groupCode } from '../../lib/format'
import { qrLayout, qrPattern, type QrBoxRow } from '../../lib/qr-matrix'
import './index.scss'

interface MemberCodeViewProps {
  code: string
  caption?: string
}

function layoutOf(code: string): { rows: QrBoxRow[]; failed: boolean } {
  try {
    return { rows: qrLayout(qrPattern(code)), failed: false }
  } catch {
    return { rows: [], failed: true }
  }
}

/**
 * H5 twin of the native <member-code> component (native/member-code): same layout from the same
 * lib/qr-matrix, drawn with React because H5 has no native components.
 */
export function MemberCodeView({ code, caption }: MemberCodeViewProps) {
  const { rows, failed } = useMemo(() => layoutOf(code), [code])
  return (
    <View className="member-code">
      <View className="member-code__frame">
        {rows.length > 0 ? (
          <View className="member-code__symbol" aria-label="会员码">
            {rows.map((row) => (
              <View
                key={row.key}
                className="member-code__row"
                style={{ top: row.top, height: row.height }}
              >
                {row.runs.map((run) => (
                  <View
                    key={run.key}
                    className="member-code__run"
                    style={{ left: run.left, width: run.width }}
                  />
                ))}
              </View>
            ))}
          </View>
        ) : (
          <View className="member-code__placeholder">
            {failed ? '会员码无法显示，请刷新' : '会员码加载中'}
          </View>
        )}
      </View>
      {code && <View className="member-code__text">{groupCode(code)}</View>}
      {caption && <View className="member-code__caption">{caption}</View>}
    </View>
  )
}
