export default definePageConfig({
  navigationBarTitleText: '会员码',
  enablePullDownRefresh: true,
  // Native components exist only on WeChat; H5 draws the code with React (member-code-view).
  usingComponents:
    process.env.TARO_ENV === 'weapp' ? { 'member-code': '../../native/member-code/index' } : {},
})
