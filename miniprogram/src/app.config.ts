// Page paths mirror lib/routes.ts (tests/unit/miniprogram/routes.test.ts checks both agree).
export default defineAppConfig({
  pages: [
    'pages/home/index',
    'pages/points/index',
    'pages/gifts/index',
    'pages/shop/index',
    'pages/me/index',
    'pages/bind/index',
    'pages/member-code/index',
    'pages/orders/index',
    'pages/gift/index',
    'pages/redemption/index',
    'pages/redemptions/index',
    // What chat subscribe reminders open (shared/services/chat-service.ts CHAT_PAGE).
    'pages/chat/index',
    'pages/checkout/index',
    'pages/order/index',
    'pages/product/index',
    'pages/campaigns/index',
    'pages/profile/index',
    'pages/account/index',
    'pages/agreement/index',
  ],
  // The staff desk is a subpackage: shoppers never download it. Its invite page path is what the
  // server puts in staff invite codes (shared/services/staff-service.ts STAFF_INVITE_PAGE).
  subPackages: [
    {
      root: 'staff',
      name: 'staff',
      pages: [
        'home/index',
        'invite/index',
        'members/index',
        'record-sale/index',
        'verify-pickup/index',
        'member-detail/index',
        'my-code/index',
        'performance/index',
        'inbox/index',
        'chat/index',
        'campaigns/index',
      ],
    },
  ],
  window: {
    // WeChat draws its own title bar; 'default' also makes Taro's H5 router draw one, with the
    // page's title and a back button (home on the first page).
    navigationStyle: 'default',
    navigationBarBackgroundColor: '#d6453d',
    navigationBarTextStyle: 'white',
    navigationBarTitleText: '会员中心',
    backgroundColor: '#f5f6f8',
    backgroundTextStyle: 'dark',
  },
  tabBar: {
    color: '#8f959e',
    selectedColor: '#d6453d',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      {
        pagePath: 'pages/home/index',
        text: '首页',
        iconPath: 'assets/tab/home.png',
        selectedIconPath: 'assets/tab/home-active.png',
      },
      {
        pagePath: 'pages/points/index',
        text: '积分',
        iconPath: 'assets/tab/points.png',
        selectedIconPath: 'assets/tab/points-active.png',
      },
      {
        pagePath: 'pages/gifts/index',
        text: '礼品',
        iconPath: 'assets/tab/gifts.png',
        selectedIconPath: 'assets/tab/gifts-active.png',
      },
      {
        pagePath: 'pages/shop/index',
        text: '商城',
        iconPath: 'assets/tab/shop.png',
        selectedIconPath: 'assets/tab/shop-active.png',
      },
      {
        pagePath: 'pages/me/index',
        text: '我的',
        iconPath: 'assets/tab/me.png',
        selectedIconPath: 'assets/tab/me-active.png',
      },
    ],
  },
  // The checkout's store picker (nearest first) and its delivery address import.
  requiredPrivateInfos: ['getLocation', 'chooseAddress'],
  permission: { 'scope.userLocation': { desc: '用于按距离为你推荐最近的自提门店' } },
  // Only inject the components a page actually uses (WeChat's on-demand injection).
  lazyCodeLoading: 'requiredComponents',
})
