import { App as AntApp, ConfigProvider } from 'antd'
import zhCN from 'antd/locale/zh_CN'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import { createRoot } from 'react-dom/client'
import { HashRouter, Navigate, Route, Routes } from 'react-router-dom'
import { AuthProvider, RequireSession } from './auth'
import { ConsoleLayout } from './layout'
import { AccountsPage } from './pages/accounts'
import { AuditPage } from './pages/audit'
import { CampaignsPage } from './pages/campaigns'
import { ChatTemplatesPage } from './pages/chat-templates'
import { ClerksPage } from './pages/clerks'
import { DashboardPage } from './pages/dashboard'
import { GiftsPage } from './pages/gifts'
import { JobsPage } from './pages/jobs'
import { LoginPage } from './pages/login'
import { MailRedemptionsPage } from './pages/mail-redemptions'
import { MemberDetailPage } from './pages/member-detail'
import { MembersPage } from './pages/members'
import { OfflineSalesPage } from './pages/offline-sales'
import { ProductsPage } from './pages/products'
import { OrdersPage } from './pages/orders'
import { PointsPage } from './pages/points'
import { SettlementPage } from './pages/settlement'
import { SettingsPage } from './pages/settings'
import { StoresPage } from './pages/stores'

dayjs.locale('zh-cn')

function Console() {
  return (
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#c2410c', borderRadius: 6 } }}>
      <AntApp>
        <HashRouter>
          <AuthProvider>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                element={
                  <RequireSession>
                    <ConsoleLayout />
                  </RequireSession>
                }
              >
                <Route path="/" element={<DashboardPage />} />
                <Route path="/stores" element={<StoresPage />} />
                <Route path="/clerks" element={<ClerksPage />} />
                <Route path="/members" element={<MembersPage />} />
                <Route path="/members/:memberId" element={<MemberDetailPage />} />
                <Route path="/gifts" element={<GiftsPage />} />
                <Route path="/products" element={<ProductsPage />} />
                <Route path="/offline-sales" element={<OfflineSalesPage />} />
                <Route path="/mail-redemptions" element={<MailRedemptionsPage />} />
                <Route path="/points" element={<PointsPage />} />
                <Route path="/campaigns" element={<CampaignsPage />} />
                <Route path="/chat-templates" element={<ChatTemplatesPage />} />
                <Route path="/settings" element={<SettingsPage />} />
                <Route path="/orders" element={<OrdersPage />} />
                <Route path="/settlement" element={<SettlementPage />} />
                <Route path="/jobs" element={<JobsPage />} />
                <Route path="/audit" element={<AuditPage />} />
                <Route path="/accounts" element={<AccountsPage />} />
                <Route path="*" element={<Navigate to="/" replace />} />
              </Route>
            </Routes>
          </AuthProvider>
        </HashRouter>
      </AntApp>
    </ConfigProvider>
  )
}

createRoot(document.getElementById('root')!).render(<Console />)
