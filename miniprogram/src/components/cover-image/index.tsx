import { Image, View } from '@tarojs/components'
import './index.scss'

interface CoverImageProps {
  /** The product's or gift's picture; null or empty: a neutral placeholder. */
  src: string | null | undefined
  /** `square` (1:1) for list thumbnails and detail covers, `wide` (4:3) for cards. */
  ratio?: 'square' | 'wide'
  className?: string
  id?: string
}

/**
 * A product or gift picture cropped to a fixed ratio (`aspectFill`: filled and centred, never
 * stretched), so lists line up whatever HQ uploads; without one, a quiet placeholder of the same
 * size, never a letter or a broken image.
 */
export function CoverImage({ src, ratio = 'square', className, id }: CoverImageProps) {
  // The outer box takes the page's size (its className); the inner one holds the ratio. Its
  // padding-top is a share of its containing block's width, which must be the outer box: on a flex
  // item itself it would be the flex row's width, and a thumbnail beside text grew tall.
  return (
    <View className={['cover-image', className ?? ''].filter(Boolean).join(' ')} id={id}>
      <View className={`cover-image__frame cover-image__frame--${ratio}`}>
        {src ? (
          <Image className="cover-image__img" src={src} mode="aspectFill" lazyLoad />
        ) : (
          <View className="cover-image__placeholder" aria-label="暂无图片">
            <View className="cover-image__sun" />
            <View className="cover-image__hill" />
          </View>
        )}
      </View>
    </View>
  )
}
