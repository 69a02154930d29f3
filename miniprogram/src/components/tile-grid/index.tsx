import { View } from '@tarojs/components'
import { Icon, type IconName } from '../icon'
import './index.scss'

export interface Tile {
  key: string
  glyph: IconName
  title: string
  subtitle?: string
  /** Something waiting, e.g. unread messages: a red count on the tile (none at 0). */
  badge?: number
  onTap: () => void
}

/** Big square shortcuts: the home page's quick entries, the staff desk's tasks. */
export function TileGrid({
  tiles,
  columns = 4,
  iconColor,
}: {
  tiles: readonly Tile[]
  columns?: 2 | 4
  /** The icons' stroke colour (the brand red by default; the staff desk's blue). */
  iconColor?: string
}) {
  return (
    <View className={`tile-grid tile-grid--${columns}`}>
      {tiles.map((tile) => (
        <View
          key={tile.key}
          id={`tile-${tile.key}`}
          className="tile"
          hoverClass="tile--pressed"
          onClick={tile.onTap}
        >
          <View className="tile__glyph">
            <Icon name={tile.glyph} color={iconColor} className="tile__icon" />
            {tile.badge !== undefined && tile.badge > 0 && (
              <View className="tile__badge" id={`tile-${tile.key}-badge`}>
                {tile.badge > 99 ? '99+' : tile.badge}
              </View>
            )}
          </View>
          <View className="tile__title">{tile.title}</View>
          {tile.subtitle && <View className="tile__subtitle">{tile.subtitle}</View>}
        </View>
      ))}
    </View>
  )
}
