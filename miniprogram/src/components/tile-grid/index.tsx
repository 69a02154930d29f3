import { View } from '@tarojs/components'
import './index.scss'

export interface Tile {
  key: string
  glyph: string
  title: string
  subtitle?: string
  onTap: () => void
}

/** Big square shortcuts: the home page's quick entries, the staff desk's tasks. */
export function TileGrid({ tiles, columns = 4 }: { tiles: readonly Tile[]; columns?: 2 | 4 }) {
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
          <View className="tile__glyph">{tile.glyph}</View>
          <View className="tile__title">{tile.title}</View>
          {tile.subtitle && <View className="tile__subtitle">{tile.subtitle}</View>}
        </View>
      ))}
    </View>
  )
}
