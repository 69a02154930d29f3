export default definePageConfig({ navigationBarTitleText: '联系导购' })
