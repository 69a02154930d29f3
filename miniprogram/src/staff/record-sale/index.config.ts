export default definePageConfig({ navigationBarTitleText: '记录销售' })
