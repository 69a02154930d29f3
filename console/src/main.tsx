import { QueryClientProvider } from '@tanstack/react-query'
import { App as AntApp, ConfigProvider, theme } from 'antd'
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
import { CouponsPage } from './pages/coupons'
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
import { createQueryClient } from './use-admin'

dayjs.locale('zh-cn')

/** One cache for the console's reads (use-admin.ts). */
const queryClient = createQueryClient()

function Console() {
  return (
    // Compact density: an operator reads 50-100 rows of a list at once; every table offers page
    // sizes up to 100 (the server's largest page).
    <ConfigProvider
      locale={zhCN}
      componentSize="small"
      pagination={{ showSizeChanger: true }}
      theme={{
        algorithm: theme.compactAlgorithm,
        token: { colorPrimary: '#c2410c', borderRadius: 6 },
      }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
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
                  <Route path="/coupons" element={<CouponsPage />} />
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
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  )
}

createRoot(document.getElementById('root')!).render(<Console />)
