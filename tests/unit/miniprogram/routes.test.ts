import path from 'node:path'
import {
  isTabRoute,
  normalizeRoute,
  ROUTES,
  TAB_ROUTES,
  withQuery,
} from '../../../miniprogram/src/lib/routes'

interface AppConfig {
  pages: string[]
  subPackages: Array<{ root: string; pages: string[] }>
  tabBar: { list: Array<{ pagePath: string }> }
}

/** app.config.ts as Taro reads it: a module calling the global `defineAppConfig`. */
async function loadAppConfig(): Promise<AppConfig> {
  const globals = globalThis as { defineAppConfig?: (config: AppConfig) => AppConfig }
  globals.defineAppConfig = (config) => config
  // Built at run time so the root type check does not follow it into Taro's globals.
  const file = path.join(__dirname, '../../../miniprogram/src', 'app.config.ts')
  return ((await import(file)) as { default: AppConfig }).default
}

describe('routes', () => {
  let config: AppConfig
  let declared: string[]
  beforeAll(async () => {
    config = await loadAppConfig()
    declared = [
      ...config.pages.map((page) => `/${page}`),
      ...config.subPackages.flatMap((pkg) => pkg.pages.map((page) => `/${pkg.root}/${page}`)),
    ]
  })

  it('declares every route in app.config and nothing else', () => {
    expect([...declared].sort()).toEqual(Object.values(ROUTES).sort())
  })

  it('keeps tab pages in the main package and staff pages in the staff subpackage', () => {
    expect(config.tabBar.list.map((tab) => `/${tab.pagePath}`)).toEqual([...TAB_ROUTES])
    for (const [name, route] of Object.entries(ROUTES)) {
      expect([name, route.startsWith('/staff/')]).toEqual([name, name.startsWith('staff')])
    }
    expect(config.subPackages).toEqual([expect.objectContaining({ root: 'staff' })])
  })

  it('puts the staff invite page where the server’s invite codes point', () => {
    // shared/services/staff-service.ts STAFF_INVITE_PAGE and BIND_PAGE, as WeChat page paths.
    expect(ROUTES.staffInvite).toBe('/staff/invite/index')
    expect(ROUTES.bind).toBe('/pages/bind/index')
  })

  it('normalizes paths and builds queries', () => {
    expect(normalizeRoute('pages/home/index?x=1')).toBe('/pages/home/index')
    expect(isTabRoute('pages/me/index')).toBe(true)
    expect(isTabRoute(ROUTES.bind)).toBe(false)
    expect(withQuery(ROUTES.bind, { scene: 'a b', skip: undefined })).toBe(
      '/pages/bind/index?scene=a%20b',
    )
    expect(withQuery(ROUTES.home, {})).toBe('/pages/home/index')
  })
})
