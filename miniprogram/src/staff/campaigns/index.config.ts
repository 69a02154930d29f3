export default definePageConfig({ navigationBarTitleText: '门店活动', enablePullDownRefresh: true })
