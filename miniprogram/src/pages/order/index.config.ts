export default definePageConfig({
  navigationBarTitleText: '订单详情',
  enablePullDownRefresh: true,
  // The pickup code is drawn by the native member-code component on WeChat (see member-code page).
  usingComponents:
    process.env.TARO_ENV === 'weapp' ? { 'member-code': '../../native/member-code/index' } : {},
})
