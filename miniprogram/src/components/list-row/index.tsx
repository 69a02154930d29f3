import { View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { Icon, type IconName } from '../icon'
import './index.scss'

interface ListRowProps {
  title: string
  /** The row's icon, in front of the title. */
  glyph?: IconName
  /** Right-hand text, e.g. a count or status. */
  note?: ReactNode
  onTap?: () => void
  id?: string
}

/** One row of a settings-style list; rows with onTap get an arrow and tap feedback. */
export function ListRow({ title, glyph, note, onTap, id }: ListRowProps) {
  return (
    <View
      id={id}
      className="list-row"
      hoverClass={onTap ? 'list-row--pressed' : 'none'}
      onClick={onTap}
    >
      {glyph && (
        <View className="list-row__glyph">
          <Icon name={glyph} className="list-row__icon" />
        </View>
      )}
      <View className="list-row__title">{title}</View>
      {note !== undefined && <View className="list-row__note">{note}</View>}
      {onTap && <View className="list-row__arrow" />}
    </View>
  )
}

export function ListGroup({ children }: { children: ReactNode }) {
  return <View className="list-group">{children}</View>
}
