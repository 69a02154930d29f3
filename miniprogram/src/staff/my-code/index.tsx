import { Image, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { ActionButton } from '../../components/action-button'
import { PageShell } from '../../components/page-shell'
import { QueryView } from '../../components/query-view'
import { Skeleton } from '../../components/skeleton'
import { useApiQuery } from '../../hooks/use-query'
import './index.scss'

/** Saves the code to the phone's album (WeChat) or downloads it (H5), to print or share. */
async function saveCode(pngBase64: string): Promise<void> {
  if (process.env.TARO_ENV === 'h5') {
    const link = document.createElement('a')
    link.href = `data:image/png;base64,${pngBase64}`
    link.download = 'my-code.png'
    link.click()
    return
  }
  const filePath = `${Taro.env.USER_DATA_PATH}/my-code.png`
  Taro.getFileSystemManager().writeFileSync(filePath, pngBase64, 'base64')
  try {
    await Taro.saveImageToPhotosAlbum({ filePath })
    void Taro.showToast({ title: '已保存到相册', icon: 'success' })
  } catch {
    void Taro.showToast({ title: '保存失败，请允许访问相册后重试', icon: 'none' })
  }
}

/** The clerk's own mini-program code: customers who scan it become this clerk's members. */
export default function MyCodePage() {
  const code = useApiQuery('staff', 'myCode')
  return (
    <PageShell>
      <QueryView query={code} skeleton={<Skeleton variant="card" />}>
        {(data) => (
          <View className="my-code" id="my-code">
            <Image
              className="my-code__image"
              src={`data:image/png;base64,${data.pngBase64}`}
              mode="aspectFit"
            />
            <View className="my-code__text">
              顾客扫码开卡，即成为你的专属会员；之后在任何门店和线上的消费都计入你的业绩。
            </View>
            <ActionButton block id="my-code-save" onTap={() => void saveCode(data.pngBase64)}>
              保存图片
            </ActionButton>
          </View>
        )}
      </QueryView>
    </PageShell>
  )
}
