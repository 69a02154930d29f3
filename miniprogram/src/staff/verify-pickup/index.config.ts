export default definePageConfig({ navigationBarTitleText: '核销自提' })
