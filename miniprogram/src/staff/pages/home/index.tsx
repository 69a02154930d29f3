import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { EmptyState } from '../../../components/empty-state'
import { PageShell } from '../../../components/page-shell'
import { Section } from '../../../components/section'
import { TileGrid } from '../../../components/tile-grid'
import { ROUTES } from '../../../lib/routes'
import './index.scss'

/**
 * The clerk's desk: the counter tasks first, then today's figures. Which store and clerk this is
 * comes from the `staff` function (a later issue), which is also what refuses non-staff.
 */
export default function StaffHomePage() {
  const go = (url: string) => () => void Taro.navigateTo({ url })

  return (
    <PageShell className='staff-home'>
      <View className='staff-header'>
        <View className='staff-header__eyebrow'>店员专用</View>
        <View className='staff-header__title'>店员工作台</View>
        <View className='staff-header__text'>扫会员码记销售、核销自提、服务你的会员</View>
      </View>
      <TileGrid
        columns={2}
        tiles={[
          { key: 'record-sale', glyph: '销', title: '记录销售', subtitle: '扫描会员码', onTap: go(ROUTES.staffRecordSale) },
          { key: 'verify-pickup', glyph: '核', title: '核销自提', subtitle: '输入或扫描核销码', onTap: go(ROUTES.staffVerifyPickup) },
          { key: 'members', glyph: '员', title: '我的会员', subtitle: '归属于你的会员', onTap: go(ROUTES.staffMembers) },
          { key: 'member-side', glyph: '返', title: '返回会员端', subtitle: '以顾客身份浏览', onTap: () => void Taro.switchTab({ url: ROUTES.home }) },
        ]}
      />
      <Section title='今日业绩'>
        <EmptyState compact glyph='绩' title='暂无业绩数据' description='记录销售后，这里会显示今日销售额与提成' />
      </Section>
    </PageShell>
  )
}
