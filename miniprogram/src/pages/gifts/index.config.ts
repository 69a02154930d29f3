export default definePageConfig({ navigationBarTitleText: '积分兑礼', enablePullDownRefresh: true })
