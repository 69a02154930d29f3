export default definePageConfig({ navigationBarTitleText: '线上商城', enablePullDownRefresh: true })
