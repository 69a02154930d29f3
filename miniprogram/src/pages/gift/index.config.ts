// No pull-to-refresh here: in Taro H5 its wrapper takes taps on a scrolled page; stock is
// re-read after any failed redemption instead.
export default definePageConfig({ navigationBarTitleText: '礼品详情' })
