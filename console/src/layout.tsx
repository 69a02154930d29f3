import {
  AccountBookOutlined,
  AuditOutlined,
  AppstoreOutlined,
  ShopFilled,
  CloudSyncOutlined,
  MessageOutlined,
  GiftOutlined,
  SendOutlined,
  StarOutlined,
  DashboardOutlined,
  LogoutOutlined,
  NotificationOutlined,
  SettingOutlined,
  ShopOutlined,
  ShoppingOutlined,
  TeamOutlined,
  UserOutlined,
  SafetyCertificateOutlined,
  TagsOutlined,
} from '@ant-design/icons'
import { Button, Layout, Menu, Space, Tag, Typography } from 'antd'
import { Outlet, useLocation, useNavigate } from 'react-router-dom'
import { ROLE_LABELS, type HqRole } from '../../shared/hq/rules/roles'
import { useAuth } from './auth'
import { ChangePasswordButton } from './change-password'
import { JobNoticeProvider } from './job-notice'

const MENU = [
  { key: '/', icon: <DashboardOutlined />, label: '数据看板' },
  { key: '/stores', icon: <ShopOutlined />, label: '门店' },
  { key: '/clerks', icon: <TeamOutlined />, label: '导购与邀请' },
  { key: '/members', icon: <UserOutlined />, label: '会员' },
  { key: '/products', icon: <AppstoreOutlined />, label: '商品与库存' },
  { key: '/gifts', icon: <GiftOutlined />, label: '礼品与库存' },
  { key: '/mail-redemptions', icon: <SendOutlined />, label: '邮寄兑换发货' },
  { key: '/points', icon: <StarOutlined />, label: '积分规则与调整' },
  { key: '/campaigns', icon: <NotificationOutlined />, label: '营销活动' },
  { key: '/coupons', icon: <TagsOutlined />, label: '优惠券' },
  { key: '/chat-templates', icon: <MessageOutlined />, label: '聊天文案' },
  { key: '/settings', icon: <SettingOutlined />, label: '业绩归属规则' },
  { key: '/orders', icon: <ShoppingOutlined />, label: '订单与退款' },
  { key: '/offline-sales', icon: <ShopFilled />, label: '线下销售' },
  { key: '/settlement', icon: <AccountBookOutlined />, label: '提成结算' },
  { key: '/jobs', icon: <CloudSyncOutlined />, label: '任务' },
  { key: '/audit', icon: <AuditOutlined />, label: '操作日志' },
  { key: '/accounts', icon: <SafetyCertificateOutlined />, label: '账号与权限' },
]

/**
 * Pages a role has nothing to do on are left out of its menu (the server refuses their actions
 * anyway): accounts are for admins; a store manager sees their stores' figures, members, orders,
 * settlement and their own exports.
 */
const ONLY: Partial<Record<string, readonly HqRole[]>> = {
  '/accounts': ['admin'],
  '/audit': ['admin', 'operator', 'analyst'],
}
const STORE_MANAGER_PAGES = new Set([
  '/',
  '/stores',
  '/clerks',
  '/members',
  '/orders',
  '/settlement',
  // Their own exports (their stores' rows only, flows/hq-jobs.ts).
  '/jobs',
])
const menuFor = (role: HqRole | undefined) =>
  MENU.filter((m) => {
    if (!role) return false
    if (role === 'storeManager') return STORE_MANAGER_PAGES.has(m.key)
    return ONLY[m.key]?.includes(role) ?? true
  })

export function ConsoleLayout() {
  const { session, logout } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const menu = menuFor(session?.role)
  const selected = menu
    .filter((m) => m.key !== '/' && location.pathname.startsWith(m.key))
    .map((m) => m.key)
  return (
    // Job notices live as long as the signed-in console: they follow the operator across pages.
    <JobNoticeProvider>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider width={208} theme="light" style={{ borderRight: '1px solid #eee' }}>
          <div style={{ padding: '18px 20px', fontWeight: 600, fontSize: 16, color: '#c2410c' }}>
            会员运营 · 总部
          </div>
          <Menu
            mode="inline"
            selectedKeys={selected.length ? selected : ['/']}
            items={menu}
            onClick={({ key }) => navigate(key)}
          />
        </Layout.Sider>
        <Layout>
          <Layout.Header
            style={{
              background: '#fff',
              display: 'flex',
              justifyContent: 'flex-end',
              alignItems: 'center',
              borderBottom: '1px solid #eee',
            }}
          >
            <Space>
              <Typography.Text id="console-user">{session?.username}</Typography.Text>
              <Tag id="console-role" color={session?.role === 'admin' ? 'volcano' : 'blue'}>
                {session ? ROLE_LABELS[session.role] : ''}
              </Tag>
              <ChangePasswordButton />
              <Button
                icon={<LogoutOutlined />}
                onClick={async () => {
                  await logout()
                  void navigate('/login')
                }}
              >
                退出
              </Button>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ padding: 24 }}>
            <Outlet />
          </Layout.Content>
        </Layout>
      </Layout>
    </JobNoticeProvider>
  )
}
