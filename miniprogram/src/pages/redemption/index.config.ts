export default definePageConfig({
  navigationBarTitleText: '兑换详情',
  enablePullDownRefresh: true,
  // The pickup code's QR reuses the member-code renderer (native on WeChat, React on H5).
  usingComponents:
    process.env.TARO_ENV === 'weapp' ? { 'member-code': '../../native/member-code/index' } : {},
})
